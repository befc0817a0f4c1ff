// SPDX-License-Identifier: GPL-2.0
/*
 * In-process latency of libcima's TPM calls: one PCR read, or one report
 * (TPM2_Quote of all sha256 PCRs with the AK named by the options).
 *   bench_report pcr|quote|quote-persistent N
 * Prints the median and mean in microseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cima/cima.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct cima_platform_opts po = { .sz = sizeof(po), .platform = CIMA_PLATFORM_TPM };
	struct cima_report_opts ro = { .sz = sizeof(ro), .platform = &po };
	int n = argc > 2 ? atoi(argv[2]) : 20;
	double *t, sum = 0;
	uint8_t d[64];

	if (argc < 2 || n <= 0) {
		fprintf(stderr, "usage: bench_report pcr|quote|quote-persistent N\n");
		return 2;
	}
	ro.transient_ak = strcmp(argv[1], "quote-persistent") != 0;
	t = calloc((size_t)n, sizeof(*t));
	for (int i = 0; i < n; i++) {
		double t0 = now_us();

		if (!strcmp(argv[1], "pcr")) {
			if (cima_get_cc_measurement(i % 24, CIMA_ALG_SHA256, d, &po) < 0)
				goto fail;
		} else {
			struct cima_report *r = cima_get_cc_report("nonce", 5, NULL, 0, &ro);

			if (!r)
				goto fail;
			cima_report_free(r);
		}
		t[i] = now_us() - t0;
		sum += t[i];
	}
	qsort(t, (size_t)n, sizeof(*t), cmp);
	printf("%.0f %.0f\n", t[n / 2], sum / n);
	free(t);
	return 0;
fail:
	fprintf(stderr, "bench_report: %s\n", cima_strerror_last());
	return 1;
}

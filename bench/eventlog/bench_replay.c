// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parse + replay one event log with libcima, best of R runs; prints
 * "events <n> seconds <s> replay_seconds <r>" on stdout (s: read + parse +
 * replay; r: the replay alone).
 *   bench_replay FILE [RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cima/cima.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	double best = 1e9, best_replay = 1e9;
	size_t n = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_replay FILE [RUNS]\n");
		return 2;
	}
	for (int i = 0; i < runs; i++) {
		CIMA_OPTS(cima_eventlog_opts, o, .source = CIMA_SOURCE_FIRMWARE, .path = argv[1]);
		double t0 = now(), t, t1;
		struct cima_eventlog *log = cima_eventlog_open(&o);
		struct cima_replay *r;

		if (!log) {
			fprintf(stderr, "bench_replay: %s\n", cima_strerror_last());
			return 3;
		}
		t1 = now();
		r = cima_replay_cc_eventlog(log);
		if (!r) {
			fprintf(stderr, "bench_replay: %s\n", cima_strerror_last());
			return 3;
		}
		t = now() - t0;
		if (t < best)
			best = t;
		if (now() - t1 < best_replay)
			best_replay = now() - t1;
		n = cima_eventlog_count(log);
		cima_replay_free(r);
		cima_eventlog_free(log);
	}
	printf("events %zu seconds %.6f replay_seconds %.6f\n", n, best, best_replay);
	return 0;
}

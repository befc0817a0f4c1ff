// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: SEV-SNP attestation report parser and dump. */
#include <stdio.h>
#include <cima/cima.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cima_snp_report s;
	FILE *null = fopen("/dev/null", "w");

	if (!cima_snp_report_parse(data, size, &s))
		cima_snp_report_dump(&s, null);
	fclose(null);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: SNP report verification.  Input: the 1184-byte report, then
 * a GHCB certificate table (the VCEK and ASK come from it).
 */
#include <cima/cima.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cima_vendor_result res = { .sz = sizeof(res) };
	CIMA_OPTS(cima_vendor_verify_opts, o, .at_time = 1767225600, .result = &res);
	int ret;

	if (size > CIMA_SNP_REPORT_SIZE) {
		o.cert_table = data + CIMA_SNP_REPORT_SIZE;
		o.cert_table_len = size - CIMA_SNP_REPORT_SIZE;
	}
	ret = cima_snp_report_verify(data, size < CIMA_SNP_REPORT_SIZE ? size :
				     CIMA_SNP_REPORT_SIZE, &o);
	if ((ret == 0) != (res.step == CIMA_VSTEP_NONE))
		__builtin_trap();
	return 0;
}

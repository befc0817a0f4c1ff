// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: TDX quote (v4/v5) and TDREPORT parsers, quote signature check. */
#include <stdio.h>
#include <cima/cima.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cima_tdx_quote q;
	struct cima_tdx_tdreport t;
	FILE *null = fopen("/dev/null", "w");

	if (!cima_tdx_quote_parse(data, size, &q)) {
		if (q.total_len > size || q.sig_data < data ||
		    q.sig_data + q.sig_data_len > data + size)
			__builtin_trap();
		cima_tdx_quote_dump(&q, null);
		cima_tdx_quote_check_signature(data, size);
	}
	if (!cima_tdx_tdreport_parse(data, size, &t))
		cima_tdx_tdreport_dump(&t, null);
	fclose(null);
	return 0;
}

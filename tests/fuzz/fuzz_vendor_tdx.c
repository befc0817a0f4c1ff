// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: TDX quote verification against the pinned Intel root. */
#include <cima/cima.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cima_vendor_result res = { .sz = sizeof(res) };
	/* Fixed time (2026-01-01) so the seed's chain stays valid. */
	CIMA_OPTS(cima_vendor_verify_opts, o, .at_time = 1767225600, .result = &res);
	int ret = cima_tdx_quote_verify(data, size, &o);

	if ((ret == 0) != (res.step == CIMA_VSTEP_NONE))
		__builtin_trap();
	return 0;
}

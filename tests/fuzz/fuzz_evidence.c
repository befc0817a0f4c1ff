// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the evidence-bundle loader (strict JSON, base64, hex, sizes)
 * on hostile input.  A bundle that loads is also verified without anchors
 * (no_nonce): a TPM bundle stops at the signature check, a TDX or SNP one
 * runs the vendor checks on the fuzzed report.
 */
#include <stdlib.h>
#include <string.h>
#include <cima/cima.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cima_evidence_verify_opts vo = { .sz = sizeof(vo), .no_nonce = true };
	struct cima_evidence_result *res = NULL;
	struct cima_evidence *ev = cima_evidence_load(data, size);

	if (!ev)
		return 0;
	cima_evidence_verify(ev, &vo, &res);
	cima_evidence_result_free(res);
	cima_evidence_free(ev);
	return 0;
}

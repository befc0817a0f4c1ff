// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: TPM quote verification on hostile input.  The input is split
 * into attest, signature, AK public and PCR values by three little-endian
 * 16-bit lengths at its start; also feeds base64 decoding.
 */
#include <stdlib.h>
#include <string.h>
#include <cima/cima.h>
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cima_tpm_quote_check c = { .sz = sizeof(c) };
	uint8_t out[256];
	size_t a, s, k;

	cima__b64_decode((const char *)data, size, out, sizeof(out), NULL, 0);
	if (size < 6)
		return 0;
	a = data[0] | (size_t)data[1] << 8;
	s = data[2] | (size_t)data[3] << 8;
	k = data[4] | (size_t)data[5] << 8;
	data += 6;
	size -= 6;
	if (a + s + k > size)
		return 0;
	c.attest = data;
	c.attest_len = a;
	c.signature = data + a;
	c.signature_len = s;
	c.ak_public = data + a + s;
	c.ak_public_len = k;
	c.pcr_values = data + a + s + k;
	c.pcr_values_len = size - a - s - k;
	c.qualifying_data = data;
	c.qualifying_data_len = a < 64 ? a : 64;
	cima_tpm_quote_verify(&c);
	return 0;
}

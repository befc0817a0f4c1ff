// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Strict base64 (RFC 4648 section 4): standard alphabet, '=' padding.
 * Internal to libcima (JSON dumps of event data) and compiled into the
 * cima tool as well; see b64.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "b64.h"

static ssize_t __attribute__((format(printf, 4, 5)))
b64_fail(int err, char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	if (why && why_size) {
		va_start(ap, fmt);
		vsnprintf(why, why_size, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* Value of each byte in the alphabet, 255 for every other byte. */
static const uint8_t b64_val[256] = {
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,  62, 255, 255, 255,  63,
	 52,  53,  54,  55,  56,  57,  58,  59,  60,  61, 255, 255, 255, 255, 255, 255,
	255,   0,   1,   2,   3,   4,   5,   6,   7,   8,   9,  10,  11,  12,  13,  14,
	 15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25, 255, 255, 255, 255, 255,
	255,  26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,
	 41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
};

/*
 * The same values placed for a whole quad: bits 18-23, 12-17, 6-11 and 0-5
 * of the 24-bit group, bit 31 set for a byte outside the alphabet, so one
 * OR of four lookups decodes (and checks) four characters.
 */
#define B64_V(c) ((c) >= 'A' && (c) <= 'Z' ? (c) - 'A' : (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26 : \
		  (c) >= '0' && (c) <= '9' ? (c) - '0' + 52 : (c) == '+' ? 62 : (c) == '/' ? 63 : -1)
#define B64_Q(c, s) (B64_V(c) < 0 ? 0x80000000u : (uint32_t)B64_V(c) << (s))
#define B64_R4(c, s) B64_Q(c, s), B64_Q((c) + 1, s), B64_Q((c) + 2, s), B64_Q((c) + 3, s)
#define B64_R16(c, s) B64_R4(c, s), B64_R4((c) + 4, s), B64_R4((c) + 8, s), B64_R4((c) + 12, s)
#define B64_R64(c, s) B64_R16(c, s), B64_R16((c) + 16, s), B64_R16((c) + 32, s), B64_R16((c) + 48, s)
#define B64_T(s) { B64_R64(0, s), B64_R64(64, s), B64_R64(128, s), B64_R64(192, s) }
static const uint32_t b64_quad[4][256] = { B64_T(18), B64_T(12), B64_T(6), B64_T(0) };

ssize_t cima__b64_decode(const char *in, size_t in_len, uint8_t *out,
			 size_t out_max, char *why, size_t why_size)
{
	const unsigned char *u = (const unsigned char *)in;
	size_t n = 0, pad = 0, full;

	if (!in && in_len)
		return b64_fail(-EINVAL, why, why_size, "base64: NULL input");
	if (in_len % 4)
		return b64_fail(-EINVAL, why, why_size, "base64: length %zu is not a multiple of 4",
				 in_len);
	if (in_len && in[in_len - 1] == '=')
		pad = (in_len >= 2 && in[in_len - 2] == '=') ? 2 : 1;
	if (in_len / 4 * 3 - pad > out_max)
		return b64_fail(-ENOBUFS, why, why_size, "base64: decodes to %zu bytes, more than %zu",
				 in_len / 4 * 3 - pad, out_max);
	/* Every quad but the last: four alphabet bytes, no padding. */
	full = in_len ? in_len - 4 : 0;
	for (size_t i = 0; i < full; i += 4) {
		uint32_t v = b64_quad[0][u[i]] | b64_quad[1][u[i + 1]] |
			     b64_quad[2][u[i + 2]] | b64_quad[3][u[i + 3]];

		if (v & 0x80000000u) {
			for (int k = 0; k < 4; k++)
				if (b64_val[u[i + k]] == 255)
					return b64_fail(-EINVAL, why, why_size,
							"base64: invalid character 0x%02x at offset %zu",
							u[i + k], i + k);
		}
		out[n] = (uint8_t)(v >> 16);
		out[n + 1] = (uint8_t)(v >> 8);
		out[n + 2] = (uint8_t)v;
		n += 3;
	}
	if (in_len) {
		int v[4];
		size_t i = full;

		for (int k = 0; k < 4; k++) {
			unsigned char ch = u[i + k];

			if (ch == '=' && k >= 4 - (int)pad) {
				v[k] = 0;
				continue;
			}
			v[k] = b64_val[ch] == 255 ? -1 : b64_val[ch];
			if (v[k] < 0)
				return b64_fail(-EINVAL, why, why_size, "base64: invalid character 0x%02x at offset %zu",
						 ch, i + k);
		}
		/* Non-canonical encodings (stray bits under the padding) are rejected. */
		if (pad == 1 && (v[2] & 3))
			return b64_fail(-EINVAL, why, why_size, "base64: non-zero bits before '=' padding");
		if (pad == 2 && (v[1] & 15))
			return b64_fail(-EINVAL, why, why_size, "base64: non-zero bits before '==' padding");
		out[n++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[n++] = (uint8_t)(v[1] << 4 | v[2] >> 2);
		if (pad < 1)
			out[n++] = (uint8_t)(v[2] << 6 | v[3]);
	}
	return (ssize_t)n;
}

char *cima__b64_encode(const void *in, size_t len)
{
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const uint8_t *p = in;
	char *s, *o;

	if (!in && len) {
		errno = EINVAL;
		return NULL;
	}
	s = o = malloc((len + 2) / 3 * 4 + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		*o++ = a[v >> 18];
		*o++ = a[(v >> 12) & 63];
		*o++ = i + 1 < len ? a[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? a[v & 63] : '=';
	}
	*o = '\0';
	return s;
}

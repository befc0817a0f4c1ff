/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Base64 command-line arguments (--nonce, --data) of the evidence commands. */
#ifndef CIMA_TOOL_B64ARG_H
#define CIMA_TOOL_B64ARG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode @in (strict RFC 4648 base64) into a malloc'd *out of *len bytes,
 * at most CIMA_REPORT_INPUT_MAX.  0, or -errno after printing
 * "<ctx>: <opt>: <reason>".
 */
int tool_b64_arg(const char *ctx, const char *opt, const char *in, uint8_t **out,
		 size_t *len);

#endif

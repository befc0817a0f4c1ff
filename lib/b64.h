/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Strict base64 (RFC 4648 section 4), lib/b64.c.  Not part of the ABI:
 * internal to libcima and compiled into the cima tool as well
 * (tools/cima/b64.c includes lib/b64.c), so it uses nothing else of the
 * library and returns its error text in @why (may be NULL).
 */
#ifndef CIMA_B64_H
#define CIMA_B64_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The decoded length, -EINVAL (malformed) or -ENOBUFS (@out too small). */
ssize_t cima__b64_decode(const char *in, size_t in_len, uint8_t *out,
			 size_t out_max, char *why, size_t why_size);
/* A malloc'd NUL-terminated string, or NULL (errno). */
char *cima__b64_encode(const void *in, size_t len);

#endif /* CIMA_B64_H */

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private to libcima: helpers every source file of the library may use. */
#ifndef CIMA_INTERNAL_H
#define CIMA_INTERNAL_H

#include <cima/cima.h>

#ifndef CIMA_VERSION
#define CIMA_VERSION "0.1.0"
#endif

void cima__log(enum cima_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Record a precise message for cima_strerror_last() and return -|err|, so a
 * failure path reads: return cima__err(-EINVAL, "%s: offset %zu: ...", ...);
 */
int cima__err(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* OpenSSL EVP hashing helpers (lib/hash.c), shared by every part of libcima. */
struct evp_md_st;
/* The EVP digest for a TPM_ALG_ID (fetched once, cached), or NULL. */
const struct evp_md_st *cima__md(uint16_t alg);
/* out = H_alg(buf); returns the digest size or -errno. */
int cima__hash(uint16_t alg, const void *buf, size_t len, uint8_t *out);
/* reg = H_alg(reg || digest) over the alg's digest size; 0 or -errno. */
int cima__extend(uint16_t alg, uint8_t *reg, const uint8_t *digest);
/* Lower-case hex of @len bytes into @out (2 * len + 1 bytes). */
void cima__hex(const uint8_t *buf, size_t len, char *out);
/* Parse exactly @len bytes of hex (either case); 0 or -EINVAL. */
int cima__unhex(const char *hex, size_t hexlen, uint8_t *out, size_t len);
/* Read a whole file into a malloc'd buffer; 0 or -errno (message set). */
int cima__read_file(const char *path, uint8_t **buf, size_t *len);

#endif /* CIMA_INTERNAL_H */

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to libcima: the one set of helpers every source file of the
 * library uses (errors, options structs, hashing, hex, little-endian
 * loads, whole-file reads, base64).  Nothing here is exported.
 */
#ifndef CIMA_INTERNAL_H
#define CIMA_INTERNAL_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

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
/*
 * The same for functions that return a pointer: record the message, set
 * errno to |err| and return NULL:  return cima__err_ptr(-ENOMEM, "...");
 */
void *cima__err_ptr(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifndef offsetofend
#define offsetofend(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))
#endif

/*
 * Options structs (include/cima/common.h): copy the caller's @uopts, of
 * whatever size its header had, into @out (this library's struct, @out_size
 * bytes), zeroing what the caller's struct does not have.  @known is the
 * end of the last field this library knows (type##__last_field).  -EINVAL
 * (message set) when sz is not set, or when a byte past @known is not zero:
 * a field from a newer header that this library would silently ignore.
 * NULL @uopts gives all defaults.  Use CIMA_OPTS_LOAD().
 */
int cima__opts_load(const void *uopts, void *out, size_t out_size, size_t known,
		    const char *what);
#define CIMA_OPTS_LOAD(type, uopts, out)				\
	cima__opts_load((uopts), (out), sizeof(struct type),		\
			offsetofend(struct type, type##__last_field), #type)

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
/* Dumps: "  label            <hex>\n", and JSON  , "key": "<hex>" */
void cima__dump_hex(FILE *out, const char *label, const uint8_t *p, size_t n);
void cima__json_hex(FILE *out, const char *key, const uint8_t *p, size_t n);

/* Little-endian loads. */
static inline uint16_t cima__le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t cima__le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t cima__le64(const uint8_t *p)
{
	return (uint64_t)cima__le32(p) | (uint64_t)cima__le32(p + 4) << 32;
}

/* Caps for cima__read_file(): event logs, and the module's small text files. */
#define CIMA__LOG_FILE_MAX	((size_t)1 << 30)
#define CIMA__TEXT_FILE_MAX	((size_t)64 << 10)

/*
 * Read a whole file (sysfs and securityfs files too: they report size 0)
 * of at most @max bytes into a malloc'd buffer, NUL-terminated one byte
 * past *len.  0, or -errno with the message set (-EFBIG: larger than @max).
 */
int cima__read_file_max(const char *path, uint8_t **buf, size_t *len, size_t max);
/* The same with the event-log cap (CIMA__LOG_FILE_MAX). */
int cima__read_file(const char *path, uint8_t **buf, size_t *len);

#include "b64.h"

#endif /* CIMA_INTERNAL_H */

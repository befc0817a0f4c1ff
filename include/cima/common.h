/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcima: conventions shared by every part of the library.
 *
 *  - int functions return 0 (or a count) on success and a negative errno
 *    on failure; functions returning a pointer return NULL and set errno.
 *  - Handles are opaque; every *_free() accepts NULL.
 *  - Options structs start with a size_t sz member that the caller sets to
 *    sizeof(the struct) (CIMA_OPTS), so the struct can grow without breaking
 *    binaries built against an older header.  Every function taking one
 *    checks it the same way: sz unset (< sizeof(size_t)) is -EINVAL; a
 *    shorter struct (an older header) is accepted, its missing fields
 *    zero; a longer one (a newer header) is accepted only when every byte
 *    past the last field this library knows (<type>__last_field) is zero,
 *    else -EINVAL, so a request is never half-ignored.
 *  - Structs the library fills for the caller either start with sz too or
 *    are documented as frozen in their header.
 *  - The library never prints: messages go to the callback set with
 *    cima_set_log_fn(), and the last error's text is kept per thread for
 *    cima_strerror_last().
 */
#ifndef CIMA_COMMON_H
#define CIMA_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef CIMA_API
#define CIMA_API __attribute__((visibility("default")))
#endif

/* Declare and zero an options struct with its size filled in. */
#define CIMA_OPTS(type, name, ...)					\
	struct type name = { .sz = sizeof(struct type), __VA_ARGS__ }

/* Hash algorithms, numbered as TPM_ALG_ID (TCG Algorithm Registry). */
enum cima_alg {
	CIMA_ALG_SHA1 = 0x0004,
	CIMA_ALG_SHA256 = 0x000B,
	CIMA_ALG_SHA384 = 0x000C,
	CIMA_ALG_SHA512 = 0x000D,
	CIMA_ALG_SM3_256 = 0x0012,
};

#define CIMA_MAX_DIGEST_SIZE 64

/* Digest size of @alg in bytes, or 0 when the library does not know it. */
CIMA_API size_t cima_alg_digest_size(uint16_t alg);
/* Lower-case name ("sha256"), or NULL for an unknown algorithm. */
CIMA_API const char *cima_alg_name(uint16_t alg);
/* Algorithm id for a name ("sha384", "SHA384", "12", "0xc"); -EINVAL if unknown. */
CIMA_API int cima_alg_from_name(const char *name);

enum cima_log_level {
	CIMA_LOG_ERROR = 0,
	CIMA_LOG_WARN = 1,
	CIMA_LOG_INFO = 2,
	CIMA_LOG_DEBUG = 3,
};

typedef void (*cima_log_fn)(enum cima_log_level level, const char *msg,
			    void *ctx);

/* Route the library's messages to @fn (NULL: drop them).  Not thread-safe. */
CIMA_API void cima_set_log_fn(cima_log_fn fn, void *ctx);

/*
 * Text describing the last error a cima_* call reported on this thread,
 * more precise than strerror() (it names the file, offset or field).
 * Never NULL; empty when nothing failed yet.
 */
CIMA_API const char *cima_strerror_last(void);

/* Library version as "MAJOR.MINOR.PATCH". */
CIMA_API const char *cima_version(void);

#ifdef __cplusplus
}
#endif

#endif /* CIMA_COMMON_H */

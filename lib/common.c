// SPDX-License-Identifier: LGPL-2.1-or-later
/* Algorithm table, errors (cima__err, cima__err_ptr), logging and the one
 * options-struct check (cima__opts_load) shared by the whole library. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static const struct {
	uint16_t id;
	uint16_t size;
	const char *name;
} algs[] = {
	{ CIMA_ALG_SHA1, 20, "sha1" },
	{ CIMA_ALG_SHA256, 32, "sha256" },
	{ CIMA_ALG_SHA384, 48, "sha384" },
	{ CIMA_ALG_SHA512, 64, "sha512" },
	{ CIMA_ALG_SM3_256, 32, "sm3_256" },
};

size_t cima_alg_digest_size(uint16_t alg)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].id == alg)
			return algs[i].size;
	return 0;
}

const char *cima_alg_name(uint16_t alg)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].id == alg)
			return algs[i].name;
	return NULL;
}

int cima_alg_from_name(const char *name)
{
	char *end;
	unsigned long v;

	if (!name || !*name)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (!strcasecmp(algs[i].name, name))
			return algs[i].id;
	if (!strcasecmp(name, "sm3"))
		return CIMA_ALG_SM3_256;
	errno = 0;
	v = strtoul(name, &end, 0);
	if (errno || *end || v > 0xffff || !cima_alg_digest_size((uint16_t)v))
		return -EINVAL;
	return (int)v;
}

static cima_log_fn log_fn;
static void *log_ctx;
static __thread char last_error[512];

void cima_set_log_fn(cima_log_fn fn, void *ctx)
{
	log_fn = fn;
	log_ctx = ctx;
}

void cima__log(enum cima_log_level level, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_fn(level, buf, log_ctx);
}

int cima__err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	cima__log(CIMA_LOG_DEBUG, "%s", last_error);
	return err < 0 ? err : -err;
}

void *cima__err_ptr(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	cima__log(CIMA_LOG_DEBUG, "%s", last_error);
	errno = err < 0 ? -err : err;
	return NULL;
}

int cima__opts_load(const void *uopts, void *out, size_t out_size, size_t known,
		    const char *what)
{
	const uint8_t *p = uopts;
	size_t sz;

	memset(out, 0, out_size);
	*(size_t *)out = out_size;
	if (!uopts)
		return 0;
	memcpy(&sz, uopts, sizeof(sz));
	if (sz < sizeof(size_t))
		return cima__err(-EINVAL, "%s: sz is %zu, not set (use CIMA_OPTS)", what, sz);
	if (sz > 4096)
		return cima__err(-EINVAL, "%s: sz %zu is not a plausible size", what, sz);
	/* Fields this library does not know must be zero: never ignored. */
	for (size_t i = known; i < sz; i++)
		if (p[i])
			return cima__err(-EINVAL, "%s: unknown non-zero byte at offset %zu (the library knows %zu bytes)",
					 what, i, known);
	memcpy(out, uopts, sz < out_size ? sz : out_size);
	*(size_t *)out = out_size;
	return 0;
}

const char *cima_strerror_last(void)
{
	return last_error;
}

const char *cima_version(void)
{
	return CIMA_VERSION;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Hashing through OpenSSL EVP, hex helpers and whole-file reads. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "internal.h"

static const struct {
	uint16_t alg;
	const char *name;
} md_names[] = {
	{ CIMA_ALG_SHA1, "SHA1" },
	{ CIMA_ALG_SHA256, "SHA256" },
	{ CIMA_ALG_SHA384, "SHA384" },
	{ CIMA_ALG_SHA512, "SHA512" },
	{ CIMA_ALG_SM3_256, "SM3" },
};

static EVP_MD *md_cache[ARRAY_SIZE(md_names)];
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_fetch_all(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(md_names); i++)
		md_cache[i] = EVP_MD_fetch(NULL, md_names[i].name, NULL);
}

const struct evp_md_st *cima__md(uint16_t alg)
{
	pthread_once(&md_once, md_fetch_all);
	for (size_t i = 0; i < ARRAY_SIZE(md_names); i++)
		if (md_names[i].alg == alg)
			return md_cache[i];
	return NULL;
}

/* One context per thread, reused: EVP_MD_CTX_new per extend is costly. */
static __thread EVP_MD_CTX *tls_ctx;

static EVP_MD_CTX *get_ctx(void)
{
	if (!tls_ctx)
		tls_ctx = EVP_MD_CTX_new();
	return tls_ctx;
}

static int hash2(uint16_t alg, const void *a, size_t alen, const void *b,
		 size_t blen, uint8_t *out)
{
	const EVP_MD *md = cima__md(alg);
	EVP_MD_CTX *ctx = get_ctx();
	unsigned int n = 0;

	if (!md)
		return cima__err(-EOPNOTSUPP, "hash algorithm 0x%04x is not available",
				 alg);
	if (!ctx)
		return cima__err(-ENOMEM, "out of memory for a hash context");
	if (!EVP_DigestInit_ex(ctx, md, NULL) ||
	    !EVP_DigestUpdate(ctx, a, alen) ||
	    (blen && !EVP_DigestUpdate(ctx, b, blen)) ||
	    !EVP_DigestFinal_ex(ctx, out, &n))
		return cima__err(-EIO, "hashing with %s failed",
				 cima_alg_name(alg) ? cima_alg_name(alg) : "?");
	return (int)n;
}

int cima__hash(uint16_t alg, const void *buf, size_t len, uint8_t *out)
{
	return hash2(alg, buf, len, NULL, 0, out);
}

int cima__extend(uint16_t alg, uint8_t *reg, const uint8_t *digest)
{
	size_t n = cima_alg_digest_size(alg);
	int ret;

	if (!n)
		return cima__err(-EOPNOTSUPP, "unknown hash algorithm 0x%04x", alg);
	ret = hash2(alg, reg, n, digest, n, reg);
	return ret < 0 ? ret : 0;
}

void cima__hex(const uint8_t *buf, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[buf[i] >> 4];
		out[2 * i + 1] = digits[buf[i] & 15];
	}
	out[2 * len] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cima__unhex(const char *hex, size_t hexlen, uint8_t *out, size_t len)
{
	if (hexlen != 2 * len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/*
 * securityfs and sysfs files report size 0, so read until EOF in growing
 * chunks rather than trusting st_size.
 */
int cima__read_file(const char *path, uint8_t **bufp, size_t *lenp)
{
	size_t cap = 65536, len = 0;
	uint8_t *buf, *tmp;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		return cima__err(err, "%s: %s", path, strerror(-err));
	}
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return cima__err(-ENOMEM, "%s: out of memory", path);
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			if (cap > SIZE_MAX / 2 || !(tmp = realloc(buf, cap * 2))) {
				err = cima__err(-ENOMEM, "%s: out of memory", path);
				goto fail;
			}
			buf = tmp;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			cima__err(err, "%s: read: %s", path, strerror(-err));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	close(fd);
	free(buf);
	return err;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Hashing through OpenSSL EVP: digests and register extends. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * Contexts per thread and algorithm, initialised once: re-initialising with
 * a NULL type reuses the digest without fetching it again, which matters
 * when replaying a long log (two tiny hashes per event and bank).
 */
static __thread EVP_MD_CTX *tls_ctx[ARRAY_SIZE(md_names)];
static pthread_key_t ctx_key;
static pthread_once_t ctx_key_once = PTHREAD_ONCE_INIT;

static void free_ctxs(void *unused)
{
	(void)unused;
	for (size_t i = 0; i < ARRAY_SIZE(md_names); i++) {
		EVP_MD_CTX_free(tls_ctx[i]);
		tls_ctx[i] = NULL;
	}
}

static void make_ctx_key(void)
{
	pthread_key_create(&ctx_key, free_ctxs);
}

/* A ready context for @alg, or NULL (message set). */
static EVP_MD_CTX *ctx_for(uint16_t alg)
{
	const EVP_MD *md = cima__md(alg);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(md_names); i++)
		if (md_names[i].alg == alg)
			break;
	if (!md || i == ARRAY_SIZE(md_names)) {
		cima__err(-EOPNOTSUPP, "hash algorithm 0x%04x is not available", alg);
		return NULL;
	}
	if (!tls_ctx[i]) {
		pthread_once(&ctx_key_once, make_ctx_key);
		tls_ctx[i] = EVP_MD_CTX_new();
		if (!tls_ctx[i] || !EVP_DigestInit_ex(tls_ctx[i], md, NULL)) {
			EVP_MD_CTX_free(tls_ctx[i]);
			tls_ctx[i] = NULL;
			cima__err(-ENOMEM, "cannot set up a %s context", md_names[i].name);
			return NULL;
		}
		pthread_setspecific(ctx_key, tls_ctx);	/* frees them at thread exit */
		return tls_ctx[i];
	}
	if (!EVP_DigestInit_ex(tls_ctx[i], NULL, NULL)) {
		cima__err(-EIO, "cannot reset a %s context", md_names[i].name);
		return NULL;
	}
	return tls_ctx[i];
}

static int hash2(uint16_t alg, const void *a, size_t alen, const void *b,
		 size_t blen, uint8_t *out)
{
	EVP_MD_CTX *ctx = ctx_for(alg);
	unsigned int n = 0;

	if (!ctx)
		return -EOPNOTSUPP;
	if (!EVP_DigestUpdate(ctx, a, alen) ||
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
	uint8_t in[2 * CIMA_MAX_DIGEST_SIZE];

	/* One update over reg || digest. */
	memcpy(in, reg, n);
	memcpy(in + n, digest, n);
	ret = hash2(alg, in, 2 * n, NULL, 0, reg);
	return ret < 0 ? ret : 0;
}

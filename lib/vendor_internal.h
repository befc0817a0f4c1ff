/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private to libcima's vendor-signature checks (tdx_verify.c, snp_verify.c). */
#ifndef CIMA_VENDOR_INTERNAL_H
#define CIMA_VENDOR_INTERNAL_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cima/verify.h>
#include "internal.h"

/* The caller's options, copied up to their sz, and the result to fill. */
struct cima__vctx {
	struct cima_vendor_verify_opts o;
	struct cima_vendor_result res;
	const char *what;		/* "tdx quote", "snp report" */
};

/* Copy @opts (NULL = defaults) into @c; 0 or -EINVAL. */
int cima__vctx_init(struct cima__vctx *c, const struct cima_vendor_verify_opts *opts,
		    const char *what);
/* Copy the result out to the caller's struct (up to its sz); returns @ret. */
int cima__vctx_done(struct cima__vctx *c, int ret);
/* Record @step as failed with a message "<what>: <step>: ..."; returns -|err|. */
int cima__vfail(struct cima__vctx *c, int step, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The parser's last message without its leading "<what>: ". */
const char *cima__v_last(const struct cima__vctx *c);

static inline uint16_t cima__v_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t cima__v_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* EC public key on @group ("prime256v1", "secp384r1") from x || y. */
EVP_PKEY *cima__v_ec_key(const char *group, const uint8_t *xy, size_t xylen);
/* True when @key is an EC key on curve @nid. */
bool cima__v_key_is_ec(EVP_PKEY *key, int nid);
/*
 * ECDSA check of @msg under @key with @md; r and s given as big-endian
 * unsigned integers of @n bytes each.  1 valid, 0 invalid, -ENOMEM.
 */
int cima__v_ecdsa(EVP_PKEY *key, const EVP_MD *md, const uint8_t *r,
		  const uint8_t *s, size_t n, const void *msg, size_t mlen);

/*
 * Every certificate of a PEM text (@len bytes; trailing whitespace and NUL
 * bytes allowed, anything else is an error).  0, or -EBADMSG with
 * *why set.
 */
int cima__v_pem_certs(const void *pem, size_t len, STACK_OF(X509) **out,
		      const char **why);
/* Certificates of a PEM file, or the single certificate of a DER file. */
int cima__v_file_certs(struct cima__vctx *c, const char *path,
		       STACK_OF(X509) **out);
/* SHA-256 of the certificate's DER. */
void cima__v_fingerprint(X509 *x, uint8_t out[32]);
bool cima__v_self_signed(X509 *x);

/*
 * Verify @leaf up to one of @anchors with @untrusted as intermediates, at
 * the options' time.  When @must_use is given, every certificate in it
 * must appear, in order, at the bottom of the verified chain (the
 * evidence's own chain: nothing in it may be left out).  Fills the
 * result's root and leaf fields.  0, or a failure recorded at the chain
 * step.
 */
int cima__v_chain(struct cima__vctx *c, X509 *leaf, STACK_OF(X509) *untrusted,
		  STACK_OF(X509) *anchors, STACK_OF(X509) *must_use,
		  int want_len);

#endif /* CIMA_VENDOR_INTERNAL_H */

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Helpers of the vendor-signature checks: options and result, ECDSA over
 * raw (r, s), certificates from PEM text or files, and chain verification
 * with OpenSSL's X509_verify_cert().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "vendor_internal.h"

static const char *const step_names[] = {
	[CIMA_VSTEP_NONE] = "none",
	[CIMA_VSTEP_INPUT] = "input",
	[CIMA_VSTEP_FORMAT] = "format",
	[CIMA_VSTEP_SIGNATURE] = "signature",
	[CIMA_VSTEP_ROOT] = "root",
	[CIMA_VSTEP_CHAIN] = "chain",
	[CIMA_VSTEP_QE_REPORT] = "qe-report",
	[CIMA_VSTEP_BINDING] = "binding",
	[CIMA_VSTEP_REVOCATION] = "revocation",
};

const char *cima_vendor_step_name(int step)
{
	if (step < 0 || step >= (int)ARRAY_SIZE(step_names))
		return NULL;
	return step_names[step];
}

int cima__vctx_init(struct cima__vctx *c, const struct cima_vendor_verify_opts *opts,
		    const char *what)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->what = what;
	ret = CIMA_OPTS_LOAD(cima_vendor_verify_opts, opts, &c->o);
	if (ret)
		return ret;
	if (c->o.result && (c->o.result->sz < sizeof(size_t) || c->o.result->sz > 4096))
		return cima__err(-EINVAL, "%s: result: sz %zu invalid", what,
				 c->o.result->sz);
	if (!c->o.cert_table && c->o.cert_table_len)
		return cima__err(-EINVAL, "%s: cert_table_len %zu without a table",
				 what, c->o.cert_table_len);
	return 0;
}

int cima__vctx_done(struct cima__vctx *c, int ret)
{
	struct cima_vendor_result *out = c->o.result;
	size_t n;

	if (out) {
		n = out->sz < sizeof(c->res) ? out->sz : sizeof(c->res);
		c->res.sz = out->sz;
		memcpy(out, &c->res, n);
	}
	return ret;
}

int cima__vfail(struct cima__vctx *c, int step, int err, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->res.step = step;
	ERR_clear_error();
	return cima__err(err, "%s: %s: %s", c->what, cima_vendor_step_name(step), msg);
}

const char *cima__v_last(const struct cima__vctx *c)
{
	const char *m = cima_strerror_last();
	size_t n = strlen(c->what);

	if (!strncmp(m, c->what, n) && m[n] == ':' && m[n + 1] == ' ')
		m += n + 2;
	return m;
}

EVP_PKEY *cima__v_ec_key(const char *group, const uint8_t *xy, size_t xylen)
{
	uint8_t pub[1 + 2 * 66];
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *kctx = NULL;
	EVP_PKEY *pkey = NULL;

	if (xylen > sizeof(pub) - 1)
		return NULL;
	pub[0] = 0x04;		/* uncompressed point */
	memcpy(pub + 1, xy, xylen);
	bld = OSSL_PARAM_BLD_new();
	if (!bld ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, xylen + 1))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	kctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!params || !kctx || EVP_PKEY_fromdata_init(kctx) <= 0)
		goto out;
	if (EVP_PKEY_fromdata(kctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pkey = NULL;
out:
	EVP_PKEY_CTX_free(kctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	ERR_clear_error();
	return pkey;
}

bool cima__v_key_is_ec(EVP_PKEY *key, int nid)
{
	char name[64];
	size_t n;

	if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC)
		return false;
	if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name,
					    sizeof(name), &n))
		return false;
	return OBJ_sn2nid(name) == nid || OBJ_ln2nid(name) == nid ||
	       EC_curve_nist2nid(name) == nid;
}

int cima__v_ecdsa(EVP_PKEY *key, const EVP_MD *md, const uint8_t *r,
		  const uint8_t *s, size_t n, const void *msg, size_t mlen)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *br = BN_bin2bn(r, (int)n, NULL), *bs = BN_bin2bn(s, (int)n, NULL);
	EVP_MD_CTX *md_ctx = EVP_MD_CTX_new();
	uint8_t *der = NULL;
	int derlen, ret = -ENOMEM;

	if (!es || !br || !bs || !md_ctx || !ECDSA_SIG_set0(es, br, bs))
		goto out;
	br = bs = NULL;
	derlen = i2d_ECDSA_SIG(es, &der);
	if (derlen <= 0 || EVP_DigestVerifyInit(md_ctx, NULL, md, NULL, key) <= 0)
		goto out;
	ret = EVP_DigestVerify(md_ctx, der, (size_t)derlen, msg, mlen) == 1;
out:
	OPENSSL_free(der);
	EVP_MD_CTX_free(md_ctx);
	BN_free(br);
	BN_free(bs);
	ECDSA_SIG_free(es);
	ERR_clear_error();
	return ret;
}

static bool only_padding(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

/*
 * Strict PEM: blocks of "-----BEGIN CERTIFICATE-----" ... "-----END
 * CERTIFICATE-----" separated by whitespace only; each block one
 * certificate whose DER has no trailing bytes.
 */
int cima__v_pem_certs(const void *pem, size_t len, STACK_OF(X509) **out,
		      const char **why)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	const uint8_t *p = pem, *stop = p + len;
	STACK_OF(X509) *sk = sk_X509_new_null();
	int ret = -EBADMSG;

	*out = NULL;
	if (!sk)
		return -ENOMEM;
	while (p < stop) {
		const uint8_t *b, *e;
		BIO *bio;
		X509 *x;

		b = memmem(p, (size_t)(stop - p), begin, sizeof(begin) - 1);
		if (!b) {
			if (!only_padding(p, (size_t)(stop - p))) {
				*why = "bytes that are not a certificate after the last one";
				goto fail;
			}
			break;
		}
		if (!only_padding(p, (size_t)(b - p))) {
			*why = "bytes that are not a certificate between certificates";
			goto fail;
		}
		e = memmem(b, (size_t)(stop - b), end, sizeof(end) - 1);
		if (!e || memmem(b + sizeof(begin) - 1, (size_t)(e - b) - (sizeof(begin) - 1),
				 "-----", 5)) {
			*why = "a certificate without its END line";
			goto fail;
		}
		e += sizeof(end) - 1;
		bio = BIO_new_mem_buf(b, (int)(e - b));
		x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
		BIO_free(bio);
		if (!x) {
			*why = "a certificate that does not decode (base64 or DER)";
			goto fail;
		}
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			ret = -ENOMEM;
			goto fail;
		}
		p = e;
	}
	if (sk_X509_num(sk) == 0) {
		*why = "no certificate";
		goto fail;
	}
	*out = sk;
	ERR_clear_error();
	return 0;
fail:
	sk_X509_pop_free(sk, X509_free);
	ERR_clear_error();
	return ret;
}

int cima__v_file_certs(struct cima__vctx *c, const char *path,
		       STACK_OF(X509) **out)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	const char *why = NULL;
	int ret;

	ret = cima__read_file(path, &buf, &len);
	if (ret < 0)
		return cima__vfail(c, CIMA_VSTEP_INPUT, ret, "%s: %s", path,
				   strerror(-ret));
	if (len && buf[0] == 0x30) {
		/* DER: exactly one certificate, nothing after it. */
		const unsigned char *q = buf;
		X509 *x = d2i_X509(NULL, &q, (long)len);

		if (!x || q != buf + len) {
			X509_free(x);
			free(buf);
			return cima__vfail(c, CIMA_VSTEP_INPUT, -EBADMSG,
					   "%s: not one DER certificate", path);
		}
		*out = sk_X509_new_null();
		if (!*out || !sk_X509_push(*out, x)) {
			X509_free(x);
			sk_X509_free(*out);
			*out = NULL;
			free(buf);
			return -ENOMEM;
		}
		free(buf);
		return 0;
	}
	ret = cima__v_pem_certs(buf, len, out, &why);
	free(buf);
	if (ret == -EBADMSG)
		return cima__vfail(c, CIMA_VSTEP_INPUT, ret, "%s: %s", path, why);
	return ret;
}

void cima__v_fingerprint(X509 *x, uint8_t out[32])
{
	unsigned int n = 32;

	if (!X509_digest(x, EVP_sha256(), out, &n))
		memset(out, 0, 32);
}

bool cima__v_self_signed(X509 *x)
{
	return X509_check_issued(x, x) == X509_V_OK;
}

/* The CRLs of crl_path into @store; 0 or a failure at the input step. */
static int add_crls(struct cima__vctx *c, X509_STORE *store)
{
	const char *path = c->o.crl_path;
	uint8_t *buf = NULL;
	size_t len = 0;
	int ret, n = 0;

	ret = cima__read_file(path, &buf, &len);
	if (ret < 0)
		return cima__vfail(c, CIMA_VSTEP_INPUT, ret, "%s: %s", path, strerror(-ret));
	if (len && buf[0] == 0x30) {
		const unsigned char *q = buf;
		X509_CRL *crl = d2i_X509_CRL(NULL, &q, (long)len);

		if (crl && q == buf + len && X509_STORE_add_crl(store, crl))
			n = 1;
		X509_CRL_free(crl);
	} else {
		BIO *bio = BIO_new_mem_buf(buf, (int)len);
		X509_CRL *crl;

		while (bio && (crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL))) {
			if (X509_STORE_add_crl(store, crl))
				n++;
			X509_CRL_free(crl);
		}
		BIO_free(bio);
		/* Only the end of the text may stop the loop. */
		if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE)
			n = 0;
	}
	free(buf);
	ERR_clear_error();
	if (!n)
		return cima__vfail(c, CIMA_VSTEP_INPUT, -EBADMSG,
				   "%s: not one DER CRL or a series of PEM CRLs", path);
	return 0;
}

static bool revocation_error(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_REVOKED:
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
	case X509_V_ERR_CRL_NOT_YET_VALID:
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
	case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
	case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
	case X509_V_ERR_DIFFERENT_CRL_SCOPE:
	case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
	case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
		return true;
	}
	return false;
}

static void subject_line(X509 *x, char *buf, size_t size)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int n;

	buf[0] = 0;
	if (!bio)
		return;
	X509_NAME_print_ex(bio, X509_get_subject_name(x), 0,
			   XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	n = BIO_read(bio, buf, (int)size - 1);
	buf[n > 0 ? n : 0] = 0;
	BIO_free(bio);
}

int cima__v_chain(struct cima__vctx *c, X509 *leaf, STACK_OF(X509) *untrusted,
		  STACK_OF(X509) *anchors, STACK_OF(X509) *must_use,
		  int want_len)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *chain;
	char subj[256];
	int ret = -ENOMEM, err, depth, n;
	X509 *top;

	subject_line(leaf, c->res.leaf_subject, sizeof(c->res.leaf_subject));
	if (!store || !ctx)
		goto out;
	for (int i = 0; i < sk_X509_num(anchors); i++)
		if (!X509_STORE_add_cert(store, sk_X509_value(anchors, i)))
			goto out;
	if (c->o.crl_path) {
		ret = add_crls(c, store);
		if (ret)
			goto out;
		ret = -ENOMEM;
		X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	}
	if (!X509_STORE_CTX_init(ctx, store, leaf, untrusted))
		goto out;
	if (c->o.at_time)
		X509_STORE_CTX_set_time(ctx, 0, c->o.at_time);
	if (X509_verify_cert(ctx) != 1) {
		X509 *bad;

		err = X509_STORE_CTX_get_error(ctx);
		depth = X509_STORE_CTX_get_error_depth(ctx);
		bad = X509_STORE_CTX_get_current_cert(ctx);
		subj[0] = 0;
		if (bad)
			subject_line(bad, subj, sizeof(subj));
		ret = cima__vfail(c, revocation_error(err) ? CIMA_VSTEP_REVOCATION : CIMA_VSTEP_CHAIN,
				  err == X509_V_ERR_CERT_HAS_EXPIRED ||
				  err == X509_V_ERR_CERT_NOT_YET_VALID ? -EKEYEXPIRED :
				  err == X509_V_ERR_CERT_REVOKED ? -EKEYREVOKED : -EKEYREJECTED,
				  "certificate at depth %d (%s): %s", depth,
				  subj[0] ? subj : "?", X509_verify_cert_error_string(err));
		goto out;
	}
	chain = X509_STORE_CTX_get0_chain(ctx);
	n = sk_X509_num(chain);
	if (want_len && n != want_len) {
		ret = cima__vfail(c, CIMA_VSTEP_CHAIN, -EKEYREJECTED,
				  "the verified chain has %d certificates, %d expected",
				  n, want_len);
		goto out;
	}
	for (int i = 0; must_use && i < sk_X509_num(must_use); i++) {
		if (i >= n || X509_cmp(sk_X509_value(chain, i), sk_X509_value(must_use, i))) {
			ret = cima__vfail(c, CIMA_VSTEP_CHAIN, -EKEYREJECTED,
					  "certificate %d of the evidence's chain is not at depth %d of the verified chain",
					  i, i);
			goto out;
		}
	}
	top = sk_X509_value(chain, n - 1);
	subject_line(top, c->res.root_subject, sizeof(c->res.root_subject));
	cima__v_fingerprint(top, c->res.root_sha256);
	c->res.chain_len = n;
	ret = 0;
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	if (ret == -ENOMEM)
		cima__err(-ENOMEM, "%s: chain: OpenSSL allocation failed", c->what);
	return ret;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TDX quote verification against Intel's chain, offline.
 *
 * Quote signature data (v4 and v5, after the u32 length that follows the
 * body), all little-endian:
 *	+0	ECDSA signature r || s (32 + 32, big-endian integers)
 *	+64	attestation public key x || y (32 + 32)
 *	+128	certification data type u16 (6: QE report certification data)
 *	+130	size u32
 *	+134	QE report (SGX REPORT body, 384 bytes; REPORTDATA at +320)
 *	+518	QE report signature r || s (64)
 *	+582	QE authentication data: size u16, bytes
 *	...	certification data type u16 (5: PCK chain, PEM), size u32, data
 * Checks, in order: format, signature (header + body under the
 * attestation key), root (the pinned Intel SGX Root CA is in the chain,
 * unless the caller gives roots), chain (PCK leaf up to the root),
 * qe-report (QE report under the PCK key), binding (QE REPORTDATA =
 * SHA-256(attestation key || QE auth data) || 32 zero bytes).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include <cima/report.h>
#include "vendor_internal.h"

#define QE_REPORT_LEN		384
#define QE_REPORTDATA_OFF	320
#define CERT_QE_REPORT		6
#define CERT_PCK_CHAIN		5

struct tdx_sig {
	const uint8_t *sig, *att_key, *qe_report, *qe_sig, *auth;
	uint16_t auth_len;
	uint16_t cert_type;
	const uint8_t *cert;
	uint32_t cert_len;
};

/* Lay out the signature data; every length must add up exactly. */
static int parse_sig(struct cima__vctx *c, const struct cima_tdx_quote *q,
		     struct tdx_sig *s)
{
	const uint8_t *p = q->sig_data;
	size_t n = q->sig_data_len, off;
	uint32_t outer;

	if (n < 134)
		return cima__vfail(c, CIMA_VSTEP_FORMAT, -EBADMSG,
				   "signature data of %zu bytes has no certification data header", n);
	s->sig = p;
	s->att_key = p + 64;
	if (cima__v_le16(p + 128) != CERT_QE_REPORT)
		return cima__vfail(c, CIMA_VSTEP_FORMAT, -EOPNOTSUPP,
				   "certification data type %u at signature data +128 is not QE report data (6)",
				   cima__v_le16(p + 128));
	outer = cima__v_le32(p + 130);
	if (outer != n - 134)
		return cima__vfail(c, CIMA_VSTEP_FORMAT, -EBADMSG,
				   "QE report certification data size %u does not fill the %zu bytes of signature data left",
				   outer, n - 134);
	off = 134;
	if (n - off < QE_REPORT_LEN + 64 + 2)
		return cima__vfail(c, CIMA_VSTEP_FORMAT, -EBADMSG,
				   "QE report certification data truncated (%zu bytes)", n - off);
	s->qe_report = p + off;
	s->qe_sig = p + off + QE_REPORT_LEN;
	off += QE_REPORT_LEN + 64;
	s->auth_len = cima__v_le16(p + off);
	off += 2;
	if (n - off < (size_t)s->auth_len + 6)
		return cima__vfail(c, CIMA_VSTEP_FORMAT, -EBADMSG,
				   "QE authentication data size %u leaves no room for the certification data",
				   s->auth_len);
	s->auth = p + off;
	off += s->auth_len;
	s->cert_type = cima__v_le16(p + off);
	s->cert_len = cima__v_le32(p + off + 2);
	off += 6;
	if (s->cert_len != n - off)
		return cima__vfail(c, CIMA_VSTEP_FORMAT, -EBADMSG,
				   "certification data size %u does not fill the %zu bytes left",
				   s->cert_len, n - off);
	s->cert = p + off;
	return 0;
}

/* The pinned Intel SGX Root CA among @certs, or NULL. */
static X509 *find_pinned_root(STACK_OF(X509) *certs)
{
	uint8_t pin[32], fp[32];

	if (cima__unhex(CIMA_INTEL_SGX_ROOT_CA_SHA256,
			sizeof(CIMA_INTEL_SGX_ROOT_CA_SHA256) - 1, pin, sizeof(pin)))
		return NULL;
	for (int i = 0; i < sk_X509_num(certs); i++) {
		cima__v_fingerprint(sk_X509_value(certs, i), fp);
		if (!memcmp(fp, pin, sizeof(pin)))
			return sk_X509_value(certs, i);
	}
	return NULL;
}

static int verify(struct cima__vctx *c, const void *buf, size_t len)
{
	struct cima_tdx_quote q;
	struct tdx_sig s = { 0 };
	STACK_OF(X509) *certs = NULL, *anchors = NULL, *untrusted = NULL;
	EVP_PKEY *ak = NULL, *pck_key;
	uint8_t want[64];
	const char *why = NULL;
	X509 *leaf, *root;
	EVP_MD_CTX *md = NULL;
	int ret, ok;

	/* format */
	ret = cima_tdx_quote_parse(buf, len, &q);
	if (ret)
		return cima__vfail(c, CIMA_VSTEP_FORMAT, ret, "%s", cima__v_last(c));
	if (q.att_key_type != 2)
		return cima__vfail(c, CIMA_VSTEP_FORMAT, -EOPNOTSUPP,
				   "attestation key type %u is not ECDSA P-256 (2)",
				   q.att_key_type);
	ret = parse_sig(c, &q, &s);
	if (ret)
		return ret;
	if (s.cert_type == CERT_PCK_CHAIN) {
		ret = cima__v_pem_certs(s.cert, s.cert_len, &certs, &why);
		if (ret == -EBADMSG)
			return cima__vfail(c, CIMA_VSTEP_FORMAT, ret,
					   "PCK certificate chain (type 5): %s", why);
		if (ret)
			goto oom;
	} else if (c->o.pck_chain_path) {
		ret = cima__v_file_certs(c, c->o.pck_chain_path, &certs);
		if (ret)
			return ret;
	} else {
		return cima__vfail(c, CIMA_VSTEP_FORMAT, -EOPNOTSUPP,
				   "certification data type %u carries no PCK chain (type 5) and no PCK chain file was given",
				   s.cert_type);
	}

	/* signature: ECDSA P-256 / SHA-256 over header + body */
	ak = cima__v_ec_key("prime256v1", s.att_key, 64);
	if (!ak) {
		ret = cima__vfail(c, CIMA_VSTEP_SIGNATURE, -EKEYREJECTED,
				  "attestation key is not a P-256 point");
		goto out;
	}
	ok = cima__v_ecdsa(ak, EVP_sha256(), s.sig, s.sig + 32, 32, buf, q.signed_len);
	if (ok < 0)
		goto oom;
	if (!ok) {
		ret = cima__vfail(c, CIMA_VSTEP_SIGNATURE, -EKEYREJECTED,
				  "ECDSA signature over bytes [0, %zu) does not verify under the attestation key",
				  q.signed_len);
		goto out;
	}

	/* root */
	anchors = sk_X509_new_null();
	untrusted = sk_X509_new_null();
	if (!anchors || !untrusted)
		goto oom;
	if (c->o.root_path) {
		STACK_OF(X509) *given = NULL;

		ret = cima__v_file_certs(c, c->o.root_path, &given);
		if (ret)
			goto out;
		sk_X509_pop_free(anchors, X509_free);
		anchors = given;
		c->res.root_pinned = false;
	} else {
		root = find_pinned_root(certs);
		if (!root) {
			ret = cima__vfail(c, CIMA_VSTEP_ROOT, -ENOKEY,
					  "the PCK chain does not carry the pinned Intel SGX Root CA (SHA-256 %s)",
					  CIMA_INTEL_SGX_ROOT_CA_SHA256);
			goto out;
		}
		if (!sk_X509_push(anchors, root) || !X509_up_ref(root))
			goto oom;
		c->res.root_pinned = true;
	}

	/* chain: the first certificate is the PCK leaf */
	leaf = sk_X509_value(certs, 0);
	for (int i = 1; i < sk_X509_num(certs); i++)
		if (!sk_X509_push(untrusted, sk_X509_value(certs, i)))
			goto oom;
	ret = cima__v_chain(c, leaf, untrusted, anchors, certs, 0);
	if (ret)
		goto out;

	/* qe-report: ECDSA P-256 / SHA-256 over the QE report, PCK key */
	pck_key = X509_get0_pubkey(leaf);
	if (!cima__v_key_is_ec(pck_key, NID_X9_62_prime256v1)) {
		ret = cima__vfail(c, CIMA_VSTEP_QE_REPORT, -EKEYREJECTED,
				  "the PCK certificate's key is not ECDSA P-256");
		goto out;
	}
	ok = cima__v_ecdsa(pck_key, EVP_sha256(), s.qe_sig, s.qe_sig + 32, 32,
			   s.qe_report, QE_REPORT_LEN);
	if (ok < 0)
		goto oom;
	if (!ok) {
		ret = cima__vfail(c, CIMA_VSTEP_QE_REPORT, -EKEYREJECTED,
				  "QE report signature does not verify under the PCK certificate's key");
		goto out;
	}

	/* binding: REPORTDATA = SHA-256(attestation key || auth data) || 0^32 */
	memset(want, 0, sizeof(want));
	md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(md, s.att_key, 64) ||
	    !EVP_DigestUpdate(md, s.auth, s.auth_len) ||
	    !EVP_DigestFinal_ex(md, want, NULL))
		goto oom;
	if (memcmp(s.qe_report + QE_REPORTDATA_OFF, want, sizeof(want))) {
		ret = cima__vfail(c, CIMA_VSTEP_BINDING, -EKEYREJECTED,
				  "QE report data is not SHA-256(attestation key || QE authentication data) followed by 32 zero bytes");
		goto out;
	}
	ret = 0;
	goto out;
oom:
	ret = cima__err(-ENOMEM, "tdx quote: out of memory");
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(ak);
	sk_X509_free(untrusted);
	sk_X509_pop_free(anchors, X509_free);
	sk_X509_pop_free(certs, X509_free);
	return ret;
}

int cima_tdx_quote_verify(const void *buf, size_t len,
			  const struct cima_vendor_verify_opts *opts)
{
	struct cima__vctx c;
	int ret;

	ret = cima__vctx_init(&c, opts, "tdx quote");
	if (ret)
		return ret;
	if (!buf)
		return cima__vctx_done(&c, cima__vfail(&c, CIMA_VSTEP_INPUT, -EINVAL,
						       "NULL quote"));
	return cima__vctx_done(&c, verify(&c, buf, len));
}

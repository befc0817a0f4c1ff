// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TDX evidence parsers: the DCAP quote (v4 and v5) and the TDREPORT.
 * Every offset is checked against the length before it is read; all
 * integers are little-endian.  Layouts: Intel TDX module ABI (TDREPORT) and
 * the DCAP quote library's quote format (v4: body at 48, v5: type + size +
 * body at 54).
 */
#include <errno.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <stdlib.h>

#include <cima/report.h>
#include "report_internal.h"

#define QUOTE_HDR_LEN		48
#define TD10_BODY_LEN		584
#define TD15_BODY_LEN		648

/* The TD quote body: TEE_TCB_INFO and TDINFO subsets, then REPORTDATA. */
static void parse_body(const uint8_t *b, bool tdx15, struct cima_tdx_td_info *t)
{
	memcpy(t->tee_tcb_svn, b + 0, 16);
	memcpy(t->mr_seam, b + 16, 48);
	memcpy(t->mr_signer_seam, b + 64, 48);
	memcpy(t->seam_attributes, b + 112, 8);
	memcpy(t->td_attributes, b + 120, 8);
	memcpy(t->xfam, b + 128, 8);
	memcpy(t->mr_td, b + 136, 48);
	memcpy(t->mr_config_id, b + 184, 48);
	memcpy(t->mr_owner, b + 232, 48);
	memcpy(t->mr_owner_config, b + 280, 48);
	for (int i = 0; i < 4; i++)
		memcpy(t->rtmr[i], b + 328 + 48 * i, 48);
	memcpy(t->report_data, b + 520, 64);
	t->has_tdx15 = tdx15;
	if (tdx15) {
		memcpy(t->tee_tcb_svn2, b + 584, 16);
		memcpy(t->mr_servicetd, b + 600, 48);
	}
}

int cima_tdx_quote_parse(const void *buf, size_t len, struct cima_tdx_quote *q)
{
	const uint8_t *p = buf;
	size_t body_off, body_len, off;
	bool tdx15 = false;

	if (!buf || !q)
		return cima__err(-EINVAL, "tdx quote: NULL argument");
	memset(q, 0, sizeof(*q));
	if (len < QUOTE_HDR_LEN)
		return cima__err(-EBADMSG, "tdx quote: %zu bytes, shorter than the %d-byte header",
				 len, QUOTE_HDR_LEN);
	q->version = cima__le16(p);
	q->att_key_type = cima__le16(p + 2);
	q->tee_type = cima__le32(p + 4);
	q->pce_svn = cima__le16(p + 8);
	q->qe_svn = cima__le16(p + 10);
	memcpy(q->qe_vendor_id, p + 12, 16);
	memcpy(q->user_data, p + 28, 20);
	if (q->tee_type != 0x81)
		return cima__err(-EBADMSG, "tdx quote: TEE type 0x%x at offset 4 is not TDX (0x81)",
				 q->tee_type);
	if (q->version == 4) {
		q->body_type = 2;
		body_off = QUOTE_HDR_LEN;
		body_len = TD10_BODY_LEN;
	} else if (q->version == 5) {
		if (len < QUOTE_HDR_LEN + 6)
			return cima__err(-EBADMSG, "tdx quote v5: %zu bytes, body descriptor truncated",
					 len);
		q->body_type = cima__le16(p + 48);
		body_len = cima__le32(p + 50);
		body_off = QUOTE_HDR_LEN + 6;
		if (q->body_type == 2 && body_len == TD10_BODY_LEN)
			tdx15 = false;
		else if (q->body_type == 3 && body_len == TD15_BODY_LEN)
			tdx15 = true;
		else
			return cima__err(-EBADMSG, "tdx quote v5: body type %u with size %zu is not TDX 1.0 (2, 584) or 1.5 (3, 648)",
					 q->body_type, body_len);
	} else {
		return cima__err(-EPROTONOSUPPORT, "tdx quote: version %u (only 4 and 5 are known)",
				 q->version);
	}
	if (len < body_off + body_len + 4)
		return cima__err(-EBADMSG, "tdx quote v%u: %zu bytes, need %zu for header, body and signature length",
				 q->version, len, body_off + body_len + 4);
	parse_body(p + body_off, tdx15, &q->body);
	off = body_off + body_len;
	q->signed_len = off;
	q->sig_data_len = cima__le32(p + off);
	off += 4;
	if (q->sig_data_len > len - off)
		return cima__err(-EBADMSG, "tdx quote: signature data length %u at offset %zu exceeds the %zu bytes left",
				 q->sig_data_len, off - 4, len - off);
	if (q->sig_data_len < 128)
		return cima__err(-EBADMSG, "tdx quote: signature data length %u is shorter than signature + key (128)",
				 q->sig_data_len);
	q->sig_data = p + off;
	q->total_len = off + q->sig_data_len;
	return 0;
}

/* ECDSA P-256 over SHA-256 of header+body, key = x||y in the quote (BE). */
int cima_tdx_quote_check_signature(const void *buf, size_t len)
{
	struct cima_tdx_quote q;
	uint8_t pub[65], *der = NULL;
	const uint8_t *sig;
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	EVP_PKEY_CTX *kctx = NULL;
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *md = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	int ret, derlen;

	ret = cima_tdx_quote_parse(buf, len, &q);
	if (ret)
		return ret;
	if (q.att_key_type != 2)
		return cima__err(-EOPNOTSUPP, "tdx quote: attestation key type %u is not ECDSA P-256",
				 q.att_key_type);
	sig = q.sig_data;
	pub[0] = 0x04;
	memcpy(pub + 1, sig + 64, 64);
	ret = -ENOMEM;
	bld = OSSL_PARAM_BLD_new();
	if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub)))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	kctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!params || !kctx || EVP_PKEY_fromdata_init(kctx) <= 0)
		goto out;
	if (EVP_PKEY_fromdata(kctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		ret = cima__err(-EBADMSG, "tdx quote: attestation key is not a P-256 point");
		goto out;
	}
	es = ECDSA_SIG_new();
	r = BN_bin2bn(sig, 32, NULL);
	s = BN_bin2bn(sig + 32, 32, NULL);
	if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s))
		goto out;
	r = s = NULL;
	derlen = i2d_ECDSA_SIG(es, &der);
	md = EVP_MD_CTX_new();
	if (derlen <= 0 || !md ||
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) <= 0)
		goto out;
	if (EVP_DigestVerify(md, der, (size_t)derlen, buf, q.signed_len) != 1)
		ret = cima__err(-EKEYREJECTED, "tdx quote: ECDSA signature does not verify under the embedded attestation key");
	else
		ret = 0;
out:
	OPENSSL_free(der);
	EVP_MD_CTX_free(md);
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(kctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	if (ret == -ENOMEM)
		cima__err(-ENOMEM, "tdx quote: OpenSSL allocation failed");
	return ret;
}

int cima_tdx_tdreport_parse(const void *buf, size_t len,
			    struct cima_tdx_tdreport *t)
{
	const uint8_t *p = buf;
	uint8_t body[TD15_BODY_LEN];

	if (!buf || !t)
		return cima__err(-EINVAL, "tdreport: NULL argument");
	memset(t, 0, sizeof(*t));
	if (len != CIMA_TDX_TDREPORT_SIZE)
		return cima__err(-EBADMSG, "tdreport: %zu bytes, must be %d", len,
				 CIMA_TDX_TDREPORT_SIZE);
	memcpy(t->report_type, p, 4);
	if (p[0] != 0x81)
		return cima__err(-EBADMSG, "tdreport: REPORTTYPE.type 0x%02x is not TDX (0x81)",
				 p[0]);
	memcpy(t->cpu_svn, p + 16, 16);
	memcpy(t->tee_tcb_info_hash, p + 32, 48);
	memcpy(t->tee_info_hash, p + 80, 48);
	memcpy(t->mac, p + 224, 32);
	memcpy(t->tee_tcb_valid, p + 256, 8);
	/* Assemble a quote-shaped body from TEE_TCB_INFO and TDINFO. */
	memcpy(body + 0, p + 264, 16);		/* TEE_TCB_SVN */
	memcpy(body + 16, p + 280, 48);		/* MRSEAM */
	memcpy(body + 64, p + 328, 48);		/* MRSIGNERSEAM */
	memcpy(body + 112, p + 376, 8);		/* SEAM ATTRIBUTES */
	memcpy(body + 120, p + 512, 8);		/* TD ATTRIBUTES */
	memcpy(body + 128, p + 520, 8);		/* XFAM */
	memcpy(body + 136, p + 528, 48 * 8);	/* MRTD .. RTMR3 */
	memcpy(body + 520, p + 128, 64);	/* REPORTDATA */
	memcpy(body + 584, p + 384, 16);	/* TEE_TCB_SVN2 */
	memcpy(body + 600, p + 912, 48);	/* SERVTD_HASH */
	parse_body(body, p[2] >= 1, &t->body);
	return 0;
}

static void dump_body(const struct cima_tdx_td_info *b, FILE *out)
{
	char name[16];

	cima__dump_hex(out, "TEE_TCB_SVN", b->tee_tcb_svn, 16);
	cima__dump_hex(out, "MRSEAM", b->mr_seam, 48);
	cima__dump_hex(out, "MRSIGNERSEAM", b->mr_signer_seam, 48);
	cima__dump_hex(out, "SEAMATTRIBUTES", b->seam_attributes, 8);
	cima__dump_hex(out, "TDATTRIBUTES", b->td_attributes, 8);
	cima__dump_hex(out, "XFAM", b->xfam, 8);
	cima__dump_hex(out, "MRTD", b->mr_td, 48);
	cima__dump_hex(out, "MRCONFIGID", b->mr_config_id, 48);
	cima__dump_hex(out, "MROWNER", b->mr_owner, 48);
	cima__dump_hex(out, "MROWNERCONFIG", b->mr_owner_config, 48);
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "RTMR%d", i);
		cima__dump_hex(out, name, b->rtmr[i], 48);
	}
	cima__dump_hex(out, "REPORTDATA", b->report_data, 64);
	if (b->has_tdx15) {
		cima__dump_hex(out, "TEE_TCB_SVN2", b->tee_tcb_svn2, 16);
		cima__dump_hex(out, "MRSERVICETD", b->mr_servicetd, 48);
	}
}

int cima_tdx_quote_dump(const struct cima_tdx_quote *q, FILE *out)
{
	if (!q || !out)
		return -EINVAL;
	fprintf(out, "TDX quote\n");
	fprintf(out, "  %-16s %u\n", "version", q->version);
	fprintf(out, "  %-16s %u\n", "att_key_type", q->att_key_type);
	fprintf(out, "  %-16s 0x%x\n", "tee_type", q->tee_type);
	fprintf(out, "  %-16s %u\n", "qe_svn", q->qe_svn);
	fprintf(out, "  %-16s %u\n", "pce_svn", q->pce_svn);
	cima__dump_hex(out, "qe_vendor_id", q->qe_vendor_id, 16);
	cima__dump_hex(out, "user_data", q->user_data, 20);
	fprintf(out, "  %-16s %u\n", "body_type", q->body_type);
	fprintf(out, "  %-16s %u\n", "sig_data_len", q->sig_data_len);
	fprintf(out, "  %-16s %zu\n", "total_len", q->total_len);
	fprintf(out, "TD quote body\n");
	dump_body(&q->body, out);
	return ferror(out) ? -EIO : 0;
}

int cima_tdx_tdreport_dump(const struct cima_tdx_tdreport *t, FILE *out)
{
	if (!t || !out)
		return -EINVAL;
	fprintf(out, "TDREPORT (UNSIGNED: MAC only, verifiable on the same platform)\n");
	cima__dump_hex(out, "REPORTTYPE", t->report_type, 4);
	cima__dump_hex(out, "CPUSVN", t->cpu_svn, 16);
	cima__dump_hex(out, "TEE_TCB_INFO_HASH", t->tee_tcb_info_hash, 48);
	cima__dump_hex(out, "TEE_INFO_HASH", t->tee_info_hash, 48);
	cima__dump_hex(out, "MAC", t->mac, 32);
	cima__dump_hex(out, "TCB_INFO_VALID", t->tee_tcb_valid, 8);
	dump_body(&t->body, out);
	return ferror(out) ? -EIO : 0;
}

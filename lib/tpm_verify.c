// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Software verification of a TPM2_Quote with OpenSSL: signature under the
 * AK public key, the attest's extraData, and its PCR digest against given
 * PCR values.  Inputs are TPM wire format (big-endian), unmarshalled with
 * libtss2-mu, which checks every length.
 */
#include <errno.h>
#include <stdlib.h>
#include <tss2/tss2_mu.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <cima/report.h>
#include "report_internal.h"

static const EVP_MD *tpm_md(uint16_t alg)
{
	switch (alg) {
	case TPM2_ALG_SHA1: return EVP_sha1();
	case TPM2_ALG_SHA256: return EVP_sha256();
	case TPM2_ALG_SHA384: return EVP_sha384();
	case TPM2_ALG_SHA512: return EVP_sha512();
	default: return NULL;
	}
}

/* EVP_PKEY from a TPMT_PUBLIC (ECC NIST P-256/384/521 or RSA). */
static EVP_PKEY *tpm_pkey(const TPMT_PUBLIC *pub)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *n = NULL, *e = NULL;
	uint8_t point[1 + 2 * 66];
	const char *group = NULL;

	if (!bld)
		return NULL;
	if (pub->type == TPM2_ALG_ECC) {
		const TPMS_ECC_POINT *q = &pub->unique.ecc;
		size_t cs;

		switch (pub->parameters.eccDetail.curveID) {
		case TPM2_ECC_NIST_P256: group = "prime256v1"; cs = 32; break;
		case TPM2_ECC_NIST_P384: group = "secp384r1"; cs = 48; break;
		case TPM2_ECC_NIST_P521: group = "secp521r1"; cs = 66; break;
		default: goto out;
		}
		if (q->x.size > cs || q->y.size > cs)
			goto out;
		memset(point, 0, sizeof(point));
		point[0] = 0x04;
		memcpy(point + 1 + cs - q->x.size, q->x.buffer, q->x.size);
		memcpy(point + 1 + 2 * cs - q->y.size, q->y.buffer, q->y.size);
		if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
		    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * cs))
			goto out;
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	} else if (pub->type == TPM2_ALG_RSA) {
		uint32_t exp = pub->parameters.rsaDetail.exponent;

		n = BN_bin2bn(pub->unique.rsa.buffer, pub->unique.rsa.size, NULL);
		e = BN_new();
		if (!n || !e || !BN_set_word(e, exp ? exp : 65537) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
			goto out;
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	} else {
		goto out;
	}
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!ctx || !params || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pkey = NULL;
out:
	BN_free(n);
	BN_free(e);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

static int sig_verify(EVP_PKEY *pkey, const TPMT_SIGNATURE *sig,
		      const uint8_t *msg, size_t len)
{
	const EVP_MD *md = tpm_md(sig->signature.any.hashAlg);
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	ECDSA_SIG *es = NULL;
	uint8_t *der = NULL;
	const uint8_t *s = NULL;
	size_t slen = 0;
	int ret = -EBADMSG, v;

	if (!mctx)
		return cima__err(-ENOMEM, "tpm verify: out of memory");
	if (!md) {
		ret = cima__err(-EOPNOTSUPP, "tpm verify: signature hash 0x%x unsupported",
				sig->signature.any.hashAlg);
		goto out;
	}
	if (sig->sigAlg == TPM2_ALG_ECDSA) {
		const TPMS_SIGNATURE_ECC *e = &sig->signature.ecdsa;
		BIGNUM *r = BN_bin2bn(e->signatureR.buffer, e->signatureR.size, NULL);
		BIGNUM *ss = BN_bin2bn(e->signatureS.buffer, e->signatureS.size, NULL);
		int dl;

		es = ECDSA_SIG_new();
		if (!es || !r || !ss || !ECDSA_SIG_set0(es, r, ss)) {
			BN_free(r);
			BN_free(ss);
			ret = cima__err(-ENOMEM, "tpm verify: out of memory");
			goto out;
		}
		dl = i2d_ECDSA_SIG(es, &der);
		if (dl <= 0)
			goto out;
		s = der;
		slen = (size_t)dl;
	} else if (sig->sigAlg == TPM2_ALG_RSASSA || sig->sigAlg == TPM2_ALG_RSAPSS) {
		s = sig->signature.rsassa.sig.buffer;
		slen = sig->signature.rsassa.sig.size;
	} else {
		ret = cima__err(-EOPNOTSUPP, "tpm verify: signature algorithm 0x%x unsupported",
				sig->sigAlg);
		goto out;
	}
	if (EVP_DigestVerifyInit(mctx, &pctx, md, NULL, pkey) <= 0)
		goto bad;
	if (sig->sigAlg == TPM2_ALG_RSAPSS &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) <= 0))
		goto bad;
	v = EVP_DigestVerify(mctx, s, slen, msg, len);
	if (v == 1) {
		ret = 0;
		goto out;
	}
bad:
	ret = cima__err(-EKEYREJECTED, "tpm verify: the signature does not verify under the AK public key");
out:
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(mctx);
	return ret;
}

int cima_tpm_quote_verify(const struct cima_tpm_quote_check *uc)
{
	struct cima_tpm_quote_check ck, *c = &ck;
	TPM2B_PUBLIC pub;
	TPMT_SIGNATURE sig;
	TPMS_ATTEST att;
	EVP_PKEY *pkey;
	size_t off, need = 0;
	uint8_t dig[64];
	unsigned int dlen;
	const EVP_MD *md;
	int ret;

	memset(&pub, 0, sizeof(pub));
	memset(&sig, 0, sizeof(sig));
	memset(&att, 0, sizeof(att));
	if (!uc || uc->sz < offsetof(struct cima_tpm_quote_check, qualifying_data))
		return cima__err(-EINVAL, "tpm verify: attest, signature and AK public key are required");
	ret = CIMA_OPTS_LOAD(cima_tpm_quote_check, uc, &ck);
	if (ret)
		return ret;
	if (!c->attest || !c->signature || !c->ak_public)
		return cima__err(-EINVAL, "tpm verify: attest, signature and AK public key are required");
	if (!c->qualifying_data && !c->no_qualifying_data)
		return cima__err(-EINVAL, "tpm verify: no qualifying data (nonce) to check; set no_qualifying_data to skip that check explicitly");
	if (c->qualifying_data && c->no_qualifying_data)
		return cima__err(-EINVAL, "tpm verify: qualifying data and no_qualifying_data together");
	off = 0;
	if (Tss2_MU_TPMS_ATTEST_Unmarshal(c->attest, c->attest_len, &off, &att) ||
	    off != c->attest_len)
		return cima__err(-EBADMSG, "tpm verify: attest (%zu bytes) is not one TPMS_ATTEST",
				 c->attest_len);
	off = 0;
	if (Tss2_MU_TPMT_SIGNATURE_Unmarshal(c->signature, c->signature_len, &off, &sig) ||
	    off != c->signature_len)
		return cima__err(-EBADMSG, "tpm verify: signature (%zu bytes) is not one TPMT_SIGNATURE",
				 c->signature_len);
	off = 0;
	if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(c->ak_public, c->ak_public_len, &off, &pub) ||
	    off != c->ak_public_len)
		return cima__err(-EBADMSG, "tpm verify: AK public (%zu bytes) is not one TPM2B_PUBLIC",
				 c->ak_public_len);
	pkey = tpm_pkey(&pub.publicArea);
	if (!pkey)
		return cima__err(-EOPNOTSUPP, "tpm verify: AK public key type 0x%x not usable",
				 pub.publicArea.type);
	ret = sig_verify(pkey, &sig, c->attest, c->attest_len);
	EVP_PKEY_free(pkey);
	if (ret)
		return ret;
	if (att.magic != TPM2_GENERATED_VALUE || att.type != TPM2_ST_ATTEST_QUOTE)
		return cima__err(-EBADMSG, "tpm verify: attest is not a TPM-generated quote (magic 0x%x type 0x%x)",
				 att.magic, att.type);
	if (c->qualifying_data &&
	    (att.extraData.size != c->qualifying_data_len ||
	     memcmp(att.extraData.buffer, c->qualifying_data, c->qualifying_data_len)))
		return cima__err(-ESTALE, "tpm verify: the quote's qualifying data (%u bytes) is not the expected %zu bytes",
				 att.extraData.size, c->qualifying_data_len);
	if (!c->pcr_values)
		return 0;
	for (UINT32 i = 0; i < att.attested.quote.pcrSelect.count; i++) {
		const TPMS_PCR_SELECTION *s = &att.attested.quote.pcrSelect.pcrSelections[i];
		size_t ds = cima_alg_digest_size(s->hash);

		if (!ds)
			return cima__err(-EOPNOTSUPP, "tpm verify: quoted bank 0x%x unknown", s->hash);
		for (int b = 0; b < s->sizeofSelect; b++)
			need += ds * (size_t)__builtin_popcount(s->pcrSelect[b]);
	}
	if (need != c->pcr_values_len)
		return cima__err(-EILSEQ, "tpm verify: %zu bytes of PCR values given, the selection quoted needs %zu",
				 c->pcr_values_len, need);
	md = tpm_md(sig.signature.any.hashAlg);
	if (!md || !EVP_Digest(c->pcr_values, c->pcr_values_len, dig, &dlen, md, NULL))
		return cima__err(-EIO, "tpm verify: cannot hash the PCR values");
	if (att.attested.quote.pcrDigest.size != dlen ||
	    memcmp(att.attested.quote.pcrDigest.buffer, dig, dlen))
		return cima__err(-EILSEQ, "tpm verify: the PCR values do not match the quoted PCR digest");
	return 0;
}

int cima_report_verify(const struct cima_report *r, const uint8_t *report_data)
{
	CIMA_OPTS(cima_tpm_quote_check, c);

	if (!r)
		return cima__err(-EINVAL, "report verify: NULL report");
	if (r->kind != CIMA_REPORT_TPM_QUOTE)
		return cima__err(-EOPNOTSUPP, "report verify: only TPM quotes are verified by the library (this is %s)",
				 cima_report_kind_name(r->kind));
	c.attest = r->blob;
	c.attest_len = r->blob_len;
	c.signature = r->sig;
	c.signature_len = r->sig_len;
	c.ak_public = r->akpub;
	c.ak_public_len = r->akpub_len;
	c.qualifying_data = report_data ? report_data : r->report_data;
	c.qualifying_data_len = 64;
	c.pcr_values = r->pcrs;
	c.pcr_values_len = r->pcrs_len;
	return cima_tpm_quote_verify(&c);
}

char *cima_report_tpm_ak_pem(const struct cima_report *r)
{
	TPM2B_PUBLIC pub;
	EVP_PKEY *pkey;
	BIO *bio;
	char *s = NULL, *data;
	size_t off = 0;
	long n;

	memset(&pub, 0, sizeof(pub));
	if (!r || r->kind != CIMA_REPORT_TPM_QUOTE || !r->akpub)
		return cima__err_ptr(-EINVAL, "AK PEM: not a TPM report");
	if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(r->akpub, r->akpub_len, &off, &pub) ||
	    !(pkey = tpm_pkey(&pub.publicArea)))
		return cima__err_ptr(-EBADMSG, "AK PEM: unusable AK public key");
	bio = BIO_new(BIO_s_mem());
	if (bio && PEM_write_bio_PUBKEY(bio, pkey) == 1) {
		n = BIO_get_mem_data(bio, &data);
		s = malloc((size_t)n + 1);
		if (s) {
			memcpy(s, data, (size_t)n);
			s[n] = '\0';
		}
	}
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	if (!s)
		errno = ENOMEM;
	return s;
}

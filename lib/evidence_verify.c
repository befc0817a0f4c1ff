// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One-step offline verification of an evidence bundle: the checks of enum
 * cima_evidence_check, in order, stopping at the first failure.  No device,
 * module or network access: everything comes from the bundle and the
 * caller's anchors (AK PEM, root CA, reference values).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cima/verify.h>

#include "eventlog_internal.h"
#include "evidence_internal.h"

#define REDACTED	"cima/1 redacted"

struct cima_evidence_result {
	int status[CIMA_ECHECK_COUNT];
	char *note[CIMA_ECHECK_COUNT];
	int failed;
	struct cima_eventlog *events;	/* the verified cima events */
	char **uncovered;
	size_t nuncovered;
};

/* Everything one verification run holds. */
struct vctx {
	const struct cima_evidence *ev;
	struct cima_evidence_verify_opts o;
	struct cima_evidence_result *res;
	const uint8_t *nonce, *data;
	size_t nonce_len, data_len;
	uint8_t rd[64];
	struct cima_replay *quoted;	/* registers the report shows */
	struct cima_eventlog *base;	/* firmware or CCEL */
	struct cima_eventlog *ima;
	struct cima_eventlog *cima;	/* global cima log, whole */
	struct cima_eventlog *view;
	bool tdx;
};

static const char *const check_names[CIMA_ECHECK_COUNT] = {
	"signature", "freshness", "report-data", "registers", "logs", "replay",
	"snapshot", "container", "reference",
};

const char *cima_evidence_check_name(int check)
{
	return check >= 0 && check < CIMA_ECHECK_COUNT ? check_names[check] : NULL;
}

void cima_evidence_result_free(struct cima_evidence_result *res)
{
	if (!res)
		return;
	for (int i = 0; i < CIMA_ECHECK_COUNT; i++)
		free(res->note[i]);
	for (size_t i = 0; i < res->nuncovered; i++)
		free(res->uncovered[i]);
	free(res->uncovered);
	cima_eventlog_free(res->events);
	free(res);
}

int cima_evidence_result_failed(const struct cima_evidence_result *res)
{
	return res ? res->failed : -1;
}

int cima_evidence_result_check(const struct cima_evidence_result *res, int check,
			       const char **note)
{
	if (note)
		*note = "";
	if (!res || check < 0 || check >= CIMA_ECHECK_COUNT)
		return -EINVAL;
	if (note && res->note[check])
		*note = res->note[check];
	return res->status[check];
}

const struct cima_eventlog *cima_evidence_result_events(const struct cima_evidence_result *res)
{
	return res ? res->events : NULL;
}

size_t cima_evidence_result_uncovered_count(const struct cima_evidence_result *res)
{
	return res ? res->nuncovered : 0;
}

const char *cima_evidence_result_uncovered(const struct cima_evidence_result *res, size_t i)
{
	return res && i < res->nuncovered ? res->uncovered[i] : NULL;
}

static void set_note(struct cima_evidence_result *res, int check, int status,
		     const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	free(res->note[check]);
	res->note[check] = strdup(buf);
	res->status[check] = status;
}

static void pass(struct vctx *c, int check, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void pass(struct vctx *c, int check, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_note(c->res, check, CIMA_ESTATUS_PASS, fmt, ap);
	va_end(ap);
}

static void skip(struct vctx *c, int check, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void skip(struct vctx *c, int check, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_note(c->res, check, CIMA_ESTATUS_SKIPPED, fmt, ap);
	va_end(ap);
}

/* Record the failure of @check; returns -EKEYREJECTED (message set). */
static int fail(struct vctx *c, int check, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct vctx *c, int check, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_note(c->res, check, CIMA_ESTATUS_FAIL, fmt, ap);
	va_end(ap);
	c->res->failed = check;
	return cima__err(-EKEYREJECTED, "evidence: %s: %s", check_names[check],
			 c->res->note[check] ? c->res->note[check] : "failed");
}

/* ------------------------------------------------------------------ */
/* 1. signature                                                        */

/* The bundle's AK (from its TPM2B_PUBLIC) as a PEM public key, or NULL. */
static char *bundle_ak_pem(const struct cima_evidence *ev)
{
	struct cima_report r = { .kind = CIMA_REPORT_TPM_QUOTE };

	r.akpub = ev->akpub;
	r.akpub_len = ev->akpub_len;
	return cima_report_tpm_ak_pem(&r);
}

static EVP_PKEY *pem_pubkey(const char *pem, size_t len)
{
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *k = b ? PEM_read_bio_PUBKEY(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	return k;
}

/* The DER of the first PEM block of @pem when it is a "PUBLIC KEY", or NULL. */
static unsigned char *pem_spki(const char *pem, size_t len, long *der_len)
{
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	char *name = NULL, *hdr = NULL;
	unsigned char *der = NULL;

	if (b && PEM_read_bio(b, &name, &hdr, &der, der_len) == 1 &&
	    strcmp(name, PEM_STRING_PUBLIC)) {
		OPENSSL_free(der);
		der = NULL;
	}
	OPENSSL_free(name);
	OPENSSL_free(hdr);
	BIO_free(b);
	return der;
}

/*
 * Whether PEM @pem holds the bundle's AK (@ak_pem, whose DER is @ak_der):
 * 1 yes, 0 no, -1 it holds no public key.  Equal SubjectPublicKeyInfo
 * bytes are the same key (DER is canonical); otherwise both keys are
 * decoded and compared, so another encoding of the same key still counts.
 */
static int same_ak(const char *pem, size_t len, const char *ak_pem,
		   const unsigned char *ak_der, long ak_der_len)
{
	long n = 0;
	unsigned char *der = pem_spki(pem, len, &n);
	EVP_PKEY *k, *ak;
	int ret;

	ret = der && ak_der && n == ak_der_len && !memcmp(der, ak_der, (size_t)n);
	OPENSSL_free(der);
	if (ret)
		return 1;
	k = pem_pubkey(pem, len);
	if (!k)
		return -1;
	ak = pem_pubkey(ak_pem, strlen(ak_pem));
	ret = ak && EVP_PKEY_eq(k, ak) == 1;
	EVP_PKEY_free(ak);
	EVP_PKEY_free(k);
	return ret;
}

/* The AK chain (leaf first) up to a root in @root_path; the leaf's key. */
static int check_ak_chain(struct vctx *c, EVP_PKEY *ak)
{
	STACK_OF(X509) *chain = sk_X509_new_null();
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *sc = X509_STORE_CTX_new();
	BIO *b = NULL;
	X509 *x;
	int ret;

	if (!chain || !store || !sc) {
		ret = cima__err(-ENOMEM, "out of memory");
		goto out;
	}
	if (!c->ev->ak_chain) {
		ret = fail(c, CIMA_ECHECK_SIGNATURE, "--root-ca given but the bundle has no AK certificate chain");
		goto out;
	}
	if (X509_STORE_load_file(store, c->o.root_ca_path) != 1) {
		ret = cima__err(-ENOENT, "%s: no usable root certificate", c->o.root_ca_path);
		goto out;
	}
	b = BIO_new_mem_buf(c->ev->ak_chain, -1);
	while (b && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)))
		sk_X509_push(chain, x);
	if (sk_X509_num(chain) < 1) {
		ret = fail(c, CIMA_ECHECK_SIGNATURE, "the bundle's AK certificate chain holds no certificate");
		goto out;
	}
	if (X509_STORE_CTX_init(sc, store, sk_X509_value(chain, 0), chain) != 1) {
		ret = cima__err(-ENOMEM, "out of memory");
		goto out;
	}
	if (c->o.at_time)
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(sc), c->o.at_time);
	if (X509_verify_cert(sc) != 1) {
		ret = fail(c, CIMA_ECHECK_SIGNATURE, "AK certificate chain: %s",
			   X509_verify_cert_error_string(X509_STORE_CTX_get_error(sc)));
		goto out;
	}
	if (EVP_PKEY_eq(X509_get0_pubkey(sk_X509_value(chain, 0)), ak) != 1) {
		ret = fail(c, CIMA_ECHECK_SIGNATURE, "the AK certificate is not for the bundle's AK");
		goto out;
	}
	ret = 0;
out:
	BIO_free(b);
	sk_X509_pop_free(chain, X509_free);
	X509_STORE_CTX_free(sc);
	X509_STORE_free(store);
	return ret;
}

static int check_tpm_signature(struct vctx *c)
{
	CIMA_OPTS(cima_tpm_quote_check, qc);
	const struct cima_evidence *ev = c->ev;
	char *ak_pem = bundle_ak_pem(ev);
	unsigned char *ak_der = NULL;
	long ak_der_len = 0;
	EVP_PKEY *ak = NULL;
	const char *anchor;
	int ret;

	if (ak_pem)
		ak_der = pem_spki(ak_pem, strlen(ak_pem), &ak_der_len);
	if (!ak_der) {
		free(ak_pem);
		return fail(c, CIMA_ECHECK_SIGNATURE, "the AK public key (TPM2B_PUBLIC) is not usable");
	}
	if (ev->ak_pem && same_ak(ev->ak_pem, strlen(ev->ak_pem), ak_pem, ak_der, ak_der_len) != 1) {
		ret = fail(c, CIMA_ECHECK_SIGNATURE, "ak_pem is not the key of ak_public");
		goto out;
	}
	if (c->o.ak_pem_path) {
		uint8_t *pin = NULL;
		size_t len = 0;

		ret = cima__read_file_max(c->o.ak_pem_path, &pin, &len, 1 << 20);
		ret = ret ? -1 : same_ak((const char *)pin, len, ak_pem, ak_der, ak_der_len);
		free(pin);
		if (ret < 0) {
			ret = cima__err(-ENOENT, "%s: no PEM public key", c->o.ak_pem_path);
			goto out;
		}
		if (!ret) {
			ret = fail(c, CIMA_ECHECK_SIGNATURE, "the bundle's AK is not the pinned AK (%s)",
				   c->o.ak_pem_path);
			goto out;
		}
		anchor = "AK pinned by --ak-pem";
	} else if (c->o.root_ca_path) {
		ak = pem_pubkey(ak_pem, strlen(ak_pem));
		ret = ak ? check_ak_chain(c, ak) :
		      fail(c, CIMA_ECHECK_SIGNATURE, "the AK public key (TPM2B_PUBLIC) is not usable");
		if (ret)
			goto out;
		anchor = "AK certified up to --root-ca";
	} else {
		ret = fail(c, CIMA_ECHECK_SIGNATURE, "no trust anchor for the AK: give the AK's public key (--ak-pem) or the root of its certificate (--root-ca)");
		goto out;
	}
	qc.attest = ev->blob;
	qc.attest_len = ev->blob_len;
	qc.signature = ev->sig;
	qc.signature_len = ev->sig_len;
	qc.ak_public = ev->akpub;
	qc.ak_public_len = ev->akpub_len;
	qc.no_qualifying_data = true;	/* checked at report-data */
	ret = cima_tpm_quote_verify(&qc);
	if (ret)
		ret = fail(c, CIMA_ECHECK_SIGNATURE, "%s", cima_strerror_last());
	else
		pass(c, CIMA_ECHECK_SIGNATURE, "TPM quote signed by the AK (%s)", anchor);
out:
	EVP_PKEY_free(ak);
	OPENSSL_free(ak_der);
	free(ak_pem);
	return ret;
}

static int check_signature(struct vctx *c)
{
	CIMA_OPTS(cima_vendor_result, vr);
	CIMA_OPTS(cima_vendor_verify_opts, vo, .root_path = c->o.root_ca_path,
		  .at_time = c->o.at_time, .result = &vr);
	const struct cima_evidence *ev = c->ev;
	int ret;

	switch (ev->kind) {
	case CIMA_REPORT_TPM_QUOTE:
		return check_tpm_signature(c);
	case CIMA_REPORT_TDX_QUOTE:
		ret = cima_tdx_quote_verify(ev->blob, ev->blob_len, &vo);
		break;
	case CIMA_REPORT_SNP:
		vo.cert_table = ev->aux;
		vo.cert_table_len = ev->aux_len;
		ret = cima_snp_report_verify(ev->blob, ev->blob_len, &vo);
		break;
	default:
		return fail(c, CIMA_ECHECK_SIGNATURE, "a TDREPORT is not signed (MAC only): it cannot be verified elsewhere");
	}
	if (ret == -EKEYREJECTED || ret == -EKEYEXPIRED || ret == -EKEYREVOKED ||
	    ret == -ENOKEY || ret == -EBADMSG || ret == -EOPNOTSUPP)
		return fail(c, CIMA_ECHECK_SIGNATURE, "%s (step %s)", cima_strerror_last(),
			    cima_vendor_step_name(vr.step));
	if (ret)
		return ret;
	/* What needs collateral, which a bundle does not carry (cima/verify.h). */
	if (ev->kind == CIMA_REPORT_SNP)
		pass(c, CIMA_ECHECK_SIGNATURE, "SNP report signed, chain to %s (%s); TCB status and revocation (AMD's CRL) not checked (no collateral)",
		     vr.root_subject, vr.root_pinned ? "pinned root" : "--root-ca");
	else
		pass(c, CIMA_ECHECK_SIGNATURE, "TDX quote signed, chain to %s (%s); TCB status, QE identity and revocation not checked (no collateral)",
		     vr.root_subject, vr.root_pinned ? "pinned root" : "--root-ca");
	return 0;
}

/* ------------------------------------------------------------------ */
/* 2-4. freshness, report data, quoted registers                        */

static int check_freshness(struct vctx *c)
{
	const struct cima_evidence *ev = c->ev;

	if (c->o.no_nonce) {
		c->nonce = ev->nonce;
		c->nonce_len = ev->nonce_len;
		skip(c, CIMA_ECHECK_FRESHNESS, "--no-nonce: the bundle's own nonce is used, freshness NOT checked");
		return 0;
	}
	c->nonce = c->o.nonce;
	c->nonce_len = c->o.nonce_len;
	if (ev->nonce_len != c->nonce_len || memcmp(ev->nonce, c->nonce, c->nonce_len))
		return fail(c, CIMA_ECHECK_FRESHNESS, "the bundle's nonce (%zu bytes) is not the verifier's (%zu bytes)",
			    ev->nonce_len, c->nonce_len);
	pass(c, CIMA_ECHECK_FRESHNESS, "nonce matches (%zu bytes)", c->nonce_len);
	return 0;
}

static int signed_report_data(struct vctx *c, const uint8_t **rd, size_t *len)
{
	const struct cima_evidence *ev = c->ev;
	static __thread TPMS_ATTEST att;
	static __thread struct cima_tdx_quote q;
	static __thread struct cima_snp_report s;
	size_t off = 0;

	switch (ev->kind) {
	case CIMA_REPORT_TPM_QUOTE:
		memset(&att, 0, sizeof(att));
		if (Tss2_MU_TPMS_ATTEST_Unmarshal(ev->blob, ev->blob_len, &off, &att))
			return -EBADMSG;
		*rd = att.extraData.buffer;
		*len = att.extraData.size;
		return 0;
	case CIMA_REPORT_TDX_QUOTE:
		if (cima_tdx_quote_parse(ev->blob, ev->blob_len, &q))
			return -EBADMSG;
		*rd = q.body.report_data;
		*len = 64;
		return 0;
	case CIMA_REPORT_SNP:
		if (cima_snp_report_parse(ev->blob, ev->blob_len, &s))
			return -EBADMSG;
		*rd = s.report_data;
		*len = 64;
		return 0;
	}
	return -EBADMSG;
}

static int check_report_data(struct vctx *c)
{
	const struct cima_evidence *ev = c->ev;
	const uint8_t *vals[CIMA_MAX_BANKS], *srd;
	size_t srd_len;
	int ret;

	if (c->o.data) {
		if (c->o.data_len != ev->data_len || memcmp(c->o.data, ev->data, ev->data_len))
			return fail(c, CIMA_ECHECK_REPORT_DATA, "the bundle's user data is not the expected data");
	}
	c->data = ev->data;
	c->data_len = ev->data_len;
	if (ev->rule_snapshot) {
		for (size_t i = 0; i < ev->nbanks; i++)
			vals[i] = ev->vals[i];
		ret = cima_evidence_report_data(c->nonce, c->nonce_len, c->data, c->data_len,
						ev->count, ev->algs, vals, ev->nbanks, c->rd);
	} else {
		ret = cima_report_data(c->nonce, c->nonce_len, c->data, c->data_len, c->rd);
	}
	if (ret)
		return fail(c, CIMA_ECHECK_REPORT_DATA, "%s", cima_strerror_last());
	if (memcmp(c->rd, ev->report_data, 64))
		return fail(c, CIMA_ECHECK_REPORT_DATA, "report_data.value is not the %s rule over the nonce, data%s",
			    ev->rule_snapshot ? "snapshot" : "plain",
			    ev->rule_snapshot ? " and snapshot" : "");
	if (signed_report_data(c, &srd, &srd_len))
		return fail(c, CIMA_ECHECK_REPORT_DATA, "the report cannot be parsed");
	if (srd_len != 64 || memcmp(srd, c->rd, 64))
		return fail(c, CIMA_ECHECK_REPORT_DATA, "the signed report binds other report data than rule(nonce, data%s)",
			    ev->rule_snapshot ? ", snapshot" : "");
	pass(c, CIMA_ECHECK_REPORT_DATA, "%s rule, version 1", ev->rule_snapshot ?
	     CIMA_EVIDENCE_RULE_SNAPSHOT : CIMA_EVIDENCE_RULE_PLAIN);
	return 0;
}

static int check_registers(struct vctx *c)
{
	const struct cima_evidence *ev = c->ev;
	size_t n = 0;
	int ret;

	c->quoted = cima_replay_new();
	if (!c->quoted)
		return -ENOMEM;
	if (ev->kind == CIMA_REPORT_TPM_QUOTE) {
		TPMS_ATTEST att;
		TPMT_SIGNATURE sig;
		size_t off = 0, pos = 0, need = 0;
		uint8_t dig[CIMA_MAX_DIGEST_SIZE];
		int dlen;

		/*
		 * The signature over the attest (check 1) and its extraData
		 * (check 3) are verified: the values are the quote's when
		 * their hash, with the signature's hash algorithm, is its
		 * pcrDigest.
		 */
		memset(&att, 0, sizeof(att));
		memset(&sig, 0, sizeof(sig));
		if (Tss2_MU_TPMS_ATTEST_Unmarshal(ev->blob, ev->blob_len, &off, &att))
			return fail(c, CIMA_ECHECK_REGISTERS, "attest not parsable");
		off = 0;
		if (Tss2_MU_TPMT_SIGNATURE_Unmarshal(ev->sig, ev->sig_len, &off, &sig))
			return fail(c, CIMA_ECHECK_REGISTERS, "signature not parsable");
		for (UINT32 i = 0; i < att.attested.quote.pcrSelect.count; i++) {
			const TPMS_PCR_SELECTION *s = &att.attested.quote.pcrSelect.pcrSelections[i];
			size_t ds = cima_alg_digest_size(s->hash);

			if (!ds)
				return fail(c, CIMA_ECHECK_REGISTERS, "quoted bank 0x%x unknown", s->hash);
			for (int b = 0; b < s->sizeofSelect; b++)
				need += ds * (size_t)__builtin_popcount(s->pcrSelect[b]);
		}
		if (need != ev->pcrs_len)
			return fail(c, CIMA_ECHECK_REGISTERS, "%zu bytes of PCR values given, the selection quoted needs %zu",
				    ev->pcrs_len, need);
		dlen = cima__hash(sig.signature.any.hashAlg, ev->pcrs, ev->pcrs_len, dig);
		if (dlen < 0)
			return fail(c, CIMA_ECHECK_REGISTERS, "cannot hash the PCR values: %s",
				    cima_strerror_last());
		if (att.attested.quote.pcrDigest.size != dlen ||
		    memcmp(att.attested.quote.pcrDigest.buffer, dig, (size_t)dlen))
			return fail(c, CIMA_ECHECK_REGISTERS, "the PCR values do not match the quoted PCR digest");
		for (UINT32 i = 0; i < att.attested.quote.pcrSelect.count; i++) {
			const TPMS_PCR_SELECTION *s = &att.attested.quote.pcrSelect.pcrSelections[i];
			size_t ds = cima_alg_digest_size(s->hash);

			for (uint32_t pcr = 0; pcr < 8u * s->sizeofSelect; pcr++) {
				if (!(s->pcrSelect[pcr / 8] & (1u << (pcr % 8))))
					continue;
				if (pos + ds > ev->pcrs_len)
					return fail(c, CIMA_ECHECK_REGISTERS, "PCR values too short");
				ret = cima_replay_set(c->quoted, pcr, s->hash, ev->pcrs + pos, ds);
				if (ret)
					return ret;
				pos += ds;
				n++;
			}
		}
	} else if (ev->kind == CIMA_REPORT_TDX_QUOTE) {
		struct cima_tdx_quote q;

		if (cima_tdx_quote_parse(ev->blob, ev->blob_len, &q))
			return fail(c, CIMA_ECHECK_REGISTERS, "quote not parsable");
		/* Logs replay into IMRs: RTMR n is index n (MRTD is no IMR). */
		ret = 0;
		for (int i = 0; i < 4 && !ret; i++)
			ret = cima_replay_set(c->quoted, (uint32_t)i, CIMA_ALG_SHA384,
					      q.body.rtmr[i], 48);
		if (ret)
			return ret;
		n = 4;
	} else {
		struct cima_snp_report s;

		if (cima_snp_report_parse(ev->blob, ev->blob_len, &s))
			return fail(c, CIMA_ECHECK_REGISTERS, "report not parsable");
		/*
		 * MEASUREMENT is the launch digest of the guest's initial
		 * memory: no event log extends it, so it is not a register
		 * to replay (as register 0 it met PCR 0 of a vTPM's
		 * firmware log).  The report binds the logs only through
		 * its report data (the cima snapshot).
		 */
		pass(c, CIMA_ECHECK_REGISTERS, "SNP MEASUREMENT (launch digest) signed; no log extends it");
		return 0;
	}
	pass(c, CIMA_ECHECK_REGISTERS, "%zu register values signed", n);
	return 0;
}

/*
 * Entries of the cima log @log that hold its first @count records: the
 * snapshot counts records, the parsed log also has the Spec ID header.
 */
static size_t cima_entries(const struct cima_eventlog *log, uint64_t count)
{
	size_t hdr = log->n && log->ev[0].type == EV_NO_ACTION && !log->ev[0].offset;

	return count > log->n - hdr ? log->n : (size_t)count + hdr;
}

/* ------------------------------------------------------------------ */
/* 5. logs                                                              */

static int check_logs(struct vctx *c)
{
	const struct cima_evidence *ev = c->ev;

	for (size_t i = 0; i < ev->nlogs; i++) {
		const struct cima__evidence_log *l = &ev->logs[i];
		struct cima_eventlog *log;

		if (l->source == CIMA_SOURCE_IMA)
			log = cima__evidence_parse_ima(l->buf, l->len, l->tmpl_alg);
		else
			log = cima_eventlog_parse(l->buf, l->len, l->source);
		if (!log)
			return fail(c, CIMA_ECHECK_LOGS, "%s log: %s", cima_source_name(l->source),
				    cima_strerror_last());
		if (l->source == CIMA_SOURCE_IMA)
			c->ima = log;
		else if (l->source == CIMA_SOURCE_CIMA)
			c->cima = log;
		else
			c->base = log;
	}
	if (ev->view) {
		c->view = cima_eventlog_parse(ev->view, ev->view_len, CIMA_SOURCE_CIMA);
		if (!c->view)
			return fail(c, CIMA_ECHECK_LOGS, "container view: %s", cima_strerror_last());
	}
	pass(c, CIMA_ECHECK_LOGS, "%zu logs%s parse", ev->nlogs, ev->view ? " and the container view" : "");
	return 0;
}

/* ------------------------------------------------------------------ */
/* 6. replay                                                            */

/*
 * A second list of the events of the log of @source, parsed once by
 * check_logs(): its own event array (it may be sliced and appended), the
 * event data and template names shared with the parsed log, which
 * outlives it (freed at the end of cima_evidence_verify()).
 */
static struct cima_eventlog *events_of(struct vctx *c, int source)
{
	const struct cima_eventlog *src = source == CIMA_SOURCE_IMA ? c->ima :
					  source == CIMA_SOURCE_CIMA ? c->cima : c->base;
	struct cima_eventlog *log;

	if (!src)
		return NULL;
	log = cima__eventlog_new();
	if (!log)
		return NULL;
	if (src->n) {
		log->ev = malloc(src->n * sizeof(*log->ev));
		if (!log->ev) {
			cima_eventlog_free(log);
			cima__err(-ENOMEM, "out of memory");
			return NULL;
		}
		memcpy(log->ev, src->ev, src->n * sizeof(*log->ev));
	}
	log->n = log->cap = src->n;
	memcpy(log->banks, src->banks, sizeof(log->banks));
	log->nbanks = src->nbanks;
	log->locality = src->locality;
	log->cc = src->cc;
	log->sources = src->sources;
	return log;
}

/* The digest IMA event @e extends bank @alg with (@padded: SHA-1 zero-padded). */
static int ima_extend_digest(const struct cima_event *e, uint16_t alg, bool padded,
			     uint8_t *out)
{
	size_t ds = cima_alg_digest_size(alg);

	if (e->flags & EVF_VIOLATION) {
		memset(out, 0xff, ds);
		return 0;
	}
	if (alg == e->alg[0]) {
		memcpy(out, e->dig[0], ds);
		return 0;
	}
	if (padded) {
		size_t n = e->dlen[0] < ds ? e->dlen[0] : ds;

		memset(out, 0, ds);
		memcpy(out, e->dig[0], n);
		return 0;
	}
	return cima__ima_template_hash(e, alg, out) < 0 ? -EIO : 0;
}

/*
 * How many IMA events the report covers: the list was read after the
 * report, so it may be longer.  Replays IMA's register event by event from
 * the value the other logs give it and returns the first count at which
 * every quoted bank equals the report's value (*bound set: that register
 * is then verified); the whole list when the report does not show IMA's
 * register; -1 when no prefix matches.
 */
static ssize_t ima_quoted_prefix(struct vctx *c, uint32_t *regp, bool *bound)
{
	struct cima_eventlog *ima = c->ima;
	uint8_t cur[1][CIMA_MAX_BANKS][CIMA_MAX_DIGEST_SIZE], d[CIMA_MAX_DIGEST_SIZE];
	uint8_t start[CIMA_MAX_BANKS][CIMA_MAX_DIGEST_SIZE];
	const uint8_t *want[CIMA_MAX_BANKS];
	uint16_t banks[CIMA_MAX_BANKS];
	size_t nb = 0;
	uint32_t pcr, reg;
	int mr;

	if (!ima->n)
		return 0;
	pcr = ima->ev[0].log_index;
	for (size_t i = 1; i < ima->n; i++)
		if (ima->ev[i].log_index != pcr)
			return (ssize_t)ima->n;	/* mixed registers: compare whole */
	reg = pcr;
	if (c->tdx) {
		/* TDVF's PCR -> CC MR map; the IMR is the CC MR index - 1. */
		mr = cima__pcr_to_mr(pcr);
		if (mr < 1)
			return (ssize_t)ima->n;
		reg = (uint32_t)mr - 1;
	}
	*regp = reg;
	for (size_t i = 0; i < cima_replay_count(c->quoted) && nb < CIMA_MAX_BANKS; i++) {
		uint32_t idx;
		uint16_t alg;
		const uint8_t *v;
		size_t len;

		cima_replay_entry(c->quoted, i, &idx, &alg, &v, &len);
		if (idx != reg)
			continue;
		banks[nb] = alg;
		want[nb++] = v;
	}
	if (!nb)
		return (ssize_t)ima->n;
	for (size_t b = 0; b < nb; b++) {
		const uint8_t *bv = NULL;
		size_t ds = cima_alg_digest_size(banks[b]);

		if (c->base) {
			CIMA_OPTS(cima_replay_opts, ro, .banks = &banks[b], .nbanks = 1);
			struct cima_replay *r = cima_replay_eventlog(c->base, &ro);

			if (!r)
				return -2;
			bv = cima_replay_value(r, reg, banks[b], NULL);
			if (bv)
				memcpy(cur[0][b], bv, ds);
			cima_replay_free(r);
		}
		if (!bv)
			memset(cur[0][b], 0, ds);
		memcpy(start[b], cur[0][b], ds);
	}
	/* Plain replay first; the zero-padded SHA-1 variant only if that fails. */
	for (int p = 0; p < 2; p++) {
		for (size_t b = 0; b < nb; b++)
			memcpy(cur[0][b], start[b], cima_alg_digest_size(banks[b]));
		for (size_t k = 0;; k++) {
			bool all = true;

			for (size_t b = 0; b < nb && all; b++)
				all = !memcmp(cur[0][b], want[b], cima_alg_digest_size(banks[b]));
			if (all) {
				*bound = true;
				return (ssize_t)k;
			}
			if (k == ima->n)
				break;
			for (size_t b = 0; b < nb; b++)
				if (ima_extend_digest(&ima->ev[k], banks[b], p, d) ||
				    cima__extend(banks[b], cur[0][b], d))
					return -2;
		}
	}
	return -1;
}

static bool cima_in_report(const struct vctx *c)
{
	const struct cima_evidence *ev = c->ev;

	return ev->has_module_register &&
	       ((!strcmp(ev->module_backend, "tpm") && ev->kind == CIMA_REPORT_TPM_QUOTE) ||
		(!strcmp(ev->module_backend, "tdx") && ev->kind == CIMA_REPORT_TDX_QUOTE));
}

static int check_replay(struct vctx *c)
{
	CIMA_OPTS(cima_verify_opts, vo, .expected = c->quoted);
	struct cima_verify_result *vr = NULL;
	struct cima_replay *rest = NULL;
	struct cima_eventlog *all = NULL, *part;
	size_t ima_kept = 0, ima_total = 0, cima_kept = 0;
	uint32_t ima_reg = 10;
	bool ima_bound = false;
	int ret;

	all = cima__eventlog_new();
	if (!all)
		return -ENOMEM;
	all->cc = c->tdx;
	if (c->base) {
		part = events_of(c, c->ev->logs[0].source);
		if (!part || (ret = cima_eventlog_append(all, part))) {
			ret = -ENOMEM;
			goto out;
		}
	}
	if (c->ima) {
		ssize_t k = ima_quoted_prefix(c, &ima_reg, &ima_bound);

		ima_total = c->ima->n;
		if (k == -2) {
			ret = cima__err(-EIO, "evidence: replay: hashing failed");
			goto out;
		}
		if (k < 0) {
			ret = fail(c, CIMA_ECHECK_REPLAY, "no prefix of the IMA log (%zu events) replays to the reported register %u",
				   c->ima->n, ima_reg);
			goto out;
		}
		ima_kept = (size_t)k;
		if (ima_bound) {
			/*
			 * The prefix search replayed IMA's register to the
			 * report's value: only the events' own consistency is
			 * left (each template digest against its data).
			 */
			for (size_t i = 0; i < ima_kept; i++)
				if (cima_event_check(&c->ima->ev[i]) == -EBADMSG) {
					ret = fail(c, CIMA_ECHECK_REPLAY, "%s", cima_strerror_last());
					goto out;
				}
		} else {
			part = events_of(c, CIMA_SOURCE_IMA);
			if (!part) {
				ret = -ENOMEM;
				goto out;
			}
			if (cima__eventlog_slice(part, 0, (uint32_t)k) ||
			    (ret = cima_eventlog_append(all, part))) {
				ret = -ENOMEM;
				goto out;
			}
		}
	}
	if (c->cima && c->ev->has_snapshot && cima_in_report(c)) {
		part = events_of(c, CIMA_SOURCE_CIMA);
		if (!part) {
			ret = -ENOMEM;
			goto out;
		}
		cima_kept = cima_entries(part, c->ev->count);
		cima__eventlog_slice(part, 0, (uint32_t)cima_kept);
		ret = cima_eventlog_append(all, part);
		if (ret)
			goto out;
	}
	if (ima_bound && c->base) {
		/*
		 * IMA's register is verified: the prefix search started from
		 * the value the firmware log or CCEL gives it (on TDX both
		 * extend RTMR2) and reached the report's.  The logs replayed
		 * below are compared with every other reported register.
		 */
		rest = cima_replay_new();
		if (!rest) {
			ret = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < cima_replay_count(c->quoted); i++) {
			uint32_t idx;
			uint16_t alg;
			const uint8_t *v;
			size_t len;

			cima_replay_entry(c->quoted, i, &idx, &alg, &v, &len);
			if (idx != ima_reg && (ret = cima_replay_set(rest, idx, alg, v, len)))
				goto out;
		}
		vo.expected = rest;
	}
	if (!all->n) {
		if (ima_bound)
			pass(c, CIMA_ECHECK_REPLAY, "IMA: %zu of %zu events replay to register %u of the report",
			     ima_kept, ima_total, ima_reg);
		else
			skip(c, CIMA_ECHECK_REPLAY, "no log extends a register the report shows");
		ret = 0;
		goto out;
	}
	ret = cima_verify_eventlog(all, &vo, &vr);
	if (ret == -EBADMSG) {
		ret = fail(c, CIMA_ECHECK_REPLAY, "%s", cima_strerror_last());
	} else if (ret == -ENODATA && ima_bound) {
		pass(c, CIMA_ECHECK_REPLAY, "IMA: %zu of %zu events replay to register %u of the report; no other log extends a reported register",
		     ima_kept, ima_total, ima_reg);
		ret = 0;
	} else if (ret == -ENODATA) {
		skip(c, CIMA_ECHECK_REPLAY, "no replayed register is among those the report shows");
		ret = 0;
	} else if (!ret) {
		pass(c, CIMA_ECHECK_REPLAY, "%zu registers equal the report (IMA: %zu of %zu events quoted%s; cima: %zu events%s)",
		     cima_verify_compared(vr) + ima_bound, ima_kept, ima_total,
		     ima_bound ? ", replayed by itself" : "", cima_kept,
		     cima_in_report(c) ? "" : ", its register is not in the report");
	}
out:
	cima_verify_result_free(vr);
	cima_replay_free(rest);
	cima_eventlog_free(all);
	return ret;
}

/* ------------------------------------------------------------------ */
/* 7-9. snapshot, container view, reference values                     */

static int check_snapshot(struct vctx *c)
{
	const struct cima_evidence *ev = c->ev;
	CIMA_OPTS(cima_verify_opts, vo);
	struct cima_verify_result *vr = NULL;
	struct cima_replay *exp;
	struct cima_eventlog *log;
	size_t hdr;
	uint32_t reg;
	int ret;

	if (!ev->has_snapshot) {
		skip(c, CIMA_ECHECK_SNAPSHOT, "no cima snapshot (module not loaded): the cima log is not bound");
		return 0;
	}
	if (!c->cima)
		return fail(c, CIMA_ECHECK_SNAPSHOT, "the bundle has a snapshot but no cima log");
	if (cima_entries(c->cima, ev->count) - cima_entries(c->cima, 0) < ev->count)
		return fail(c, CIMA_ECHECK_SNAPSHOT, "the cima log has %zu records, the snapshot counts %llu",
			    cima_entries(c->cima, UINT64_MAX) - cima_entries(c->cima, 0),
			    (unsigned long long)ev->count);
	log = events_of(c, CIMA_SOURCE_CIMA);
	if (!log)
		return -ENOMEM;
	hdr = cima_entries(log, 0);
	cima__eventlog_slice(log, (uint32_t)hdr, (uint32_t)ev->count);
	if (!log->n) {
		uint8_t zero[CIMA_MAX_DIGEST_SIZE] = { 0 };

		cima_eventlog_free(log);
		for (size_t b = 0; b < ev->nbanks; b++)
			if (memcmp(ev->vals[b], zero, cima_alg_digest_size(ev->algs[b])))
				return fail(c, CIMA_ECHECK_SNAPSHOT, "no events, but the snapshot's %s value is not zero",
					    cima_alg_name(ev->algs[b]));
		pass(c, CIMA_ECHECK_SNAPSHOT, "0 events");
		return 0;
	}
	reg = log->ev[0].index;
	for (size_t i = 1; i < log->n; i++)
		if (log->ev[i].index != reg) {
			cima_eventlog_free(log);
			return fail(c, CIMA_ECHECK_SNAPSHOT, "cima event %zu extends register %u, the others %u",
				    i, log->ev[i].index, reg);
		}
	exp = cima_replay_new();
	if (!exp) {
		cima_eventlog_free(log);
		return -ENOMEM;
	}
	for (size_t b = 0; b < ev->nbanks; b++)
		cima_replay_set(exp, reg, ev->algs[b], ev->vals[b], cima_alg_digest_size(ev->algs[b]));
	vo.expected = exp;
	ret = cima_verify_eventlog(log, &vo, &vr);
	if (ret == -EBADMSG || ret == -ENODATA)
		ret = fail(c, CIMA_ECHECK_SNAPSHOT, "the first %llu cima events do not give the snapshot: %s",
			   (unsigned long long)ev->count, cima_strerror_last());
	else if (!ret)
		pass(c, CIMA_ECHECK_SNAPSHOT, "the first %llu of %zu cima events replay to the snapshot (%zu banks)",
		     (unsigned long long)ev->count, c->cima->n, cima_verify_compared(vr));
	cima_verify_result_free(vr);
	cima_replay_free(exp);
	cima_eventlog_free(log);
	return ret;
}

/* Keep events [0, n) of @log whose owner is @cid (all when NULL). */
static void keep_own(struct cima_eventlog *log, size_t n, const char *cid)
{
	size_t k = 0;
	char owner[128];
	const char *kind;

	for (size_t i = 0; i < n && i < log->n; i++) {
		if (cid && (cima__cima_event_owner(&log->ev[i], &kind, owner, sizeof(owner)) < 0 ||
			    strcmp(owner, cid)))
			continue;
		if (!cid && log->ev[i].type == EV_NO_ACTION && !log->ev[i].offset)
			continue;	/* the Spec ID header */
		log->ev[k++] = log->ev[i];
	}
	log->n = k;
}

static int check_container(struct vctx *c)
{
	const struct cima_evidence *ev = c->ev;
	const char *cid = c->o.container ? c->o.container : ev->container;
	struct cima_eventlog *g = c->cima, *v = c->view;
	char owner[128];
	const char *kind;
	size_t own = 0, n;

	if (!ev->has_snapshot) {
		skip(c, CIMA_ECHECK_CONTAINER, "no cima snapshot");
		return 0;
	}
	if (!cid) {
		skip(c, CIMA_ECHECK_CONTAINER, "no container asked for; the events are the whole cima log");
		/* The parsed log becomes the result's (it owns its data). */
		c->res->events = c->cima;
		c->cima = NULL;
		if (c->res->events)
			keep_own(c->res->events, cima_entries(c->res->events, ev->count), NULL);
		return 0;
	}
	if (!ev->container || strcmp(cid, ev->container) || !v)
		return fail(c, CIMA_ECHECK_CONTAINER, "the bundle has no view of container %s%s%s", cid,
			    ev->container ? " (it has " : "", ev->container ? ev->container : "");
	n = cima_entries(g, ev->count);
	if (cima_entries(v, ev->count) != n || cima_entries(v, 0) != cima_entries(g, 0))
		return fail(c, CIMA_ECHECK_CONTAINER, "the view has %zu records, the snapshot counts %llu",
			    cima_entries(v, UINT64_MAX) - cima_entries(v, 0),
			    (unsigned long long)ev->count);
	for (size_t i = cima_entries(g, 0); i < n; i++) {
		const struct cima_event *ge = &g->ev[i], *ve = &v->ev[i];
		bool mine = cima__cima_event_owner(ge, &kind, owner, sizeof(owner)) >= 0 &&
			    !strcmp(owner, cid);

		if (ge->index != ve->index || ge->ndig != ve->ndig || ge->type != ve->type)
			return fail(c, CIMA_ECHECK_CONTAINER, "view event %zu: register, type or banks differ from the global log", i);
		for (size_t d = 0; d < ge->ndig; d++)
			if (ge->alg[d] != ve->alg[d] || ge->dlen[d] != ve->dlen[d] ||
			    memcmp(ge->dig[d], ve->dig[d], ge->dlen[d]))
				return fail(c, CIMA_ECHECK_CONTAINER, "view event %zu: its %s digest differs from the global log's",
					    i, cima_alg_name(ge->alg[d]));
		if (mine) {
			own++;
			if (ge->data_len != ve->data_len || memcmp(ge->data, ve->data, ge->data_len))
				return fail(c, CIMA_ECHECK_CONTAINER, "view event %zu: the container's own event is not whole", i);
		} else if (ve->data_len != strlen(REDACTED) || memcmp(ve->data, REDACTED, ve->data_len)) {
			return fail(c, CIMA_ECHECK_CONTAINER, "view event %zu: another container's event is not redacted", i);
		}
	}
	c->res->events = c->cima;
	c->cima = NULL;
	keep_own(c->res->events, n, cid);
	pass(c, CIMA_ECHECK_CONTAINER, "view of %s agrees with the global log: %zu own events of %llu",
	     cid, own, (unsigned long long)ev->count);
	return 0;
}

static int check_reference(struct vctx *c)
{
	struct cima_evidence_result *res = c->res;
	struct cima__reference *ref;
	const struct cima_eventlog *evs = res->events;
	int ret;

	if (!c->o.reference_path) {
		skip(c, CIMA_ECHECK_REFERENCE, "no reference values given");
		return 0;
	}
	ret = cima__reference_load(c->o.reference_path, &ref);
	if (ret)
		return ret;
	if (!evs) {
		cima__reference_free(ref);
		return fail(c, CIMA_ECHECK_REFERENCE, "no verified cima events to compare");
	}
	for (size_t i = 0; i < evs->n; i++) {
		const struct cima_event *e = &evs->ev[i];
		char *s;

		if (cima__reference_covers(ref, NULL, e))
			continue;
		if (asprintf(&s, "event %zu: %.*s", e->number, (int)e->data_len, e->data) < 0) {
			cima__reference_free(ref);
			return -ENOMEM;
		}
		char **tmp = realloc(res->uncovered, (res->nuncovered + 1) * sizeof(*tmp));

		if (!tmp) {
			free(s);
			cima__reference_free(ref);
			return -ENOMEM;
		}
		res->uncovered = tmp;
		res->uncovered[res->nuncovered++] = s;
	}
	cima__reference_free(ref);
	if (res->nuncovered)
		return fail(c, CIMA_ECHECK_REFERENCE, "%zu of %zu events not covered by %s",
			    res->nuncovered, evs->n, c->o.reference_path);
	pass(c, CIMA_ECHECK_REFERENCE, "all %zu events covered", evs->n);
	return 0;
}

int cima_evidence_verify(const struct cima_evidence *ev,
			 const struct cima_evidence_verify_opts *uopts,
			 struct cima_evidence_result **resp)
{
	static int (*const checks[CIMA_ECHECK_COUNT])(struct vctx *) = {
		check_signature, check_freshness, check_report_data, check_registers,
		check_logs, check_replay, check_snapshot, check_container, check_reference,
	};
	struct vctx c = { .ev = ev };
	int ret;

	if (resp)
		*resp = NULL;
	if (!ev)
		return cima__err(-EINVAL, "evidence verify: NULL bundle");
	ret = CIMA_OPTS_LOAD(cima_evidence_verify_opts, uopts, &c.o);
	if (ret)
		return ret;
	if (c.o.no_nonce && c.o.nonce)
		return cima__err(-EINVAL, "evidence verify: a nonce and no_nonce together");
	if (!c.o.no_nonce && (!c.o.nonce || !c.o.nonce_len))
		return cima__err(-EINVAL, "evidence verify: the nonce is required (no_nonce skips freshness explicitly)");
	if (c.o.container && cima__check_container_id(c.o.container))
		return -EINVAL;
	c.tdx = ev->platform == CIMA_PLATFORM_TDX;
	c.res = calloc(1, sizeof(*c.res));
	if (!c.res)
		return cima__err(-ENOMEM, "out of memory");
	c.res->failed = -1;
	for (int i = 0; i < CIMA_ECHECK_COUNT; i++) {
		ret = checks[i](&c);
		if (ret)
			break;
	}
	cima_replay_free(c.quoted);
	cima_eventlog_free(c.base);
	cima_eventlog_free(c.ima);
	cima_eventlog_free(c.cima);
	cima_eventlog_free(c.view);
	if (ret && ret != -EKEYREJECTED) {
		cima_evidence_result_free(c.res);
		return ret;
	}
	if (resp)
		*resp = c.res;
	else
		cima_evidence_result_free(c.res);
	return ret;
}

/* ------------------------------------------------------------------ */

static void json_str(FILE *out, const char *s, size_t n)
{
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch > 0x7e)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

int cima_evidence_result_dump_json(const struct cima_evidence_result *res, FILE *out)
{
	static const char *const st[] = { "not-run", "pass", "fail", "skipped" };
	const struct cima_eventlog *evs;

	if (!res || !out)
		return -EINVAL;
	fprintf(out, "{\"version\":1,\"verified\":%s,\"failed\":",
		res->failed < 0 ? "true" : "false");
	if (res->failed < 0)
		fputs("null", out);
	else
		fprintf(out, "\"%s\"", check_names[res->failed]);
	fputs(",\"checks\":[", out);
	for (int i = 0; i < CIMA_ECHECK_COUNT; i++) {
		const char *n = res->note[i] ? res->note[i] : "";

		fprintf(out, "%s{\"check\":\"%s\",\"status\":\"%s\",\"note\":", i ? "," : "",
			check_names[i], st[res->status[i]]);
		json_str(out, n, strlen(n));
		fputc('}', out);
	}
	fputs("],\"uncovered\":[", out);
	for (size_t i = 0; i < res->nuncovered; i++) {
		if (i)
			fputc(',', out);
		json_str(out, res->uncovered[i], strlen(res->uncovered[i]));
	}
	fputs("],\"events\":[", out);
	evs = res->failed < 0 ? res->events : NULL;
	for (size_t i = 0; evs && i < evs->n; i++) {
		const struct cima_event *e = &evs->ev[i];
		char hex[2 * CIMA_MAX_DIGEST_SIZE + 1];

		fprintf(out, "%s{\"number\":\"%zu\",\"index\":%u,\"data\":", i ? "," : "",
			e->number, e->index);
		json_str(out, (const char *)e->data, e->data_len);
		fputs(",\"digests\":[", out);
		for (size_t d = 0; d < e->ndig; d++) {
			cima__hex(e->dig[d], e->dlen[d], hex);
			fprintf(out, "%s{\"alg\":\"%s\",\"digest\":\"%s\"}", d ? "," : "",
				cima_alg_name(e->alg[d]) ? cima_alg_name(e->alg[d]) : "?", hex);
		}
		fputs("]}", out);
	}
	fputs("]}\n", out);
	return ferror(out) ? -EIO : 0;
}

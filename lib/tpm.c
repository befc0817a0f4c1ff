// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TPM 2.0 through libtss2-esys: PCR banks, PCR reads and TPM2_Quote.
 *
 * The TCTI defaults to "device:/dev/tpmrm0" (the kernel's resource manager,
 * so several processes may use the TPM at once).  The attestation key is a
 * persistent key at CIMA_TPM_AK_HANDLE when one is provisioned there (it
 * must be a restricted signing key), else a transient ECC P-256 restricted
 * signing key (ECDSA/SHA-256) created as a primary in the endorsement
 * hierarchy for the call and flushed after it.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_tctildr.h>
#include <openssl/evp.h>

#include "report_internal.h"

#define TPM_DEV		"/dev/tpmrm0"

struct tpm {
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
};

static void tpm_close(struct tpm *t)
{
	if (t->esys)
		Esys_Finalize(&t->esys);
	if (t->tcti)
		Tss2_TctiLdr_Finalize(&t->tcti);
}

static int tpm_open(const struct cima__plat *p, struct tpm *t)
{
	TSS2_RC rc;

	memset(t, 0, sizeof(*t));
	rc = Tss2_TctiLdr_Initialize(p->tcti, &t->tcti);
	if (rc != TSS2_RC_SUCCESS)
		return cima__err(-ENODEV, "tpm: cannot open TCTI \"%s\" (TSS rc 0x%x)",
				 p->tcti, rc);
	rc = Esys_Initialize(&t->esys, t->tcti, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_close(t);
		return cima__err(-EIO, "tpm: Esys_Initialize on \"%s\" failed (TSS rc 0x%x)",
				 p->tcti, rc);
	}
	return 0;
}

static int get_banks(struct tpm *t, uint16_t *algs, size_t max)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;
	int n = 0;

	rc = Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				TPM2_CAP_PCRS, 0, 1, &more, &cap);
	if (rc != TSS2_RC_SUCCESS)
		return cima__err(-EIO, "tpm: GetCapability(PCRS) failed (TSS rc 0x%x)", rc);
	for (UINT32 i = 0; i < cap->data.assignedPCR.count; i++) {
		const TPMS_PCR_SELECTION *s = &cap->data.assignedPCR.pcrSelections[i];
		bool any = false;

		for (int k = 0; k < s->sizeofSelect; k++)
			any |= s->pcrSelect[k] != 0;
		if (!any)
			continue;
		if ((size_t)n < max)
			algs[n] = s->hash;
		n++;
	}
	Esys_Free(cap);
	return n;
}

/*
 * No device node but the kernel's sysfs PCRs (5.12+; world-readable): a
 * container given no TPM device still reads its registers there.  Only
 * when no TCTI was named (the default device TCTI) and the device is
 * absent.  @dir receives the sysfs directory.
 */
static bool tpm_use_sysfs(const struct cima__plat *p, char *dir, size_t size)
{
	char dev[300];

	if (strncmp(p->tcti, "device:", 7))
		return false;
	cima__path(p, dev, sizeof(dev), TPM_DEV);
	if (strcmp(p->tcti + 7, dev) || !access(dev, F_OK))
		return false;
	cima__path(p, dir, size, CIMA_PATH_TPM_PCRS);
	return true;
}

static int tpm_sysfs_banks(const char *dir, uint16_t *algs, size_t max)
{
	static const uint16_t known[] = { CIMA_ALG_SHA1, CIMA_ALG_SHA256, CIMA_ALG_SHA384,
					  CIMA_ALG_SHA512, CIMA_ALG_SM3_256 };
	uint8_t v[CIMA_MAX_DIGEST_SIZE];
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
		if (cima_read_tpm_pcr(dir, 0, known[i], v, sizeof(v)) < 0)
			continue;
		if ((size_t)n < max)
			algs[n] = known[i];
		n++;
	}
	if (!n)
		return cima__err(-ENODEV, "tpm: no %s and no PCR bank in %s", TPM_DEV, dir);
	return n;
}

static int tpm_banks(const struct cima__plat *p, uint16_t *algs, size_t max)
{
	char dir[512];
	struct tpm t;
	int ret;

	if (tpm_use_sysfs(p, dir, sizeof(dir)))
		return tpm_sysfs_banks(dir, algs, max);
	ret = tpm_open(p, &t);

	if (ret)
		return ret;
	ret = get_banks(&t, algs, max);
	tpm_close(&t);
	return ret;
}

/*
 * Read the PCRs of @mask in bank @alg into @vals (24 slots of @size bytes).
 * Esys_PCR_Read returns at most 8 digests per call: ask again for whatever
 * the TPM did not return.
 */
static int read_pcrs(struct tpm *t, uint16_t alg, uint32_t mask, uint8_t *vals,
		     size_t size)
{
	uint32_t left = mask;

	for (int round = 0; left && round < 8; round++) {
		TPML_PCR_SELECTION sel = { .count = 1 }, *out = NULL;
		TPML_DIGEST *dig = NULL;
		UINT32 upd;
		TSS2_RC rc;
		uint32_t got = 0;
		UINT32 k = 0;

		sel.pcrSelections[0].hash = alg;
		sel.pcrSelections[0].sizeofSelect = 3;
		for (int b = 0; b < 3; b++)
			sel.pcrSelections[0].pcrSelect[b] = (uint8_t)(left >> (8 * b));
		rc = Esys_PCR_Read(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				   &sel, &upd, &out, &dig);
		if (rc != TSS2_RC_SUCCESS)
			return cima__err(-EIO, "tpm: PCR_Read(%s) failed (TSS rc 0x%x)",
					 cima_alg_name(alg), rc);
		if (out->count == 1 && out->pcrSelections[0].hash == alg)
			for (int b = 0; b < out->pcrSelections[0].sizeofSelect && b < 3; b++)
				got |= (uint32_t)out->pcrSelections[0].pcrSelect[b] << (8 * b);
		got &= left;
		for (int i = 0; i < 24; i++) {
			if (!(got & (1u << i)))
				continue;
			if (k >= dig->count || dig->digests[k].size != size) {
				Esys_Free(out);
				Esys_Free(dig);
				return cima__err(-EIO, "tpm: PCR_Read(%s) returned %u digests for selection 0x%x",
						 cima_alg_name(alg), dig->count, got);
			}
			memcpy(vals + (size_t)i * size, dig->digests[k].buffer, size);
			k++;
		}
		Esys_Free(out);
		Esys_Free(dig);
		if (!got)
			return cima__err(-EOPNOTSUPP, "tpm: no %s PCR bank (PCR_Read returned nothing)",
					 cima_alg_name(alg) ? cima_alg_name(alg) : "unknown");
		left &= ~got;
	}
	if (left)
		return cima__err(-EIO, "tpm: PCRs 0x%x of %s not returned", left,
				 cima_alg_name(alg));
	return 0;
}

static int tpm_pcr_read(const struct cima__plat *p, int index, uint16_t alg,
			uint8_t *digest)
{
	uint8_t vals[24 * CIMA_MAX_DIGEST_SIZE];
	size_t size = cima_alg_digest_size(alg);
	struct tpm t;
	int ret;

	char dir[512];

	if (!size)
		return cima__err(-EOPNOTSUPP, "tpm: algorithm 0x%x unknown", alg);
	if (tpm_use_sysfs(p, dir, sizeof(dir))) {
		ret = cima_read_tpm_pcr(dir, (uint32_t)index, alg, digest,
					CIMA_MAX_DIGEST_SIZE);
		return ret == -ENOENT ? cima__err(-EOPNOTSUPP, "tpm: no %s bank in %s",
						  cima_alg_name(alg), dir) : ret;
	}
	ret = tpm_open(p, &t);
	if (ret)
		return ret;
	ret = read_pcrs(&t, alg, 1u << index, vals, size);
	tpm_close(&t);
	if (ret)
		return ret;
	memcpy(digest, vals + (size_t)index * size, size);
	return (int)size;
}

static const TPM2B_PUBLIC ak_template = {
	.publicArea = {
		.type = TPM2_ALG_ECC,
		.nameAlg = TPM2_ALG_SHA256,
		.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
				    TPMA_OBJECT_SENSITIVEDATAORIGIN |
				    TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_RESTRICTED |
				    TPMA_OBJECT_SIGN_ENCRYPT,
		.parameters.eccDetail = {
			.symmetric.algorithm = TPM2_ALG_NULL,
			.scheme = { .scheme = TPM2_ALG_ECDSA,
				    .details.ecdsa.hashAlg = TPM2_ALG_SHA256 },
			.curveID = TPM2_ECC_NIST_P256,
			.kdf.scheme = TPM2_ALG_NULL,
		},
	},
};

static bool handle_exists(struct tpm *t, uint32_t handle)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	bool found;

	if (Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
			       TPM2_CAP_HANDLES, handle, 1, &more, &cap))
		return false;
	found = cap->data.handles.count == 1 && cap->data.handles.handle[0] == handle;
	Esys_Free(cap);
	return found;
}

/* TPM warnings worth waiting for: object memory full, retry, yielded, testing. */
static bool tpm_transient_rc(TSS2_RC rc)
{
	rc &= 0xfff;
	return rc == TPM2_RC_OBJECT_MEMORY || rc == TPM2_RC_RETRY ||
	       rc == TPM2_RC_YIELDED || rc == TPM2_RC_TESTING ||
	       rc == TPM2_RC_SESSION_MEMORY || rc == TPM2_RC_CONTEXT_GAP;
}

/* The AK: persistent at @handle if it is a restricted signing key. */
static int load_ak(struct tpm *t, uint32_t handle, bool transient_only,
		   ESYS_TR *ak, bool *flush, char *desc, size_t desc_size)
{
	TPM2B_SENSITIVE_CREATE sens = { 0 };
	TPM2B_DATA outside = { 0 };
	TPML_PCR_SELECTION none = { 0 };
	TPM2B_PUBLIC *pub = NULL;
	TSS2_RC rc;

	if (!transient_only && handle_exists(t, handle) &&
	    Esys_TR_FromTPMPublic(t->esys, handle, ESYS_TR_NONE, ESYS_TR_NONE,
				  ESYS_TR_NONE, ak) == TSS2_RC_SUCCESS) {
		rc = Esys_ReadPublic(t->esys, *ak, ESYS_TR_NONE, ESYS_TR_NONE,
				     ESYS_TR_NONE, &pub, NULL, NULL);
		if (rc == TSS2_RC_SUCCESS &&
		    (pub->publicArea.objectAttributes &
		     (TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT)) ==
		    (TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT)) {
			Esys_Free(pub);
			*flush = false;
			snprintf(desc, desc_size, "persistent AK 0x%08x", handle);
			return 0;
		}
		Esys_Free(pub);
		cima__log(CIMA_LOG_WARN, "tpm: handle 0x%08x is not a restricted signing key; using a transient AK",
			  handle);
		Esys_TR_Close(t->esys, ak);
	}
	for (int i = 0; ; i++) {
		rc = Esys_CreatePrimary(t->esys, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD,
					ESYS_TR_NONE, ESYS_TR_NONE, &sens, &ak_template,
					&outside, &none, ak, NULL, NULL, NULL, NULL);
		if (!tpm_transient_rc(rc) || i >= 200)
			break;
		usleep(20000);	/* another user holds the TPM's object slots */
	}
	if (rc != TSS2_RC_SUCCESS)
		return cima__err(-EIO, "tpm: CreatePrimary(endorsement, ECC P-256 AK) failed (TSS rc 0x%x)",
				 rc);
	*flush = true;
	snprintf(desc, desc_size, "transient ECC P-256 AK (endorsement hierarchy)");
	return 0;
}

static int pcr_digest(uint16_t hash_alg, const uint8_t *vals, size_t len,
		      uint8_t *out, unsigned int *out_len)
{
	const EVP_MD *md = NULL;

	switch (hash_alg) {
	case TPM2_ALG_SHA1: md = EVP_sha1(); break;
	case TPM2_ALG_SHA256: md = EVP_sha256(); break;
	case TPM2_ALG_SHA384: md = EVP_sha384(); break;
	case TPM2_ALG_SHA512: md = EVP_sha512(); break;
	default:
		return cima__err(-EOPNOTSUPP, "tpm: hash algorithm 0x%x unsupported", hash_alg);
	}
	if (!EVP_Digest(vals, len, out, out_len, md, NULL))
		return cima__err(-EIO, "tpm: digest failed");
	return 0;
}

/*
 * TPM2_Quote over the PCRs of opts->pcr_mask.  @hook (may be NULL) is asked
 * before each attempt for the report data to bind and shown the PCR values
 * read for the attempt.
 */
static int tpm_quote(const struct cima__plat *p, struct cima_report *r,
		     const struct cima_report_opts *opts,
		     const struct cima__quote_hook *hook)
{
	uint8_t vals[24 * CIMA_MAX_DIGEST_SIZE];
	uint32_t mask = opts->pcr_mask ? opts->pcr_mask : 0xffffff;
	uint16_t alg = opts->pcr_alg;
	ESYS_TR ak = ESYS_TR_NONE;
	bool flush = false;
	char akdesc[64];
	struct tpm t;
	size_t size;
	int ret;

	if (mask & ~0xffffffu)
		return cima__err(-EINVAL, "tpm: PCR mask 0x%x selects PCRs above 23", mask);
	ret = tpm_open(p, &t);
	if (ret)
		return ret;
	if (!alg) {
		uint16_t algs[8];
		int n = get_banks(&t, algs, 8);

		if (n < 0) {
			ret = n;
			goto out;
		}
		alg = n ? algs[0] : 0;
		for (int i = 0; i < n && i < 8; i++)
			if (algs[i] == CIMA_ALG_SHA256)
				alg = CIMA_ALG_SHA256;
		if (!alg) {
			ret = cima__err(-ENODATA, "tpm: no active PCR bank");
			goto out;
		}
	}
	size = cima_alg_digest_size(alg);
	if (!size) {
		ret = cima__err(-EOPNOTSUPP, "tpm: PCR bank 0x%x unknown", alg);
		goto out;
	}
	ret = load_ak(&t, opts->ak_handle ? opts->ak_handle : CIMA_TPM_AK_HANDLE,
		      opts->transient_ak, &ak, &flush, akdesc, sizeof(akdesc));
	if (ret)
		goto out;

	/*
	 * Read the PCRs, quote, and check the quote's PCR digest against what
	 * was read; a PCR extended in between makes us try again.
	 */
	for (int attempt = 0; ; attempt++) {
		TPML_PCR_SELECTION sel = { .count = 1 };
		TPM2B_DATA qd = { .size = 64 };
		TPMT_SIG_SCHEME scheme = { .scheme = TPM2_ALG_NULL };
		TPM2B_ATTEST *quoted = NULL;
		TPMT_SIGNATURE *sig = NULL;
		TPM2B_PUBLIC *pub = NULL;
		TPMS_ATTEST att;
		uint8_t dig[64], buf[sizeof(TPMT_SIGNATURE) + sizeof(TPM2B_PUBLIC)];
		unsigned int dlen;
		size_t off = 0, nsel = 0;
		TSS2_RC rc;

		if (hook && hook->refresh) {
			ret = hook->refresh(hook->ctx, r->report_data);
			if (ret)
				goto out;
		}
		ret = read_pcrs(&t, alg, mask, vals, size);
		if (ret)
			goto out;
		/* Compact to selection order. */
		for (int i = 0; i < 24; i++)
			if (mask & (1u << i))
				memmove(vals + size * nsel++, vals + size * i, size);
		/* The caller may hold a PCR to a value: -EAGAIN is "read again". */
		if (hook && hook->check) {
			ret = hook->check(hook->ctx, alg, mask, vals, size);
			if (ret == -EAGAIN && attempt < 16)
				continue;
			if (ret < 0)
				goto out;
			ret = 0;
		}
		sel.pcrSelections[0].hash = alg;
		sel.pcrSelections[0].sizeofSelect = 3;
		for (int b = 0; b < 3; b++)
			sel.pcrSelections[0].pcrSelect[b] = (uint8_t)(mask >> (8 * b));
		memcpy(qd.buffer, r->report_data, 64);
		rc = Esys_Quote(t.esys, ak, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
				&qd, &scheme, &sel, &quoted, &sig);
		if (rc != TSS2_RC_SUCCESS) {
			ret = cima__err(-EIO, "tpm: Quote failed (TSS rc 0x%x)", rc);
			goto out;
		}
		rc = Tss2_MU_TPMS_ATTEST_Unmarshal(quoted->attestationData, quoted->size,
						   &off, &att);
		ret = 0;
		if (rc != TSS2_RC_SUCCESS || att.type != TPM2_ST_ATTEST_QUOTE)
			ret = cima__err(-EIO, "tpm: Quote returned an unreadable TPMS_ATTEST");
		else
			ret = pcr_digest(sig->signature.any.hashAlg, vals, nsel * size,
					 dig, &dlen);
		if (!ret && (att.attested.quote.pcrDigest.size != dlen ||
			     memcmp(att.attested.quote.pcrDigest.buffer, dig, dlen))) {
			Esys_Free(quoted);
			Esys_Free(sig);
			/* Busy PCRs (cima events arriving): try harder than once. */
			if (attempt < 16)
				continue;
			ret = cima__err(-EAGAIN, "tpm: PCRs kept changing during the quote");
			goto out;
		}
		if (!ret) {
			free(r->blob);
			r->blob = malloc(quoted->size);
			r->blob_len = quoted->size;
			off = 0;
			rc = Tss2_MU_TPMT_SIGNATURE_Marshal(sig, buf, sizeof(buf), &off);
			r->sig = malloc(off ? off : 1);
			r->sig_len = off;
			if (r->sig)
				memcpy(r->sig, buf, off);
			if (r->blob)
				memcpy(r->blob, quoted->attestationData, quoted->size);
			if (rc != TSS2_RC_SUCCESS || !r->blob || !r->sig)
				ret = cima__err(-ENOMEM, "tpm: cannot keep the quote");
		}
		Esys_Free(quoted);
		Esys_Free(sig);
		if (ret)
			goto out;
		rc = Esys_ReadPublic(t.esys, ak, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				     &pub, NULL, NULL);
		if (rc != TSS2_RC_SUCCESS) {
			ret = cima__err(-EIO, "tpm: ReadPublic(AK) failed (TSS rc 0x%x)", rc);
			goto out;
		}
		off = 0;
		rc = Tss2_MU_TPM2B_PUBLIC_Marshal(pub, buf, sizeof(buf), &off);
		Esys_Free(pub);
		r->akpub = malloc(off ? off : 1);
		r->pcrs = malloc(nsel * size);
		if (rc != TSS2_RC_SUCCESS || !r->akpub || !r->pcrs) {
			ret = cima__err(-ENOMEM, "tpm: cannot keep the AK public key");
			goto out;
		}
		memcpy(r->akpub, buf, off);
		r->akpub_len = off;
		memcpy(r->pcrs, vals, nsel * size);
		r->pcrs_len = nsel * size;
		r->pcr_alg = alg;
		r->pcr_mask = mask;
		snprintf(r->source, sizeof(r->source), "tpm: %s", akdesc);
		break;
	}
out:
	if (flush && ak != ESYS_TR_NONE)
		Esys_FlushContext(t.esys, ak);
	else if (ak != ESYS_TR_NONE)
		Esys_TR_Close(t.esys, &ak);
	tpm_close(&t);
	return ret;
}

static int tpm_report(const struct cima__plat *p, struct cima_report *r,
		      const struct cima_report_opts *o,
		      const struct cima__quote_hook *hook)
{
	r->kind = CIMA_REPORT_TPM_QUOTE;
	return tpm_quote(p, r, o, hook);
}

const struct cima_platform_ops cima__tpm_ops = {
	.id = CIMA_PLATFORM_TPM,
	.name = "tpm",
	.dev = TPM_DEV,
	.dev_alt = CIMA_PATH_TPM_PCRS "/pcr-sha256",
	.nregs = 24,
	.algorithms = tpm_banks,
	.measurement = tpm_pcr_read,
	.report = tpm_report,
};

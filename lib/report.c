// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The report object: cima_get_cc_report() (report data, the evidence
 * snapshot of lib/snapshot.c, the platform's report op) and accessors.
 * Dumps: lib/report_dump.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <openssl/evp.h>

#include <uapi/cima.h>

#include "broker.h"
#include "report_internal.h"

static int check_input(const char *what, const void *p, size_t len)
{
	if (!p && len)
		return cima__err(-EINVAL, "report: %s is NULL with length %zu", what, len);
	if (len > CIMA_REPORT_INPUT_MAX)
		return cima__err(-E2BIG, "report: %s is %zu bytes, more than %d", what,
				 len, CIMA_REPORT_INPUT_MAX);
	return 0;
}

int cima_report_data(const void *nonce, size_t nonce_len, const void *data,
		     size_t data_len, uint8_t out[CIMA_REPORT_DATA_SIZE])
{
	EVP_MD_CTX *c;
	int ret;

	ret = check_input("nonce", nonce, nonce_len);
	if (!ret)
		ret = check_input("user data", data, data_len);
	if (ret)
		return ret;
	if (!out)
		return cima__err(-EINVAL, "report data: NULL output");
	c = EVP_MD_CTX_new();
	if (!c || !EVP_DigestInit_ex(c, EVP_sha512(), NULL) ||
	    (nonce_len && !EVP_DigestUpdate(c, nonce, nonce_len)) ||
	    (data_len && !EVP_DigestUpdate(c, data, data_len)) ||
	    !EVP_DigestFinal_ex(c, out, NULL)) {
		EVP_MD_CTX_free(c);
		return cima__err(-ENOMEM, "report data: SHA-512 failed");
	}
	EVP_MD_CTX_free(c);
	return 0;
}

void cima_report_free(struct cima_report *r)
{
	if (!r)
		return;
	free(r->blob);
	free(r->aux);
	free(r->sig);
	free(r->akpub);
	free(r->pcrs);
	free(r->binding);
	free(r->view);
	free(r);
}

static bool broker_eligible(const struct cima_platform_opts *uopts)
{
	struct cima_platform_opts po;

	if (!uopts)
		return true;
	if (CIMA_OPTS_LOAD(cima_platform_opts, uopts, &po))
		return false;
	return po.platform == CIMA_PLATFORM_AUTO && !po.tpm_tcti && !po.root &&
	       !po.tsm_dir;
}

/* Tries of snapshot + report while cima events keep arriving in between. */
#define SNAPSHOT_TRIES	8

/* One attempt: report data (and snapshot), then the platform's report. */
static int take_report(struct cima_report *r, const void *nonce, size_t nonce_len,
		       const void *data, size_t data_len,
		       const struct cima_report_opts *o)
{
	struct cima__snapshot_ctx snap = {
		.nonce = nonce, .nonce_len = nonce_len,
		.data = data, .data_len = data_len,
		.path = o->snapshot_path ? o->snapshot_path :
			CIMA_FS_ROOT "/" CIMA_FILE_SNAPSHOT,
	};
	struct cima__quote_hook hook = { 0 };
	struct cima__plat p;
	int ret;

	ret = cima_report_data(nonce, nonce_len, data, data_len, r->report_data);
	if (!ret && o->evidence_snapshot)
		ret = cima__snapshot_begin(&snap, r, &hook);
	if (!ret)
		ret = cima__plat_resolve(o->platform, &p);
	if (!ret)
		ret = p.ops->report(&p, r, o, o->evidence_snapshot ? &hook : NULL);
	if (!ret && o->evidence_snapshot)
		ret = cima__snapshot_end(&snap);
	return ret;
}

struct cima_report *cima_get_cc_report(const void *nonce, size_t nonce_len,
				       const void *data, size_t data_len,
				       const struct cima_report_opts *opts)
{
	struct cima_report_opts o;
	struct cima_report *r;
	int ret;

	ret = CIMA_OPTS_LOAD(cima_report_opts, opts, &o);
	/*
	 * In a tracked container with the broker's socket: the broker, unless
	 * the caller named a platform, a TCTI, a root or a configfs-tsm
	 * directory (then it wants that one).
	 */
	if (!ret && !getenv("CIMA_PLATFORM") && broker_eligible(o.platform)) {
		ret = cima__broker_report(nonce, nonce_len, data, data_len, &r);
		if (ret == 1)
			return r;
	}
	for (int attempt = 1; !ret; attempt++) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return cima__err_ptr(-ENOMEM, "report: out of memory");
		ret = take_report(r, nonce, nonce_len, data, data_len, &o);
		if (!ret)
			return r;
		cima_report_free(r);
		if (ret != -EAGAIN || attempt == SNAPSHOT_TRIES)
			break;
		ret = 0;
	}
	errno = -ret;
	return NULL;
}

int cima_report_kind(const struct cima_report *r)
{
	return r ? r->kind : -EINVAL;
}

const char *cima_report_kind_name(int kind)
{
	switch (kind) {
	case CIMA_REPORT_TPM_QUOTE: return "tpm-quote";
	case CIMA_REPORT_TDX_QUOTE: return "tdx-quote";
	case CIMA_REPORT_TDX_TDREPORT: return "tdx-tdreport (unsigned)";
	case CIMA_REPORT_SNP: return "snp-report";
	}
	return "unknown";
}

const uint8_t *cima_report_report_data(const struct cima_report *r)
{
	return r ? r->report_data : NULL;
}

#define GETTER(name, field, lenfield)					\
const uint8_t *name(const struct cima_report *r, size_t *len)		\
{									\
	if (len)							\
		*len = r ? r->lenfield : 0;				\
	return r ? r->field : NULL;					\
}
GETTER(cima_report_blob, blob, blob_len)
GETTER(cima_report_aux, aux, aux_len)
GETTER(cima_report_tpm_signature, sig, sig_len)
GETTER(cima_report_tpm_ak_public, akpub, akpub_len)

const uint8_t *cima_report_tpm_pcr_values(const struct cima_report *r,
					  size_t *len, uint16_t *alg,
					  uint32_t *mask)
{
	if (len)
		*len = r ? r->pcrs_len : 0;
	if (alg)
		*alg = r ? r->pcr_alg : 0;
	if (mask)
		*mask = r ? r->pcr_mask : 0;
	return r ? r->pcrs : NULL;
}

const char *cima_report_source(const struct cima_report *r)
{
	return r ? r->source : NULL;
}

int cima_report_snapshot(const struct cima_report *r, uint64_t *count,
			 uint16_t *algs, const uint8_t **values, size_t max)
{
	if (!r)
		return -EINVAL;
	if (!r->has_snapshot)
		return -ENODATA;
	if (count)
		*count = r->snap.count;
	for (size_t i = 0; i < r->snap.v.nbanks && i < max; i++) {
		if (algs)
			algs[i] = r->snap.v.alg[i];
		if (values)
			values[i] = r->snap.v.val[i];
	}
	return (int)r->snap.v.nbanks;
}


const uint8_t *cima_report_binding(const struct cima_report *r, size_t *len)
{
	if (!r || !r->binding) {
		errno = ENOENT;
		return NULL;
	}
	if (len)
		*len = r->binding_len;
	return r->binding;
}

const uint8_t *cima_report_container_view(const struct cima_report *r, size_t *len)
{
	if (!r || !r->view) {
		errno = ENOENT;
		return NULL;
	}
	if (len)
		*len = r->view_len;
	return r->view;
}

const char *cima_report_container(const struct cima_report *r)
{
	return r && r->container[0] ? r->container : NULL;
}

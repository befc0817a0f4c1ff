// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cima_get_cc_report(): report data, evidence snapshot, dispatch to the
 * platform, accessors, and the readable and JSON dumps.
 */
#include <errno.h>
#include <stdlib.h>
#include <tss2/tss2_mu.h>
#include <openssl/evp.h>

#include <cima/report.h>
#include "report_internal.h"

#define SNAPSHOT_FILE	"/sys/kernel/security/cima/snapshot"

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

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse the module's snapshot file: "version 1\ncount N\n<alg> <hex>\n"... */
static int read_snapshot(const char *path, struct cima_report *r)
{
	char *line, *save = NULL;
	uint8_t *buf;
	size_t len;
	int ret, lineno = 0;

	ret = cima__rep_read_file(path, &buf, &len, 4096);
	if (ret)
		return ret;
	r->snap_nbanks = 0;
	for (line = strtok_r((char *)buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[32], hex[2 * CIMA_MAX_DIGEST_SIZE + 2];
		unsigned long long v;
		size_t ds;
		int alg;

		lineno++;
		if (lineno == 1) {
			if (sscanf(line, "version %llu", &v) != 1 || v != 1)
				goto bad;
			continue;
		}
		if (lineno == 2) {
			char *end;

			if (strncmp(line, "count ", 6))
				goto bad;
			errno = 0;
			r->snap_count = strtoull(line + 6, &end, 10);
			if (errno || *end || end == line + 6)
				goto bad;
			continue;
		}
		if (sscanf(line, "%31s %129s", name, hex) != 2)
			goto bad;
		alg = cima_alg_from_name(name);
		ds = alg > 0 ? cima_alg_digest_size((uint16_t)alg) : 0;
		if (!ds || strlen(hex) != 2 * ds || r->snap_nbanks >= 8)
			goto bad;
		for (size_t i = 0; i < ds; i++) {
			int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

			if (hi < 0 || lo < 0)
				goto bad;
			r->snap_val[r->snap_nbanks][i] = (uint8_t)(hi << 4 | lo);
		}
		r->snap_alg[r->snap_nbanks++] = (uint16_t)alg;
	}
	free(buf);
	if (lineno < 3)
		return cima__err(-EBADMSG, "%s: no register values", path);
	r->has_snapshot = true;
	return 0;
bad:
	free(buf);
	return cima__err(-EBADMSG, "%s: line %d malformed", path, lineno);
}

static void put_le(EVP_MD_CTX *c, uint64_t v, int n)
{
	uint8_t b[8];

	for (int i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	EVP_DigestUpdate(c, b, (size_t)n);
}

/* The evidence-snapshot report data (see include/cima/report.h). */
static int snapshot_report_data(const void *nonce, size_t nl, const void *data,
				size_t dl, struct cima_report *r)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok;

	if (!c || !EVP_DigestInit_ex(c, EVP_sha512(), NULL)) {
		EVP_MD_CTX_free(c);
		return cima__err(-ENOMEM, "report: SHA-512 failed");
	}
	EVP_DigestUpdate(c, CIMA_SNAPSHOT_DOMAIN, sizeof(CIMA_SNAPSHOT_DOMAIN));
	put_le(c, nl, 8);
	if (nl)
		EVP_DigestUpdate(c, nonce, nl);
	put_le(c, dl, 8);
	if (dl)
		EVP_DigestUpdate(c, data, dl);
	put_le(c, r->snap_count, 8);
	put_le(c, r->snap_nbanks, 4);
	for (unsigned int i = 0; i < r->snap_nbanks; i++) {
		size_t ds = cima_alg_digest_size(r->snap_alg[i]);

		put_le(c, r->snap_alg[i], 2);
		put_le(c, ds, 2);
		EVP_DigestUpdate(c, r->snap_val[i], ds);
	}
	ok = EVP_DigestFinal_ex(c, r->report_data, NULL);
	EVP_MD_CTX_free(c);
	return ok ? 0 : cima__err(-EIO, "report: SHA-512 failed");
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
	free(r);
}

static int get_report(struct cima_report *r, const struct cima__plat *p,
		      const struct cima_report_opts *o)
{
	int ret;

	switch (p->platform) {
	case CIMA_PLATFORM_TPM:
		r->kind = CIMA_REPORT_TPM_QUOTE;
		return cima__tpm_quote(p, r, o);
	case CIMA_PLATFORM_TDX:
		if (p->tsm || (o->tsm_entry && !p->no_tsm)) {
			struct cima_tdx_quote q;

			r->kind = CIMA_REPORT_TDX_QUOTE;
			snprintf(r->source, sizeof(r->source), "configfs-tsm:tdx_guest");
			ret = cima__tsm_report(p, "tdx_guest", r->report_data, o, &r->blob,
					       &r->blob_len, &r->aux, &r->aux_len);
			if (!ret)
				ret = cima_tdx_quote_parse(r->blob, r->blob_len, &q);
			if (!ret && memcmp(q.body.report_data, r->report_data, 64))
				ret = cima__err(-EIO, "tdx: the quote's REPORTDATA is not the one requested");
			return ret;
		} else {
			struct cima_tdx_tdreport t;

			r->kind = CIMA_REPORT_TDX_TDREPORT;
			snprintf(r->source, sizeof(r->source), "ioctl:/dev/tdx_guest (unsigned)");
			r->blob = malloc(CIMA_TDX_TDREPORT_SIZE);
			if (!r->blob)
				return cima__err(-ENOMEM, "tdx: out of memory");
			r->blob_len = CIMA_TDX_TDREPORT_SIZE;
			ret = cima__tdx_tdreport(p, r->report_data, r->blob);
			if (!ret)
				ret = cima_tdx_tdreport_parse(r->blob, r->blob_len, &t);
			if (!ret && memcmp(t.body.report_data, r->report_data, 64))
				ret = cima__err(-EIO, "tdx: the TDREPORT's REPORTDATA is not the one requested");
			return ret;
		}
	case CIMA_PLATFORM_SNP: {
		struct cima_snp_report s;

		r->kind = CIMA_REPORT_SNP;
		if (p->tsm || (o->tsm_entry && !p->no_tsm)) {
			snprintf(r->source, sizeof(r->source), "configfs-tsm:sev_guest");
			ret = cima__tsm_report(p, "sev_guest", r->report_data, o, &r->blob,
					       &r->blob_len, &r->aux, &r->aux_len);
		} else {
			snprintf(r->source, sizeof(r->source), "ioctl:/dev/sev-guest");
			ret = cima__snp_ioctl_report(p, r->report_data, &r->blob,
						     &r->blob_len);
		}
		if (!ret)
			ret = cima_snp_report_parse(r->blob, r->blob_len, &s);
		if (!ret && memcmp(s.report_data, r->report_data, 64))
			ret = cima__err(-EIO, "snp: the report's REPORT_DATA is not the one requested");
		return ret;
	}
	}
	return cima__err(-ENODEV, "report: no platform");
}

/*
 * Which hardware register the cima module extends: "backend" and "index"
 * of the register file beside the snapshot file.  -ENOENT when the module
 * has none (sim backend) or the file cannot be read.
 */
static int cima_hw_register(const char *snapshot_path, bool *tdx, unsigned int *index)
{
	char path[4096], *slash, *line, *save = NULL;
	bool have_backend = false, have_index = false;
	uint8_t *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s", snapshot_path);
	slash = strrchr(path, '/');
	if (!slash || (size_t)(slash - path) + sizeof("/register") > sizeof(path))
		return -ENOENT;
	strcpy(slash, "/register");
	if (cima__rep_read_file(path, &buf, &len, 4096))
		return -ENOENT;
	for (line = strtok_r((char *)buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strcmp(line, "backend tpm") || !strcmp(line, "backend tdx")) {
			*tdx = line[8] == 't' && line[9] == 'd';
			have_backend = true;
		} else if (sscanf(line, "index %u", index) == 1) {
			have_index = true;
		}
	}
	free(buf);
	return have_backend && have_index ? 0 : -ENOENT;
}

/*
 * The value the report shows for register @index in bank @alg, or NULL when
 * the report does not cover it.
 */
static const uint8_t *quoted_value(const struct cima_report *r, bool tdx,
				   unsigned int index, uint16_t alg,
				   struct cima_tdx_td_info *body)
{
	size_t ds = cima_alg_digest_size(alg);

	if (!tdx && r->kind == CIMA_REPORT_TPM_QUOTE) {
		unsigned int k = 0;

		if (index > 23 || alg != r->pcr_alg || !(r->pcr_mask & (1u << index)))
			return NULL;
		for (unsigned int i = 0; i < index; i++)
			k += !!(r->pcr_mask & (1u << i));
		return (k + 1) * ds <= r->pcrs_len ? r->pcrs + k * ds : NULL;
	}
	if (tdx && index < 4 && alg == CIMA_ALG_SHA384) {
		struct cima_tdx_quote q;
		struct cima_tdx_tdreport t;

		if (r->kind == CIMA_REPORT_TDX_QUOTE &&
		    !cima_tdx_quote_parse(r->blob, r->blob_len, &q))
			*body = q.body;
		else if (r->kind == CIMA_REPORT_TDX_TDREPORT &&
			 !cima_tdx_tdreport_parse(r->blob, r->blob_len, &t))
			*body = t.body;
		else
			return NULL;
		return body->rtmr[index];
	}
	return NULL;
}

/*
 * An evidence snapshot binds "the first N events" only if the report shows
 * the module's register at the snapshot's value.  An event logged between
 * reading the snapshot and taking the quote breaks that: -EAGAIN, and the
 * caller takes both again.  Reports that do not cover the register (a sim
 * backend, a PCR selection without it) have nothing to compare.
 */
static int snapshot_matches_report(const struct cima_report *r, const char *snapshot_path)
{
	struct cima_tdx_td_info body;
	unsigned int index;
	bool tdx = false;

	if (cima_hw_register(snapshot_path, &tdx, &index))
		return 0;
	for (unsigned int i = 0; i < r->snap_nbanks; i++) {
		const uint8_t *v = quoted_value(r, tdx, index, r->snap_alg[i], &body);

		if (v && memcmp(v, r->snap_val[i], cima_alg_digest_size(r->snap_alg[i])))
			return cima__err(-EAGAIN, "report: the cima register (%s %u) moved "
					 "between the snapshot and the report",
					 tdx ? "RTMR" : "PCR", index);
	}
	return 0;
}

const uint8_t *cima__snapshot_value(const struct cima_report *r, uint16_t alg)
{
	for (unsigned int i = 0; i < r->snap_nbanks; i++)
		if (r->snap_alg[i] == alg)
			return r->snap_val[i];
	return NULL;
}

/* The arguments of the cima_get_cc_report() call in progress (one thread). */
struct snap_args {
	const void *nonce, *data;
	size_t nl, dl;
	const char *path;
};
static __thread const struct snap_args *snap_args;

static int snapshot_refresh(struct cima_report *r)
{
	int ret = read_snapshot(snap_args->path, r);

	return ret ? ret : snapshot_report_data(snap_args->nonce, snap_args->nl,
						snap_args->data, snap_args->dl, r);
}

/* Tries of snapshot + report while cima events keep arriving in between. */
#define SNAPSHOT_TRIES	8

struct cima_report *cima_get_cc_report(const void *nonce, size_t nonce_len,
				       const void *data, size_t data_len,
				       const struct cima_report_opts *opts)
{
	CIMA_OPTS(cima_report_opts, def);
	struct cima_report_opts o = def;
	struct cima__plat p;
	struct cima_report *r;
	int ret;

	if (opts) {
		if (opts->sz < sizeof(size_t) || opts->sz > 4096) {
			cima__err(-EINVAL, "report options: sz %zu invalid", opts->sz);
			errno = EINVAL;
			return NULL;
		}
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
		o.sz = sizeof(o);
	}
	for (int attempt = 1;; attempt++) {
		const char *snap = o.snapshot_path ? o.snapshot_path : SNAPSHOT_FILE;

		r = calloc(1, sizeof(*r));
		if (!r) {
			cima__err(-ENOMEM, "report: out of memory");
			errno = ENOMEM;
			return NULL;
		}
		ret = cima_report_data(nonce, nonce_len, data, data_len, r->report_data);
		if (!ret && o.evidence_snapshot) {
			ret = read_snapshot(snap, r);
			if (!ret)
				ret = snapshot_report_data(nonce, nonce_len, data, data_len, r);
		}
		if (!ret)
			ret = cima__plat_resolve(o.platform, &p);
		r->snap_tpm_index = -1;
		if (!ret && o.evidence_snapshot && p.platform == CIMA_PLATFORM_TPM) {
			struct snap_args a = { nonce, data, nonce_len, data_len, snap };
			unsigned int index;
			bool tdx;

			if (!cima_hw_register(snap, &tdx, &index) && !tdx)
				r->snap_tpm_index = (int)index;
			r->snap_refresh = snapshot_refresh;
			snap_args = &a;
			ret = get_report(r, &p, &o);
			snap_args = NULL;
			r->snap_refresh = NULL;
		} else if (!ret) {
			ret = get_report(r, &p, &o);
		}
		/* The TPM quote loop already held the cima PCR to the snapshot. */
		if (!ret && o.evidence_snapshot && r->snap_tpm_index < 0)
			ret = snapshot_matches_report(r, snap);
		if (!ret)
			return r;
		cima_report_free(r);
		if (ret != -EAGAIN || attempt == SNAPSHOT_TRIES)
			break;
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
		*count = r->snap_count;
	for (size_t i = 0; i < r->snap_nbanks && i < max; i++) {
		if (algs)
			algs[i] = r->snap_alg[i];
		if (values)
			values[i] = r->snap_val[i];
	}
	return (int)r->snap_nbanks;
}

static void dump_tpm(const struct cima_report *r, FILE *out)
{
	TPMS_ATTEST a;
	TPMT_SIGNATURE s;
	size_t off = 0, ds = cima_alg_digest_size(r->pcr_alg), k = 0;
	char name[16];

	memset(&a, 0, sizeof(a));
	memset(&s, 0, sizeof(s));
	if (Tss2_MU_TPMS_ATTEST_Unmarshal(r->blob, r->blob_len, &off, &a) == 0) {
		fprintf(out, "TPM quote (TPMS_ATTEST)\n");
		fprintf(out, "  %-16s 0x%08x\n", "magic", a.magic);
		fprintf(out, "  %-16s 0x%04x\n", "type", a.type);
		cima__dump_hex(out, "qualifiedSigner", a.qualifiedSigner.name,
			       a.qualifiedSigner.size);
		cima__dump_hex(out, "extraData", a.extraData.buffer, a.extraData.size);
		fprintf(out, "  %-16s %llu reset %u restart %u safe %u\n", "clock",
			(unsigned long long)a.clockInfo.clock, a.clockInfo.resetCount,
			a.clockInfo.restartCount, a.clockInfo.safe);
		fprintf(out, "  %-16s 0x%016llx\n", "firmware",
			(unsigned long long)a.firmwareVersion);
		for (UINT32 i = 0; i < a.attested.quote.pcrSelect.count; i++) {
			const TPMS_PCR_SELECTION *ps = &a.attested.quote.pcrSelect.pcrSelections[i];

			fprintf(out, "  %-16s %s:", "pcrSelect",
				cima_alg_name(ps->hash) ? cima_alg_name(ps->hash) : "?");
			for (int p = 0; p < 8 * ps->sizeofSelect; p++)
				if (ps->pcrSelect[p / 8] & (1 << (p % 8)))
					fprintf(out, " %d", p);
			fputc('\n', out);
		}
		cima__dump_hex(out, "pcrDigest", a.attested.quote.pcrDigest.buffer,
			       a.attested.quote.pcrDigest.size);
	}
	off = 0;
	if (Tss2_MU_TPMT_SIGNATURE_Unmarshal(r->sig, r->sig_len, &off, &s) == 0)
		fprintf(out, "  %-16s alg 0x%04x hash %s\n", "signature", s.sigAlg,
			cima_alg_name(s.signature.any.hashAlg) ?
			cima_alg_name(s.signature.any.hashAlg) : "?");
	for (int i = 0; i < 24 && ds; i++) {
		if (!(r->pcr_mask & (1u << i)) || (k + 1) * ds > r->pcrs_len)
			continue;
		snprintf(name, sizeof(name), "%s[%d]", cima_alg_name(r->pcr_alg), i);
		cima__dump_hex(out, name, r->pcrs + k++ * ds, ds);
	}
}

int cima_report_dump(const struct cima_report *r, FILE *out)
{
	if (!r || !out)
		return cima__err(-EINVAL, "report dump: NULL argument");
	fprintf(out, "kind: %s\nsource: %s\n", cima_report_kind_name(r->kind), r->source);
	cima__dump_hex(out, "report_data", r->report_data, 64);
	if (r->has_snapshot) {
		fprintf(out, "evidence snapshot (v1): count %llu\n",
			(unsigned long long)r->snap_count);
		for (unsigned int i = 0; i < r->snap_nbanks; i++)
			cima__dump_hex(out, cima_alg_name(r->snap_alg[i]), r->snap_val[i],
				       cima_alg_digest_size(r->snap_alg[i]));
	}
	switch (r->kind) {
	case CIMA_REPORT_TPM_QUOTE:
		dump_tpm(r, out);
		break;
	case CIMA_REPORT_TDX_QUOTE: {
		struct cima_tdx_quote q;

		if (!cima_tdx_quote_parse(r->blob, r->blob_len, &q))
			cima_tdx_quote_dump(&q, out);
		break;
	}
	case CIMA_REPORT_TDX_TDREPORT: {
		struct cima_tdx_tdreport t;

		if (!cima_tdx_tdreport_parse(r->blob, r->blob_len, &t))
			cima_tdx_tdreport_dump(&t, out);
		break;
	}
	case CIMA_REPORT_SNP: {
		struct cima_snp_report s;

		if (!cima_snp_report_parse(r->blob, r->blob_len, &s))
			cima_snp_report_dump(&s, out);
		break;
	}
	}
	return ferror(out) ? -EIO : 0;
}

static void json_body(FILE *out, const struct cima_tdx_td_info *b)
{
	char k[16];

	cima__json_hex(out, "mr_td", b->mr_td, 48);
	for (int i = 0; i < 4; i++) {
		snprintf(k, sizeof(k), "rtmr%d", i);
		cima__json_hex(out, k, b->rtmr[i], 48);
	}
	cima__json_hex(out, "tee_tcb_svn", b->tee_tcb_svn, 16);
	cima__json_hex(out, "mr_seam", b->mr_seam, 48);
	cima__json_hex(out, "td_attributes", b->td_attributes, 8);
	cima__json_hex(out, "xfam", b->xfam, 8);
	cima__json_hex(out, "mr_config_id", b->mr_config_id, 48);
	cima__json_hex(out, "mr_owner", b->mr_owner, 48);
	cima__json_hex(out, "mr_owner_config", b->mr_owner_config, 48);
	cima__json_hex(out, "body_report_data", b->report_data, 64);
}

int cima_report_dump_json(const struct cima_report *r, FILE *out)
{
	if (!r || !out)
		return cima__err(-EINVAL, "report json: NULL argument");
	fprintf(out, "{\"version\": 1, \"kind\": \"%s\", \"source\": \"%s\"",
		cima_report_kind_name(r->kind), r->source);
	cima__json_hex(out, "report_data", r->report_data, 64);
	cima__json_hex(out, "evidence", r->blob, r->blob_len);
	if (r->aux)
		cima__json_hex(out, "aux", r->aux, r->aux_len);
	if (r->has_snapshot) {
		fprintf(out, ", \"snapshot\": {\"version\": 1, \"count\": %llu, \"banks\": {",
			(unsigned long long)r->snap_count);
		for (unsigned int i = 0; i < r->snap_nbanks; i++) {
			fprintf(out, "%s\"%s\": \"", i ? ", " : "", cima_alg_name(r->snap_alg[i]));
			for (size_t k = 0; k < cima_alg_digest_size(r->snap_alg[i]); k++)
				fprintf(out, "%02x", r->snap_val[i][k]);
			fputc('"', out);
		}
		fprintf(out, "}}");
	}
	if (r->kind == CIMA_REPORT_TPM_QUOTE) {
		size_t ds = cima_alg_digest_size(r->pcr_alg), k = 0;

		cima__json_hex(out, "signature", r->sig, r->sig_len);
		cima__json_hex(out, "ak_public", r->akpub, r->akpub_len);
		fprintf(out, ", \"pcr_alg\": \"%s\", \"pcrs\": {", cima_alg_name(r->pcr_alg));
		for (int i = 0; i < 24 && ds; i++) {
			if (!(r->pcr_mask & (1u << i)) || (k + 1) * ds > r->pcrs_len)
				continue;
			fprintf(out, "%s\"%d\": \"", k ? ", " : "", i);
			for (size_t j = 0; j < ds; j++)
				fprintf(out, "%02x", r->pcrs[k * ds + j]);
			fputc('"', out);
			k++;
		}
		fputc('}', out);
	} else if (r->kind == CIMA_REPORT_TDX_QUOTE) {
		struct cima_tdx_quote q;

		if (!cima_tdx_quote_parse(r->blob, r->blob_len, &q)) {
			fprintf(out, ", \"quote_version\": %u", q.version);
			json_body(out, &q.body);
		}
	} else if (r->kind == CIMA_REPORT_TDX_TDREPORT) {
		struct cima_tdx_tdreport t;

		if (!cima_tdx_tdreport_parse(r->blob, r->blob_len, &t)) {
			fprintf(out, ", \"signed\": false");
			json_body(out, &t.body);
		}
	} else if (r->kind == CIMA_REPORT_SNP) {
		struct cima_snp_report s;

		if (!cima_snp_report_parse(r->blob, r->blob_len, &s)) {
			fprintf(out, ", \"report_version\": %u, \"policy\": %llu, \"vmpl\": %u",
				s.version, (unsigned long long)s.policy, s.vmpl);
			cima__json_hex(out, "measurement", s.measurement, 48);
			cima__json_hex(out, "host_data", s.host_data, 32);
			cima__json_hex(out, "chip_id", s.chip_id, 64);
			fprintf(out, ", \"current_tcb\": %llu, \"reported_tcb\": %llu, \"committed_tcb\": %llu, \"launch_tcb\": %llu",
				(unsigned long long)s.current_tcb,
				(unsigned long long)s.reported_tcb,
				(unsigned long long)s.committed_tcb,
				(unsigned long long)s.launch_tcb);
		}
	}
	fprintf(out, "}\n");
	return ferror(out) ? -EIO : 0;
}

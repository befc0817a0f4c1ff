// SPDX-License-Identifier: LGPL-2.1-or-later
/* Readable and JSON dumps of a report (cima_report_dump*()). */
#include <errno.h>
#include <tss2/tss2_mu.h>

#include "report_internal.h"

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
			(unsigned long long)r->snap.count);
		for (unsigned int i = 0; i < r->snap.v.nbanks; i++)
			cima__dump_hex(out, cima_alg_name(r->snap.v.alg[i]), r->snap.v.val[i],
				       cima_alg_digest_size(r->snap.v.alg[i]));
	}
	if (r->binding) {
		/* From the report broker: what the report data binds. */
		fprintf(out, "container: %s\nbroker binding (%zu bytes):\n%.*s",
			r->container, r->binding_len, (int)r->binding_len,
			(const char *)r->binding);
		if (r->binding_len && r->binding[r->binding_len - 1] != '\n')
			fputc('\n', out);
		fprintf(out, "container view: %zu bytes\n", r->view_len);
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
			(unsigned long long)r->snap.count);
		for (unsigned int i = 0; i < r->snap.v.nbanks; i++) {
			fprintf(out, "%s\"%s\": \"", i ? ", " : "", cima_alg_name(r->snap.v.alg[i]));
			for (size_t k = 0; k < cima_alg_digest_size(r->snap.v.alg[i]); k++)
				fprintf(out, "%02x", r->snap.v.val[i][k]);
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

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The evidence-snapshot protocol (include/cima/report.h, struct
 * cima_report_opts): read the module's snapshot (event count and register
 * values taken under its log lock), fold it into the report data, and make
 * sure the report shows the module's register at the snapshot's value, so
 * the report binds exactly "the first count events".
 *
 * The platform backend takes part only through the struct cima__quote_hook
 * it is given: refresh() takes the snapshot again right before each quote
 * attempt, check() holds the module's register to it.  A backend that
 * cannot check (one report per call) leaves the comparison to
 * cima__snapshot_end(), which fails with -EAGAIN when an event slipped in;
 * cima_get_cc_report() then takes both again.
 */
#include <errno.h>
#include <stdlib.h>
#include <openssl/evp.h>

#include <uapi/cima.h>

#include "report_internal.h"

static void put_le(EVP_MD_CTX *c, uint64_t v, int n)
{
	uint8_t b[8];

	for (int i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	EVP_DigestUpdate(c, b, (size_t)n);
}

/* The evidence-snapshot report data (see include/cima/report.h). */
static int snapshot_report_data(const struct cima__snapshot_ctx *c,
				const struct cima__sfs_snapshot *s, uint8_t *out)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int ok;

	if (!m || !EVP_DigestInit_ex(m, EVP_sha512(), NULL)) {
		EVP_MD_CTX_free(m);
		return cima__err(-ENOMEM, "report: SHA-512 failed");
	}
	EVP_DigestUpdate(m, CIMA_SNAPSHOT_DOMAIN, sizeof(CIMA_SNAPSHOT_DOMAIN));
	put_le(m, c->nonce_len, 8);
	if (c->nonce_len)
		EVP_DigestUpdate(m, c->nonce, c->nonce_len);
	put_le(m, c->data_len, 8);
	if (c->data_len)
		EVP_DigestUpdate(m, c->data, c->data_len);
	put_le(m, s->count, 8);
	put_le(m, s->v.nbanks, 4);
	for (unsigned int i = 0; i < s->v.nbanks; i++) {
		size_t ds = cima_alg_digest_size(s->v.alg[i]);

		put_le(m, s->v.alg[i], 2);
		put_le(m, ds, 2);
		EVP_DigestUpdate(m, s->v.val[i], ds);
	}
	ok = EVP_DigestFinal_ex(m, out, NULL);
	EVP_MD_CTX_free(m);
	return ok ? 0 : cima__err(-EIO, "report: SHA-512 failed");
}

/* Read the snapshot into the report and recompute @rd from it. */
static int take(struct cima__snapshot_ctx *c, uint8_t *rd)
{
	int ret = cima__sfs_read_snapshot(c->path, &c->r->snap);

	if (ret)
		return ret;
	c->r->has_snapshot = true;
	return snapshot_report_data(c, &c->r->snap, rd);
}

static int hook_refresh(void *ctx, uint8_t *rd)
{
	return take(ctx, rd);
}

/*
 * The module's register (a PCR) among the values the backend read: it must
 * be at the snapshot's value, else an event came in between.
 */
static int hook_check(void *ctx, uint16_t alg, uint32_t mask, const uint8_t *vals,
		      size_t size)
{
	struct cima__snapshot_ctx *c = ctx;
	const uint8_t *v;
	size_t k = 0;

	if (!c->have_hw || c->hw_tdx || c->hw_index > 23 ||
	    !(mask & (1u << c->hw_index)))
		return 0;
	v = cima__sfs_value(&c->r->snap.v, alg);
	if (!v)
		return 0;
	for (uint32_t i = 0; i < c->hw_index; i++)
		k += !!(mask & (1u << i));
	c->held = true;
	if (memcmp(vals + k * size, v, size))
		return cima__err(-EAGAIN, "tpm: cima events kept arriving between the snapshot and the quote");
	return 1;
}

/*
 * Which hardware register the module extends, from the register file
 * beside the snapshot file ("backend tpm|tdx", "index <n>").  None when
 * the module has none (the sim backend) or the file cannot be read.
 */
static void hw_register(struct cima__snapshot_ctx *c)
{
	struct cima__sfs_register reg;
	char path[4096], *slash;

	c->have_hw = false;
	snprintf(path, sizeof(path), "%s", c->path);
	slash = strrchr(path, '/');
	if (!slash || (size_t)(slash - path) + sizeof("/" CIMA_FILE_REGISTER) > sizeof(path))
		return;
	strcpy(slash, "/" CIMA_FILE_REGISTER);
	if (cima__sfs_read_register(path, &reg))
		return;
	if (strcmp(reg.backend, "tpm") && strcmp(reg.backend, "tdx"))
		return;
	c->have_hw = true;
	c->hw_tdx = !strcmp(reg.backend, "tdx");
	c->hw_index = reg.index;
}

int cima__snapshot_begin(struct cima__snapshot_ctx *c, struct cima_report *r,
			 struct cima__quote_hook *hook)
{
	int ret;

	c->r = r;
	c->held = false;
	ret = take(c, r->report_data);
	if (ret)
		return ret;
	hw_register(c);
	hook->refresh = hook_refresh;
	hook->check = hook_check;
	hook->ctx = c;
	return 0;
}

/*
 * The value the report shows for the module's register in bank @alg, or
 * NULL when the report does not cover it.
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

int cima__snapshot_end(struct cima__snapshot_ctx *c)
{
	const struct cima_report *r = c->r;
	struct cima_tdx_td_info body;

	/* The backend already held the register to the snapshot. */
	if (c->held || !c->have_hw)
		return 0;
	for (unsigned int i = 0; i < r->snap.v.nbanks; i++) {
		uint16_t alg = r->snap.v.alg[i];
		const uint8_t *v = quoted_value(r, c->hw_tdx, c->hw_index, alg, &body);

		if (v && memcmp(v, r->snap.v.val[i], cima_alg_digest_size(alg)))
			return cima__err(-EAGAIN, "report: the cima register (%s %u) moved "
					 "between the snapshot and the report",
					 c->hw_tdx ? "RTMR" : "PCR", c->hw_index);
	}
	return 0;
}

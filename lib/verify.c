// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Verification: replay a log and compare every register value with the
 * expected one, given or read live (the TPM's sysfs PCRs, the cima
 * module's register file, the TDX registers); and each event's digests
 * against its data.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/cima.h>

#include "eventlog_internal.h"
#include "securityfs.h"

/* One replayed value (cima_replay_entry()). */
struct replayed {
	uint32_t index;
	uint16_t alg;
	size_t len;
	const uint8_t *value;
};

struct mismatch {
	uint32_t index;
	uint16_t alg;
	uint16_t len;
	uint8_t replayed[CIMA_MAX_DIGEST_SIZE];
	uint8_t expected[CIMA_MAX_DIGEST_SIZE];
	bool equal;
	bool unavailable;
	bool sha1_strength;	/* IMA register of a bank IMA padded */
	char where[48];
};

struct cima_verify_result {
	struct mismatch *items;	/* every compared or skipped value */
	size_t n;
	size_t compared, mismatches, unavailable;
	char **bad;
	size_t nbad;
	uint16_t weak[CIMA_MAX_BANKS];	/* banks with SHA-1-strength registers */
	size_t nweak;
};

void cima_verify_result_free(struct cima_verify_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->nbad; i++)
		free(res->bad[i]);
	free(res->bad);
	free(res->items);
	free(res);
}

size_t cima_verify_compared(const struct cima_verify_result *res) { return res ? res->compared : 0; }
size_t cima_verify_mismatches(const struct cima_verify_result *res) { return res ? res->mismatches : 0; }
size_t cima_verify_unavailable(const struct cima_verify_result *res) { return res ? res->unavailable : 0; }
size_t cima_verify_bad_events(const struct cima_verify_result *res) { return res ? res->nbad : 0; }

const char *cima_verify_bad_event(const struct cima_verify_result *res, size_t i)
{
	return res && i < res->nbad ? res->bad[i] : NULL;
}

int cima_verify_mismatch(const struct cima_verify_result *res, size_t i,
			 uint32_t *index, uint16_t *alg, const uint8_t **replayed,
			 const uint8_t **expected, size_t *len)
{
	size_t k = 0;

	for (size_t j = 0; res && j < res->n; j++) {
		const struct mismatch *m = &res->items[j];

		if (m->equal || m->unavailable || k++ != i)
			continue;
		if (index)
			*index = m->index;
		if (alg)
			*alg = m->alg;
		if (replayed)
			*replayed = m->replayed;
		if (expected)
			*expected = m->expected;
		if (len)
			*len = m->len;
		return 0;
	}
	return -ERANGE;
}

int cima_verify_sha1_strength(const struct cima_verify_result *res, uint16_t *algs,
			      size_t max)
{
	if (!res || (!algs && max))
		return cima__err(-EINVAL, "verify: NULL argument");
	for (size_t i = 0; i < res->nweak && i < max; i++)
		algs[i] = res->weak[i];
	return (int)res->nweak;
}

static void add_weak(struct cima_verify_result *res, uint16_t alg)
{
	for (size_t i = 0; i < res->nweak; i++)
		if (res->weak[i] == alg)
			return;
	if (res->nweak < CIMA_MAX_BANKS)
		res->weak[res->nweak++] = alg;
}

int cima_verify_dump(const struct cima_verify_result *res, FILE *out)
{
	char a[2 * CIMA_MAX_DIGEST_SIZE + 1], b[2 * CIMA_MAX_DIGEST_SIZE + 1];

	if (!res || !out)
		return -EINVAL;
	for (size_t i = 0; i < res->n; i++) {
		const struct mismatch *m = &res->items[i];
		const char *alg = cima_alg_name(m->alg) ? cima_alg_name(m->alg) : "?";

		cima__hex(m->replayed, m->len, a);
		if (m->unavailable) {
			fprintf(out, "index %u %s: replayed %s, no live value (skipped)\n",
				m->index, alg, a);
			continue;
		}
		cima__hex(m->expected, m->len, b);
		if (m->equal)
			fprintf(out, "index %u %s: ok %s (%s)%s\n", m->index, alg, a, m->where,
				m->sha1_strength ? ", SHA-1 strength" : "");
		else
			fprintf(out, "index %u %s: MISMATCH replayed %s, %s %s\n",
				m->index, alg, a, m->where, b);
	}
	for (size_t i = 0; i < res->nbad; i++)
		fprintf(out, "%s\n", res->bad[i]);
	for (size_t i = 0; i < res->nweak; i++)
		fprintf(out, "bank %s: IMA extended it with zero-padded SHA-1 template digests: its IMA registers have SHA-1 strength\n",
			cima_alg_name(res->weak[i]) ? cima_alg_name(res->weak[i]) : "?");
	return ferror(out) ? -EIO : 0;
}

static int add_bad(struct cima_verify_result *res, const char *msg)
{
	char **tmp = realloc(res->bad, (res->nbad + 1) * sizeof(*tmp));

	if (!tmp)
		return -ENOMEM;
	res->bad = tmp;
	res->bad[res->nbad] = strdup(msg);
	if (!res->bad[res->nbad])
		return -ENOMEM;
	res->nbad++;
	return 0;
}

int cima_verify_eventlog(const struct cima_eventlog *log,
			 const struct cima_verify_opts *opts,
			 struct cima_verify_result **resp)
{
	struct cima_verify_opts o;
	struct cima__sfs_register rf;
	struct cima_verify_result *res;
	struct cima_replay *r = NULL, *padded = NULL;
	uint16_t rpad[CIMA_MAX_BANKS];
	uint64_t ima_idx = 0;
	int nrpad = 0;
	bool have_rf = false;
	size_t nregs;
	int tdx = -1;
	char first[256] = "";
	int ret = 0;

	if (resp)
		*resp = NULL;
	if (!log)
		return cima__err(-EINVAL, "NULL event log");
	ret = CIMA_OPTS_LOAD(cima_verify_opts, opts, &o);
	if (ret)
		return ret;
	res = calloc(1, sizeof(*res));
	if (!res)
		return cima__err(-ENOMEM, "out of memory");
	r = cima_replay_cc_eventlog(log);
	if (!r) {
		ret = -errno;
		goto out;
	}
	nrpad = cima_replay_ima_padded(r, rpad, ARRAY_SIZE(rpad));
	for (size_t i = 0; i < log->n; i++)
		if (log->ev[i].source == CIMA_SOURCE_IMA && log->ev[i].index < 64)
			ima_idx |= 1ull << log->ev[i].index;
	if (log->sources & (1u << CIMA_SOURCE_IMA)) {
		CIMA_OPTS(cima_replay_opts, po, .ima_sha1_padded = true);

		padded = cima_replay_eventlog(log, &po);
		if (!padded) {
			ret = -errno;
			goto out;
		}
	}
	nregs = cima_replay_count(r);
	res->items = calloc(nregs ? nregs : 1, sizeof(*res->items));
	if (!res->items) {
		ret = cima__err(-ENOMEM, "out of memory");
		goto out;
	}
	if (!o.expected && (log->sources & (1u << CIMA_SOURCE_CIMA)) &&
	    !cima__sfs_read_register(o.cima_register ? o.cima_register :
				     CIMA_FS_ROOT "/" CIMA_FILE_REGISTER, &rf))
		have_rf = true;

	for (size_t i = 0; i < nregs; i++) {
		struct mismatch *m = &res->items[res->n++];
		struct replayed gv, *g = &gv;
		const uint8_t *v = NULL;
		size_t len = 0;

		cima_replay_entry(r, i, &gv.index, &gv.alg, &gv.value, &gv.len);
		m->index = g->index;
		m->alg = g->alg;
		m->len = (uint16_t)g->len;
		memcpy(m->replayed, g->value, g->len);
		if (o.expected) {
			v = cima_replay_value(o.expected, g->index, g->alg, &len);
			snprintf(m->where, sizeof(m->where), "expected");
		} else if (have_rf && !strcmp(rf.backend, "sim") && g->index == rf.index) {
			v = cima__sfs_value(&rf.v, g->alg);
			len = v ? cima_alg_digest_size(g->alg) : 0;
			snprintf(m->where, sizeof(m->where), "cima register");
		} else if (log->cc) {
			/* CC log: RTMRs / MRTD from the platform (TDX only). */
			if (tdx < 0)
				tdx = cima_detect_platform(NULL) == CIMA_PLATFORM_TDX;
			if (tdx) {
				int n = cima_get_cc_measurement((int)g->index, g->alg,
								m->expected, NULL);
				if (n > 0) {
					v = m->expected;
					len = (size_t)n;
				}
			}
			snprintf(m->where, sizeof(m->where), "tdx register");
		} else {
			int n = cima_read_tpm_pcr(o.tpm_sysfs, g->index, g->alg,
						  m->expected, sizeof(m->expected));
			if (n > 0) {
				v = m->expected;
				len = (size_t)n;
			}
			snprintf(m->where, sizeof(m->where), "tpm pcr");
		}
		if (!v || len != g->len) {
			m->unavailable = true;
			res->unavailable++;
			continue;
		}
		memmove(m->expected, v, len);
		res->compared++;
		m->equal = !memcmp(m->expected, m->replayed, len);
		if (!m->equal && padded) {
			const uint8_t *pv = cima_replay_value(padded, g->index, g->alg, NULL);

			if (pv && !memcmp(m->expected, pv, len)) {
				m->equal = true;
				memcpy(m->replayed, pv, len);
				char w[sizeof(m->where)];

				memcpy(w, m->where, sizeof(w));
				snprintf(m->where, sizeof(m->where), "%.15s, IMA sha1-padded", w);
				m->sha1_strength = true;
			}
		}
		for (int k = 0; k < nrpad; k++)
			if (m->equal && rpad[k] == g->alg && g->index < 64 &&
			    (ima_idx & (1ull << g->index)))
				m->sha1_strength = true;
		if (m->sha1_strength)
			add_weak(res, g->alg);
		if (!m->equal) {
			res->mismatches++;
			if (!*first)
				snprintf(first, sizeof(first), "index %u %s: replayed value differs from the %s",
					 g->index, cima_alg_name(g->alg), m->where);
		}
	}
	if (!o.no_event_check) {
		for (size_t i = 0; i < log->n; i++) {
			int err = cima_event_check(&log->ev[i]);

			if (err == -EBADMSG) {
				if (!*first)
					snprintf(first, sizeof(first), "%s", cima_strerror_last());
				if (add_bad(res, cima_strerror_last())) {
					ret = cima__err(-ENOMEM, "out of memory");
					goto out;
				}
			} else if (err) {
				ret = err;
				goto out;
			}
		}
	}
	if (res->mismatches || res->nbad)
		ret = cima__err(-EBADMSG, "%s (%zu register mismatches, %zu bad events)",
				first, res->mismatches, res->nbad);
	else if (!res->compared)
		ret = cima__err(-ENODATA, "no replayed register has a live or expected value to compare with");
out:
	cima_replay_free(r);
	cima_replay_free(padded);
	if (resp && (ret == 0 || ret == -EBADMSG))
		*resp = res;
	else
		cima_verify_result_free(res);
	return ret;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Replay of event lists into register values, and verification. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/cima.h>

#include "eventlog_internal.h"

struct reg {
	uint32_t index;
	uint16_t alg;
	uint16_t len;
	uint8_t value[CIMA_MAX_DIGEST_SIZE];
};

#define DIRECT_INDEXES 64

struct cima_replay {
	struct reg *regs;
	size_t n, cap;
	/* regs slot + 1 for (index < 64, bank slot); 0 = none yet. */
	uint32_t direct[DIRECT_INDEXES][CIMA_MAX_BANKS];
	uint16_t banks[CIMA_MAX_BANKS];
	size_t nbanks;
};

struct cima_replay *cima_replay_new(void)
{
	struct cima_replay *r = calloc(1, sizeof(*r));

	if (!r) {
		cima__err(-ENOMEM, "out of memory");
		errno = ENOMEM;
	}
	return r;
}

void cima_replay_free(struct cima_replay *r)
{
	if (!r)
		return;
	free(r->regs);
	free(r);
}

static int bank_slot(struct cima_replay *r, uint16_t alg)
{
	for (size_t i = 0; i < r->nbanks; i++)
		if (r->banks[i] == alg)
			return (int)i;
	if (r->nbanks == CIMA_MAX_BANKS)
		return -1;
	r->banks[r->nbanks] = alg;
	return (int)r->nbanks++;
}

static struct reg *find_reg(const struct cima_replay *r, uint32_t index, uint16_t alg)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->regs[i].index == index && r->regs[i].alg == alg)
			return &r->regs[i];
	return NULL;
}

/* The register (@index, bank @slot), created with @init when new. */
static struct reg *get_reg(struct cima_replay *r, uint32_t index, int slot,
			   uint8_t init_last)
{
	uint16_t alg = r->banks[slot];
	struct reg *g;

	if (index < DIRECT_INDEXES && r->direct[index][slot])
		return &r->regs[r->direct[index][slot] - 1];
	if (index >= DIRECT_INDEXES && (g = find_reg(r, index, alg)))
		return g;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct reg *tmp = realloc(r->regs, cap * sizeof(*tmp));

		if (!tmp)
			return NULL;
		r->regs = tmp;
		r->cap = cap;
	}
	g = &r->regs[r->n++];
	memset(g, 0, sizeof(*g));
	g->index = index;
	g->alg = alg;
	g->len = (uint16_t)cima_alg_digest_size(alg);
	if (g->len)
		g->value[g->len - 1] = init_last;
	if (index < DIRECT_INDEXES)
		r->direct[index][slot] = (uint32_t)r->n;
	return g;
}

int cima_replay_set(struct cima_replay *r, uint32_t index, uint16_t alg,
		    const uint8_t *value, size_t len)
{
	struct reg *g;
	int slot;

	if (!r || !value || !len || len != cima_alg_digest_size(alg))
		return cima__err(-EINVAL, "register %u: value of %zu bytes for algorithm 0x%04x",
				 index, len, alg);
	slot = bank_slot(r, alg);
	if (slot < 0)
		return cima__err(-E2BIG, "more than %d banks", CIMA_MAX_BANKS);
	g = get_reg(r, index, slot, 0);
	if (!g)
		return cima__err(-ENOMEM, "out of memory");
	memcpy(g->value, value, len);
	return 0;
}

static bool container_event(const struct cima_event *ev, const char *id)
{
	const uint8_t *p = ev->data, *end = ev->data + ev->data_len;
	size_t idlen = strlen(id);

	/* "cima/1 <kind> id=<cid> ..." : the id is the third word. */
	for (int word = 0; word < 2; word++) {
		p = memchr(p, ' ', (size_t)(end - p));
		if (!p)
			return false;
		p++;
	}
	return (size_t)(end - p) >= 3 + idlen && !memcmp(p, "id=", 3) &&
	       !memcmp(p + 3, id, idlen) &&
	       (p + 3 + idlen == end || p[3 + idlen] == ' ');
}

static int replay_event(struct cima_replay *r, const struct cima_eventlog *log,
			const struct cima_event *ev, bool sha1_padded)
{
	uint8_t md[CIMA_MAX_DIGEST_SIZE];

	for (size_t b = 0; b < r->nbanks; b++) {
		uint16_t alg = r->banks[b];
		const uint8_t *d = NULL;
		uint8_t init = 0;
		struct reg *g;
		int ret;

		if (ev->source == CIMA_SOURCE_IMA) {
			if (ev->flags & EVF_VIOLATION) {
				memset(md, 0xff, sizeof(md));
			} else if (alg == ev->alg[0]) {
				memcpy(md, ev->dig[0], ev->dlen[0]);
			} else if (sha1_padded) {
				memset(md, 0, sizeof(md));
				if (ev->alg[0] == CIMA_ALG_SHA1)
					memcpy(md, ev->dig[0], IMA_DIGEST_SIZE);
				else if ((ret = cima__ima_template_hash(ev, CIMA_ALG_SHA1, md)) < 0)
					return ret;
			} else {
				ret = cima__ima_template_hash(ev, alg, md);
				if (ret < 0)
					return ret;
			}
			d = md;
		} else {
			for (size_t i = 0; i < ev->ndig; i++)
				if (ev->alg[i] == alg)
					d = ev->dig[i];
			if (!d)
				return cima__err(-EBADMSG, "event %zu (%s, index %u, offset %zu): no %s digest to replay",
						 ev->number, cima_source_name(ev->source),
						 ev->index, ev->offset, cima_alg_name(alg));
		}
		if (ev->source == CIMA_SOURCE_FIRMWARE && ev->index == 0 &&
		    log->locality >= 0)
			init = (uint8_t)log->locality;
		g = get_reg(r, ev->index, (int)b, init);
		if (!g)
			return cima__err(-ENOMEM, "out of memory");
		ret = cima__extend(alg, g->value, d);
		if (ret)
			return ret;
	}
	return 0;
}

static int cmp_reg(const void *a, const void *b)
{
	const struct reg *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return (x->alg > y->alg) - (x->alg < y->alg);
}

static void sort_regs(struct cima_replay *r)
{
	if (r->n)
		qsort(r->regs, r->n, sizeof(*r->regs), cmp_reg);
	memset(r->direct, 0, sizeof(r->direct));
	for (size_t i = 0; i < r->n; i++) {
		int slot = -1;

		for (size_t b = 0; b < r->nbanks; b++)
			if (r->banks[b] == r->regs[i].alg)
				slot = (int)b;
		if (r->regs[i].index < DIRECT_INDEXES && slot >= 0)
			r->direct[r->regs[i].index][slot] = (uint32_t)i + 1;
	}
}

struct cima_replay *cima_replay_eventlog(const struct cima_eventlog *log,
					 const struct cima_replay_opts *opts)
{
	static const uint16_t ima_default[] = { CIMA_ALG_SHA1, CIMA_ALG_SHA256,
						CIMA_ALG_SHA384, CIMA_ALG_SHA512 };
	struct cima_replay_opts o = { 0 };
	const uint16_t *banks;
	struct cima_replay *r;
	size_t nbanks;
	int ret = 0;

	if (!log) {
		cima__err(-EINVAL, "NULL event log");
		errno = EINVAL;
		return NULL;
	}
	if (opts)
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	r = cima_replay_new();
	if (!r)
		return NULL;
	if (o.banks && o.nbanks) {
		banks = o.banks;
		nbanks = o.nbanks;
	} else if (log->sources & ~(1u << CIMA_SOURCE_IMA)) {
		banks = log->banks;
		nbanks = log->nbanks;
	} else {
		banks = ima_default;
		nbanks = ARRAY_SIZE(ima_default);
	}
	for (size_t i = 0; i < nbanks; i++) {
		if (!cima__md(banks[i])) {
			if (o.banks && o.nbanks) {
				ret = cima__err(-EOPNOTSUPP, "cannot replay bank 0x%04x: unknown hash algorithm",
						banks[i]);
				goto fail;
			}
			cima__log(CIMA_LOG_WARN, "skipping bank 0x%04x: unknown hash algorithm",
				  banks[i]);
			continue;
		}
		if (bank_slot(r, banks[i]) < 0) {
			ret = cima__err(-E2BIG, "more than %d banks", CIMA_MAX_BANKS);
			goto fail;
		}
	}
	if (!r->nbanks) {
		ret = cima__err(-EOPNOTSUPP, "no bank of this log uses a known hash algorithm");
		goto fail;
	}
	for (size_t i = 0; i < log->n; i++) {
		const struct cima_event *ev = &log->ev[i];

		if (!(ev->flags & EVF_MEASURED))
			continue;
		if (o.container && (ev->source != CIMA_SOURCE_CIMA ||
				    !container_event(ev, o.container)))
			continue;
		ret = replay_event(r, log, ev, o.ima_sha1_padded);
		if (ret)
			goto fail;
	}
	sort_regs(r);
	return r;
fail:
	cima_replay_free(r);
	errno = -ret;
	return NULL;
}

struct cima_replay *cima_replay_cc_eventlog(const struct cima_eventlog *log)
{
	return cima_replay_eventlog(log, NULL);
}

size_t cima_replay_count(const struct cima_replay *r)
{
	return r ? r->n : 0;
}

int cima_replay_entry(const struct cima_replay *r, size_t i, uint32_t *index,
		      uint16_t *alg, const uint8_t **value, size_t *len)
{
	if (!r || i >= r->n)
		return -ERANGE;
	if (index)
		*index = r->regs[i].index;
	if (alg)
		*alg = r->regs[i].alg;
	if (value)
		*value = r->regs[i].value;
	if (len)
		*len = r->regs[i].len;
	return 0;
}

const uint8_t *cima_replay_value(const struct cima_replay *r, uint32_t index,
				 uint16_t alg, size_t *len)
{
	const struct reg *g = r ? find_reg(r, index, alg) : NULL;

	if (!g) {
		errno = ENOENT;
		return NULL;
	}
	if (len)
		*len = g->len;
	return g->value;
}

int cima_replay_dump(const struct cima_replay *r, FILE *out)
{
	char hex[2 * CIMA_MAX_DIGEST_SIZE + 1];

	if (!r || !out)
		return -EINVAL;
	for (size_t i = 0; i < r->n; i++) {
		const struct reg *g = &r->regs[i];
		const char *name = cima_alg_name(g->alg);

		cima__hex(g->value, g->len, hex);
		if (name)
			fprintf(out, "%u %s %s\n", g->index, name, hex);
		else
			fprintf(out, "%u 0x%04x %s\n", g->index, g->alg, hex);
	}
	return ferror(out) ? -EIO : 0;
}

int cima_replay_dump_json(const struct cima_replay *r, FILE *out)
{
	char hex[2 * CIMA_MAX_DIGEST_SIZE + 1];
	bool first_idx = true;

	if (!r || !out)
		return -EINVAL;
	fprintf(out, "{\"version\":1,\"registers\":{");
	for (size_t i = 0; i < r->n; i++) {
		const struct reg *g = &r->regs[i];
		bool new_idx = i == 0 || r->regs[i - 1].index != g->index;

		if (new_idx) {
			fprintf(out, "%s\"%u\":{", first_idx ? "" : "},", g->index);
			first_idx = false;
		} else {
			fputc(',', out);
		}
		cima__hex(g->value, g->len, hex);
		fprintf(out, "\"%s\":\"%s\"", cima_alg_name(g->alg) ? cima_alg_name(g->alg) : "unknown", hex);
	}
	fprintf(out, "%s}}\n", r->n ? "}" : "");
	return ferror(out) ? -EIO : 0;
}

/* --- live values --- */

int cima_read_tpm_pcr(const char *tpm_sysfs, uint32_t index, uint16_t alg,
		      uint8_t *out, size_t max)
{
	char path[512], text[2 * CIMA_MAX_DIGEST_SIZE + 4];
	const char *name = cima_alg_name(alg);
	size_t n = cima_alg_digest_size(alg), tl;
	FILE *f;

	if (!name || !n || n > max)
		return cima__err(-EINVAL, "PCR %u: unsupported bank 0x%04x", index, alg);
	if (alg == CIMA_ALG_SM3_256)
		name = "sm3";
	snprintf(path, sizeof(path), "%s/pcr-%s/%u",
		 tpm_sysfs ? tpm_sysfs : CIMA_PATH_TPM_PCRS, name, index);
	f = fopen(path, "re");
	if (!f)
		return cima__err(-errno, "%s: %s", path, strerror(errno));
	if (!fgets(text, sizeof(text), f)) {
		fclose(f);
		return cima__err(-EIO, "%s: empty", path);
	}
	fclose(f);
	tl = strcspn(text, "\n");
	if (cima__unhex(text, tl, out, n))
		return cima__err(-EBADMSG, "%s: not %zu bytes of hex", path, n);
	return (int)n;
}

/* The cima module's register file: backend, index, "<alg> <hex>" lines. */
struct cima_reg_file {
	char backend[160];
	uint32_t index;
	struct cima_replay *values;
};

static int read_register_file(const char *path, struct cima_reg_file *rf)
{
	char line[256];
	FILE *f = fopen(path, "re");
	int ret = 0;

	if (!f)
		return -errno;
	rf->values = cima_replay_new();
	if (!rf->values) {
		fclose(f);
		return -ENOMEM;
	}
	rf->index = UINT32_MAX;
	while (fgets(line, sizeof(line), f)) {
		char key[32], val[160];
		uint8_t v[CIMA_MAX_DIGEST_SIZE];
		int alg;

		if (sscanf(line, "%31s %159s", key, val) != 2)
			continue;
		if (!strcmp(key, "backend")) {
			snprintf(rf->backend, sizeof(rf->backend), "%s", val);
		} else if (!strcmp(key, "index")) {
			rf->index = (uint32_t)strtoul(val, NULL, 10);
		} else if ((alg = cima_alg_from_name(key)) > 0) {
			size_t n = cima_alg_digest_size((uint16_t)alg);

			if (cima__unhex(val, strlen(val), v, n)) {
				ret = cima__err(-EBADMSG, "%s: bad %s value", path, key);
				break;
			}
			ret = cima_replay_set(rf->values, rf->index, (uint16_t)alg, v, n);
			if (ret)
				break;
		}
	}
	fclose(f);
	if (!ret && rf->index == UINT32_MAX)
		ret = cima__err(-EBADMSG, "%s: no index line", path);
	if (ret) {
		cima_replay_free(rf->values);
		rf->values = NULL;
	}
	return ret;
}

struct mismatch {
	uint32_t index;
	uint16_t alg;
	uint16_t len;
	uint8_t replayed[CIMA_MAX_DIGEST_SIZE];
	uint8_t expected[CIMA_MAX_DIGEST_SIZE];
	bool equal;
	bool unavailable;
	char where[48];
};

struct cima_verify_result {
	struct mismatch *items;	/* every compared or skipped value */
	size_t n;
	size_t compared, mismatches, unavailable;
	char **bad;
	size_t nbad;
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
			fprintf(out, "index %u %s: ok %s (%s)\n", m->index, alg, a, m->where);
		else
			fprintf(out, "index %u %s: MISMATCH replayed %s, %s %s\n",
				m->index, alg, a, m->where, b);
	}
	for (size_t i = 0; i < res->nbad; i++)
		fprintf(out, "%s\n", res->bad[i]);
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
	struct cima_verify_opts o = { 0 };
	struct cima_reg_file rf = { 0 };
	struct cima_verify_result *res;
	struct cima_replay *r = NULL, *padded = NULL;
	bool have_rf = false;
	int tdx = -1;
	char first[256] = "";
	int ret = 0;

	if (resp)
		*resp = NULL;
	if (!log)
		return cima__err(-EINVAL, "NULL event log");
	if (opts)
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	res = calloc(1, sizeof(*res));
	if (!res)
		return cima__err(-ENOMEM, "out of memory");
	r = cima_replay_cc_eventlog(log);
	if (!r) {
		ret = -errno;
		goto out;
	}
	if (log->sources & (1u << CIMA_SOURCE_IMA)) {
		CIMA_OPTS(cima_replay_opts, po, .ima_sha1_padded = true);

		padded = cima_replay_eventlog(log, &po);
		if (!padded) {
			ret = -errno;
			goto out;
		}
	}
	res->items = calloc(r->n ? r->n : 1, sizeof(*res->items));
	if (!res->items) {
		ret = cima__err(-ENOMEM, "out of memory");
		goto out;
	}
	if (!o.expected && (log->sources & (1u << CIMA_SOURCE_CIMA)) &&
	    !read_register_file(o.cima_register ? o.cima_register :
				CIMA_FS_ROOT "/" CIMA_FILE_REGISTER, &rf))
		have_rf = true;

	for (size_t i = 0; i < r->n; i++) {
		const struct reg *g = &r->regs[i];
		struct mismatch *m = &res->items[res->n++];
		const uint8_t *v = NULL;
		size_t len = 0;

		m->index = g->index;
		m->alg = g->alg;
		m->len = g->len;
		memcpy(m->replayed, g->value, g->len);
		if (o.expected) {
			v = cima_replay_value(o.expected, g->index, g->alg, &len);
			snprintf(m->where, sizeof(m->where), "expected");
		} else if (have_rf && !strcmp(rf.backend, "sim") && g->index == rf.index) {
			v = cima_replay_value(rf.values, g->index, g->alg, &len);
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
			}
		}
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
	cima_replay_free(rf.values);
	if (resp && (ret == 0 || ret == -EBADMSG))
		*resp = res;
	else
		cima_verify_result_free(res);
	return ret;
}

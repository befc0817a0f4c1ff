// SPDX-License-Identifier: LGPL-2.1-or-later
/* Replay of event lists into register values (verification: lib/verify.c). */
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
	/* Banks IMA extended with zero-padded SHA-1 template digests. */
	uint16_t ima_padded[CIMA_MAX_BANKS];
	size_t nima_padded;
};

struct cima_replay *cima_replay_new(void)
{
	struct cima_replay *r = calloc(1, sizeof(*r));

	if (!r)
		return cima__err_ptr(-ENOMEM, "out of memory");
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
			const struct cima_event *ev, uint32_t padded_slots)
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
			} else if (padded_slots & (1u << b)) {
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
			/*
			 * An event that carries only some of the log's banks
			 * (Windows measured-boot logs do this) extends only
			 * those: the others are left as they are.
			 */
			if (!d)
				continue;
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

/* Replay @log into @r (banks set up) with IMA padding in @padded_slots. */
static int replay_log(struct cima_replay *r, const struct cima_eventlog *log,
		      const char *container, uint32_t padded_slots)
{
	for (size_t i = 0; i < log->n; i++) {
		const struct cima_event *ev = &log->ev[i];
		int ret;

		if (!(ev->flags & EVF_MEASURED))
			continue;
		if (container && (ev->source != CIMA_SOURCE_CIMA ||
				  !container_event(ev, container)))
			continue;
		ret = replay_event(r, log, ev, padded_slots);
		if (ret)
			return ret;
	}
	sort_regs(r);
	return 0;
}

/*
 * A cima event whose digest in bank @alg is another of its digests
 * zero-padded: the kernel had no @alg implementation when the cima module
 * started, so it had none earlier, when IMA started, either.
 */
static bool cima_shows_padded(const struct cima_eventlog *log, uint16_t alg)
{
	static const uint8_t zero[CIMA_MAX_DIGEST_SIZE];

	for (size_t i = 0; i < log->n; i++) {
		const struct cima_event *ev = &log->ev[i];

		if (ev->source != CIMA_SOURCE_CIMA || !(ev->flags & EVF_MEASURED))
			continue;
		for (size_t b = 0; b < ev->ndig; b++) {
			if (ev->alg[b] != alg)
				continue;
			for (size_t a = 0; a < ev->ndig; a++)
				if (ev->dlen[a] < ev->dlen[b] &&
				    !memcmp(ev->dig[a], ev->dig[b], ev->dlen[a]) &&
				    !memcmp(ev->dig[b] + ev->dlen[a], zero,
					    ev->dlen[b] - ev->dlen[a]))
					return true;
		}
	}
	return false;
}

/*
 * How did the kernel extend IMA's bank @slot: 1 zero-padded SHA-1, 0 its
 * own hash, -1 the live registers do not say.  Every register IMA extends
 * must equal one replay and differ from the other.
 */
static int live_says_padded(const struct cima_replay *hashed,
			    const struct cima_replay *padded,
			    const struct cima_eventlog *log, uint16_t alg)
{
	uint64_t seen = 0;
	int verdict = -1;

	for (size_t i = 0; i < log->n; i++) {
		const struct cima_event *ev = &log->ev[i];
		uint8_t live[CIMA_MAX_DIGEST_SIZE];
		const uint8_t *h, *p;
		size_t len;
		int n, v;

		if (ev->source != CIMA_SOURCE_IMA || !(ev->flags & EVF_MEASURED) ||
		    ev->index >= 64 || (seen & (1ull << ev->index)))
			continue;
		seen |= 1ull << ev->index;
		h = cima_replay_value(hashed, ev->index, alg, &len);
		p = cima_replay_value(padded, ev->index, alg, NULL);
		n = cima_read_tpm_pcr(NULL, ev->index, alg, live, sizeof(live));
		if (!h || !p || n != (int)len)
			return -1;
		if (!memcmp(live, p, len) && memcmp(live, h, len))
			v = 1;
		else if (!memcmp(live, h, len) && memcmp(live, p, len))
			v = 0;
		else
			return -1;
		if (verdict >= 0 && v != verdict)
			return -1;
		verdict = v;
	}
	return verdict;
}

/*
 * Which banks IMA padded, when nobody said: a bank is a candidate when the
 * log's IMA digests are in another algorithm than it and it is not SHA-1.
 * The live registers decide when the log was read whole from the live
 * files; else a cima event of the same log showing the bank padded.
 */
static int detect_ima_padding(struct cima_replay *r, const struct cima_eventlog *log,
			      uint32_t *slots)
{
	struct cima_replay *padded = NULL;
	uint32_t cand = 0;
	int ret = 0;

	*slots = 0;
	for (size_t i = 0; i < log->n; i++) {
		const struct cima_event *ev = &log->ev[i];

		if (ev->source != CIMA_SOURCE_IMA || !(ev->flags & EVF_MEASURED))
			continue;
		for (size_t b = 0; b < r->nbanks; b++)
			if (r->banks[b] != CIMA_ALG_SHA1 && r->banks[b] != ev->alg[0])
				cand |= 1u << b;
	}
	if (!cand)
		return 0;
	if (log->live && !log->cc) {
		struct cima_replay *hashed = cima_replay_new();

		padded = cima_replay_new();
		if (!hashed || !padded) {
			cima_replay_free(hashed);
			cima_replay_free(padded);
			return -ENOMEM;
		}
		memcpy(hashed->banks, r->banks, sizeof(r->banks));
		memcpy(padded->banks, r->banks, sizeof(r->banks));
		hashed->nbanks = padded->nbanks = r->nbanks;
		ret = replay_log(hashed, log, NULL, 0);
		if (!ret)
			ret = replay_log(padded, log, NULL, cand);
		for (size_t b = 0; !ret && b < r->nbanks; b++) {
			if (!(cand & (1u << b)))
				continue;
			switch (live_says_padded(hashed, padded, log, r->banks[b])) {
			case 1:
				*slots |= 1u << b;
				/* fall through */
			case 0:
				cand &= ~(1u << b);
			}
		}
		cima_replay_free(hashed);
		cima_replay_free(padded);
		if (ret)
			return ret;
	}
	for (size_t b = 0; b < r->nbanks; b++)
		if ((cand & (1u << b)) && cima_shows_padded(log, r->banks[b]))
			*slots |= 1u << b;
	return 0;
}

struct cima_replay *cima_replay_eventlog(const struct cima_eventlog *log,
					 const struct cima_replay_opts *opts)
{
	static const uint16_t ima_default[] = { CIMA_ALG_SHA1, CIMA_ALG_SHA256,
						CIMA_ALG_SHA384, CIMA_ALG_SHA512 };
	struct cima_replay_opts o;
	const uint16_t *banks;
	struct cima_replay *r;
	uint32_t padded = 0;
	size_t nbanks;
	int ret = 0;

	if (!log)
		return cima__err_ptr(-EINVAL, "NULL event log");
	ret = CIMA_OPTS_LOAD(cima_replay_opts, opts, &o);
	if (ret) {
		errno = -ret;
		return NULL;
	}
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
	if (o.ima_sha1_padded) {
		padded = (1u << r->nbanks) - 1;
	} else if (!o.container && (log->sources & (1u << CIMA_SOURCE_IMA))) {
		ret = detect_ima_padding(r, log, &padded);
		if (ret)
			goto fail;
	}
	ret = replay_log(r, log, o.container, padded);
	if (ret)
		goto fail;
	for (size_t b = 0; b < r->nbanks; b++)
		if ((padded & (1u << b)) && r->banks[b] != CIMA_ALG_SHA1)
			r->ima_padded[r->nima_padded++] = r->banks[b];
	return r;
fail:
	cima_replay_free(r);
	errno = -ret;
	return NULL;
}

int cima_replay_ima_padded(const struct cima_replay *r, uint16_t *algs, size_t max)
{
	if (!r || (!algs && max))
		return cima__err(-EINVAL, "replay: NULL argument");
	for (size_t i = 0; i < r->nima_padded && i < max; i++)
		algs[i] = r->ima_padded[i];
	return (int)r->nima_padded;
}

int cima__replay_note_ima_padded(struct cima_replay *r, uint16_t alg)
{
	for (size_t i = 0; i < r->nima_padded; i++)
		if (r->ima_padded[i] == alg)
			return 0;
	if (r->nima_padded == CIMA_MAX_BANKS)
		return cima__err(-E2BIG, "more than %d banks", CIMA_MAX_BANKS);
	r->ima_padded[r->nima_padded++] = alg;
	return 0;
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

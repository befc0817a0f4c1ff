// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The event-list object: the builder the parsers (lib/tcg.c, lib/ima.c)
 * append to, merging and slicing lists, and accessors.  Reading bytes and
 * files: lib/eventlog_open.c; per-event checks: lib/event_check.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <uapi/cima.h>

#include "eventlog_internal.h"

static const char *const source_names[] = {
	[CIMA_SOURCE_ALL] = "all",
	[CIMA_SOURCE_FIRMWARE] = "firmware",
	[CIMA_SOURCE_CCEL] = "ccel",
	[CIMA_SOURCE_IMA] = "ima",
	[CIMA_SOURCE_CIMA] = "cima",
};

const char *cima_source_name(int source)
{
	if (source < 0 || source >= (int)ARRAY_SIZE(source_names))
		return NULL;
	return source_names[source];
}

int cima_source_from_name(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(source_names); i++)
		if (!strcasecmp(name, source_names[i]))
			return (int)i;
	return -EINVAL;
}

struct cima_eventlog *cima__eventlog_new(void)
{
	struct cima_eventlog *log = calloc(1, sizeof(*log));

	if (!log)
		return cima__err_ptr(-ENOMEM, "out of memory");
	log->locality = -1;
	return log;
}

void cima_eventlog_free(struct cima_eventlog *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->nbufs; i++)
		free(log->bufs[i]);
	free(log->bufs);
	for (size_t i = 0; i < log->nnames; i++)
		free(log->names[i]);
	free(log->names);
	free(log->ev);
	free(log);
}

struct cima_event *cima__eventlog_add(struct cima_eventlog *log)
{
	struct cima_event *ev;

	if (log->n == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 64;
		struct cima_event *tmp;

		if (cap > SIZE_MAX / sizeof(*tmp) ||
		    !(tmp = realloc(log->ev, cap * sizeof(*tmp)))) {
			cima__err(-ENOMEM, "out of memory for %zu events", cap);
			return NULL;
		}
		log->ev = tmp;
		log->cap = cap;
	}
	ev = &log->ev[log->n];
	memset(ev, 0, sizeof(*ev));
	ev->number = log->n++;
	return ev;
}

const char *cima__eventlog_intern(struct cima_eventlog *log, const uint8_t *name,
				  size_t len)
{
	char **tmp, *copy;

	for (size_t i = 0; i < log->nnames; i++)
		if (strlen(log->names[i]) == len && !memcmp(log->names[i], name, len))
			return log->names[i];
	tmp = realloc(log->names, (log->nnames + 1) * sizeof(*tmp));
	if (!tmp)
		return NULL;
	log->names = tmp;
	copy = strndup((const char *)name, len);
	if (!copy)
		return NULL;
	log->names[log->nnames++] = copy;
	return copy;
}

int cima__eventlog_add_bank(struct cima_eventlog *log, uint16_t alg)
{
	for (size_t i = 0; i < log->nbanks; i++)
		if (log->banks[i] == alg)
			return 0;
	if (log->nbanks == CIMA_MAX_BANKS)
		return cima__err(-E2BIG, "more than %d banks across sources", CIMA_MAX_BANKS);
	log->banks[log->nbanks++] = alg;
	return 0;
}

int cima__eventlog_take_buffer(struct cima_eventlog *log, uint8_t *buf)
{
	uint8_t **tmp = realloc(log->bufs, (log->nbufs + 1) * sizeof(*tmp));

	if (!tmp)
		return cima__err(-ENOMEM, "out of memory");
	log->bufs = tmp;
	log->bufs[log->nbufs++] = buf;
	return 0;
}

int cima__pcr_to_mr(uint32_t pcr)
{
	if (pcr == 0)
		return 0;
	if (pcr == 1 || pcr == 7)
		return 1;
	if (pcr >= 2 && pcr <= 6)
		return 2;
	if (pcr >= 8 && pcr <= 15)
		return 3;
	return -1;
}

int cima_eventlog_append(struct cima_eventlog *log, struct cima_eventlog *other)
{
	size_t base;
	int ret = 0;

	if (!log || !other) {
		cima_eventlog_free(other);
		return cima__err(-EINVAL, "NULL event log");
	}
	for (size_t i = 0; i < other->nbanks && !ret; i++)
		ret = cima__eventlog_add_bank(log, other->banks[i]);
	if (ret)
		goto out;
	for (size_t i = 0; i < other->nbufs; i++) {
		ret = cima__eventlog_take_buffer(log, other->bufs[i]);
		if (ret)
			goto out;
		other->bufs[i] = NULL;
	}
	/* Template names: the events point at them; move them over. */
	if (other->nnames) {
		char **tmp = realloc(log->names, (log->nnames + other->nnames) * sizeof(*tmp));

		if (!tmp) {
			ret = cima__err(-ENOMEM, "out of memory");
			goto out;
		}
		log->names = tmp;
		memcpy(log->names + log->nnames, other->names, other->nnames * sizeof(*tmp));
		log->nnames += other->nnames;
		other->nnames = 0;
	}
	base = log->n;
	for (size_t i = 0; i < other->n; i++) {
		struct cima_event *ev = cima__eventlog_add(log);

		if (!ev) {
			/* Drop what was added: no partial effect. */
			log->n = base;
			ret = -ENOMEM;
			goto out;
		}
		*ev = other->ev[i];
		ev->number = base + i;
	}
	log->cc |= other->cc;
	log->sources |= other->sources;
	if (other->locality >= 0)
		log->locality = other->locality;
	/*
	 * With a CCEL log the indexes are IMRs (RTMR n).  IMA logs PCR
	 * numbers: they land in the RTMR TDVF maps the PCR to; the cima
	 * module's TDX backend writes CC MR indexes, as CCEL does.
	 */
	if (log->cc) {
		for (size_t i = 0; i < log->n; i++) {
			struct cima_event *ev = &log->ev[i];
			int mr;

			if (ev->source == CIMA_SOURCE_IMA) {
				mr = cima__pcr_to_mr(ev->log_index);
				if (mr >= 1)
					ev->index = (uint32_t)mr - 1;
			} else if (ev->source == CIMA_SOURCE_CIMA && ev->log_index >= 1) {
				ev->index = ev->log_index - 1;
			}
		}
	}
out:
	cima_eventlog_free(other);
	return ret;
}

/* Keep events [start, start + count) of @log. */
int cima__eventlog_slice(struct cima_eventlog *log, uint32_t start, uint32_t count)
{
	size_t keep;

	if (start > log->n)
		return cima__err(-ERANGE, "start %u is past the last event (the log has %zu)",
				 start, log->n);
	keep = log->n - start;
	if (count && count < keep)
		keep = count;
	memmove(log->ev, log->ev + start, keep * sizeof(*log->ev));
	log->n = keep;
	return 0;
}

size_t cima_eventlog_count(const struct cima_eventlog *log)
{
	return log ? log->n : 0;
}

const struct cima_event *cima_eventlog_event(const struct cima_eventlog *log, size_t i)
{
	if (!log || i >= log->n) {
		errno = ERANGE;
		return NULL;
	}
	return &log->ev[i];
}

int cima_eventlog_banks(const struct cima_eventlog *log, uint16_t *algs, size_t max)
{
	if (!log)
		return -EINVAL;
	for (size_t i = 0; i < log->nbanks && i < max; i++)
		algs[i] = log->banks[i];
	return (int)log->nbanks;
}

bool cima_eventlog_is_cc(const struct cima_eventlog *log)
{
	return log && log->cc;
}

int cima_eventlog_startup_locality(const struct cima_eventlog *log)
{
	return log && log->locality >= 0 ? log->locality : -ENOENT;
}

/* --- events --- */

int cima_event_source(const struct cima_event *ev) { return ev->source; }
uint32_t cima_event_index(const struct cima_event *ev) { return ev->index; }
uint32_t cima_event_log_index(const struct cima_event *ev) { return ev->log_index; }
uint32_t cima_event_type(const struct cima_event *ev) { return ev->type; }
size_t cima_event_number(const struct cima_event *ev) { return ev->number; }
size_t cima_event_offset(const struct cima_event *ev) { return ev->offset; }
size_t cima_event_digest_count(const struct cima_event *ev) { return ev->ndig; }
bool cima_event_is_violation(const struct cima_event *ev) { return ev->flags & EVF_VIOLATION; }
bool cima_event_is_measured(const struct cima_event *ev) { return ev->flags & EVF_MEASURED; }

const char *cima_event_ima_template(const struct cima_event *ev)
{
	return ev->source == CIMA_SOURCE_IMA ? ev->tmpl : NULL;
}

static size_t digest_len(const struct cima_event *ev, size_t i)
{
	return ev->dlen[i];
}

const uint8_t *cima_event_digest(const struct cima_event *ev, size_t i,
				 uint16_t *alg, size_t *len)
{
	if (i >= ev->ndig) {
		errno = ERANGE;
		return NULL;
	}
	if (alg)
		*alg = ev->alg[i];
	if (len)
		*len = digest_len(ev, i);
	return ev->dig[i];
}

const uint8_t *cima_event_digest_by_alg(const struct cima_event *ev, uint16_t alg,
					size_t *len)
{
	for (size_t i = 0; i < ev->ndig; i++)
		if (ev->alg[i] == alg)
			return cima_event_digest(ev, i, NULL, len);
	errno = ENOENT;
	return NULL;
}

const uint8_t *cima_event_data(const struct cima_event *ev, size_t *len)
{
	static const uint8_t empty[1];

	if (len)
		*len = ev->data_len;
	return ev->data ? ev->data : empty;
}


// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Replay of a caller's list of events (a slice, a filter, pages of one
 * log) with the decisions of the whole log: its banks, and the IMA banks
 * the kernel extended with zero-padded SHA-1 template digests.  The
 * values come from lib/replay.c: the events are replayed as a log of
 * their own, once hashed and once padded, and the padded banks' values
 * are taken from the second.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog_internal.h"

#define STARTUP_LOCALITY_SIG	"StartupLocality"	/* 16 bytes with its NUL */

static bool is_startup_locality(const struct cima_event *ev)
{
	return ev->source == CIMA_SOURCE_FIRMWARE && ev->type == EV_NO_ACTION &&
	       ev->log_index == 0 && ev->data_len >= 17 &&
	       !memcmp(ev->data, STARTUP_LOCALITY_SIG, 16);
}

/*
 * The events as a log of their own.  Its sources leave out IMA so that
 * replay.c does not decide IMA's padding again from a part of the log:
 * the events' own source still selects how each is extended.
 */
static struct cima_eventlog *events_log(const struct cima_eventlog *log,
					const struct cima_event *const *events,
					size_t n, bool *has_ima)
{
	struct cima_eventlog *t = cima__eventlog_new();

	if (!t)
		return NULL;
	if (n) {
		t->ev = calloc(n, sizeof(*t->ev));
		if (!t->ev) {
			cima_eventlog_free(t);
			return cima__err_ptr(-ENOMEM, "out of memory");
		}
	}
	t->cap = n;
	memcpy(t->banks, log->banks, sizeof(t->banks));
	t->nbanks = log->nbanks;
	t->cc = log->cc;
	*has_ima = false;
	for (size_t i = 0; i < n; i++) {
		const struct cima_event *ev = events[i];

		t->ev[t->n++] = *ev;
		if (ev->source == CIMA_SOURCE_IMA)
			*has_ima |= !!(ev->flags & EVF_MEASURED);
		else
			t->sources |= 1u << ev->source;
		/* PCR 0 starts at the locality only when that event is given. */
		if (is_startup_locality(ev))
			t->locality = ev->data[16];
	}
	return t;
}

struct cima_replay *cima_replay_events(const struct cima_eventlog *log,
				       const struct cima_event *const *events,
				       size_t n, const struct cima_replay_opts *opts)
{
	struct cima_replay *whole = NULL, *r = NULL, *rp = NULL;
	struct cima_replay_opts o, eo;
	uint16_t banks[CIMA_MAX_BANKS], padded[CIMA_MAX_BANKS];
	struct cima_eventlog *t = NULL;
	size_t nbanks = 0;
	bool has_ima = false;
	int npadded, ret;

	if (!log)
		return cima__err_ptr(-EINVAL, "replay events: NULL event log");
	if (n && !events)
		return cima__err_ptr(-EINVAL, "replay events: NULL list of %zu events", n);
	for (size_t i = 0; i < n; i++)
		if (!events[i])
			return cima__err_ptr(-EINVAL, "replay events: event %zu of %zu is NULL",
					     i, n);
	ret = CIMA_OPTS_LOAD(cima_replay_opts, opts, &o);
	if (ret) {
		errno = -ret;
		return NULL;
	}

	/* The whole log's replay says which banks, and which IMA padded. */
	whole = cima_replay_eventlog(log, &o);
	if (!whole)
		return NULL;
	for (size_t i = 0; i < cima_replay_count(whole); i++) {
		uint16_t alg;
		size_t b = 0;

		cima_replay_entry(whole, i, NULL, &alg, NULL, NULL);
		while (b < nbanks && banks[b] != alg)
			b++;
		if (b == nbanks && nbanks < CIMA_MAX_BANKS)
			banks[nbanks++] = alg;
	}
	npadded = cima_replay_ima_padded(whole, padded, CIMA_MAX_BANKS);
	cima_replay_free(whole);
	if (npadded < 0) {
		errno = -npadded;
		return NULL;
	}
	if (!nbanks)		/* nothing measured in the log: nothing to extend */
		return cima_replay_new();

	t = events_log(log, events, n, &has_ima);
	if (!t)
		return NULL;
	eo = o;
	eo.sz = sizeof(eo);
	eo.banks = banks;
	eo.nbanks = nbanks;
	eo.ima_sha1_padded = false;
	r = cima_replay_eventlog(t, &eo);
	if (!r)
		goto fail;
	if (!has_ima || o.container || npadded <= 0)
		goto out;

	/* The padded banks' values: every IMA event padded, in those banks. */
	eo.banks = padded;
	eo.nbanks = (size_t)npadded;
	eo.ima_sha1_padded = true;
	rp = cima_replay_eventlog(t, &eo);
	if (!rp)
		goto fail;
	for (size_t i = 0; i < cima_replay_count(rp); i++) {
		const uint8_t *val;
		uint32_t index;
		uint16_t alg;
		size_t len;

		cima_replay_entry(rp, i, &index, &alg, &val, &len);
		ret = cima_replay_set(r, index, alg, val, len);
		if (ret)
			goto fail_ret;
	}
	for (int i = 0; i < npadded; i++) {
		ret = cima__replay_note_ima_padded(r, padded[i]);
		if (ret)
			goto fail_ret;
	}
out:
	cima_replay_free(rp);
	cima_eventlog_free(t);
	return r;
fail:
	ret = -errno;
fail_ret:
	cima_replay_free(rp);
	cima_replay_free(r);
	cima_eventlog_free(t);
	errno = ret ? -ret : EIO;
	return NULL;
}

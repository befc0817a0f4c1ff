/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private to libcima's event-log code (lib/eventlog*.c, tcg.c, ima.c, ...). */
#ifndef CIMA_EVENTLOG_INTERNAL_H
#define CIMA_EVENTLOG_INTERNAL_H

#include "internal.h"

#define EV_NO_ACTION		0x00000003u
#define EV_ACTION		0x00000005u

/* IMA limits (security/integrity/ima): template name, event name. */
#define IMA_TEMPLATE_NAME_MAX	63
#define IMA_EVENT_NAME_LEN_MAX	255
#define IMA_DIGEST_SIZE		20

enum {
	EVF_MEASURED = 1 << 0,	/* extended into its register */
	EVF_VIOLATION = 1 << 1,	/* IMA: zero template digest */
	EVF_IMA_LEGACY = 1 << 2,	/* IMA 'ima' template (no field lengths) */
};

struct cima_event {
	const uint8_t *data;
	const uint8_t *dig[CIMA_MAX_BANKS];
	uint16_t alg[CIMA_MAX_BANKS];
	uint8_t dlen[CIMA_MAX_BANKS];
	uint8_t ndig;
	uint8_t source;
	uint8_t flags;
	uint32_t index;		/* register index for replay */
	uint32_t log_index;	/* as written in the log */
	uint32_t type;
	uint32_t data_len;
	size_t number;
	size_t offset;
	const char *tmpl;	/* IMA: interned in the log's names */
};

struct cima_eventlog {
	uint8_t **bufs;		/* owned copies of every source's bytes */
	size_t nbufs;
	struct cima_event *ev;
	size_t n, cap;
	uint16_t banks[CIMA_MAX_BANKS];	/* declared by TCG headers */
	size_t nbanks;
	int locality;		/* StartupLocality, -1 when none */
	bool cc;		/* indexes are TDX IMRs (RTMR n is n) */
	bool live;		/* read whole from the live files */
	unsigned int sources;	/* bit per enum cima_source present */
	char **names;		/* IMA template names, each once */
	size_t nnames;
};

/* An empty log; NULL on ENOMEM (message set, errno). */
struct cima_eventlog *cima__eventlog_new(void);
/* The log keeps (and frees) @buf; 0 or -ENOMEM. */
int cima__eventlog_take_buffer(struct cima_eventlog *log, uint8_t *buf);
/* Append a zeroed event; NULL on ENOMEM (message set). */
struct cima_event *cima__eventlog_add(struct cima_eventlog *log);
/* The log's copy of IMA template name @name (@len bytes), NULL on ENOMEM. */
const char *cima__eventlog_intern(struct cima_eventlog *log, const uint8_t *name,
				  size_t len);
/* Record @alg in the log's bank list; 0 or -errno. */
int cima__eventlog_add_bank(struct cima_eventlog *log, uint16_t alg);

/* Keep events [start, start + count) of @log; 0 or -ERANGE. */
int cima__eventlog_slice(struct cima_eventlog *log, uint32_t start, uint32_t count);

/* Parsers: append the events of one source's bytes (kept by the caller). */
int cima__tcg_parse(struct cima_eventlog *log, const uint8_t *buf, size_t len,
		    int source);
int cima__ima_parse(struct cima_eventlog *log, const uint8_t *buf, size_t len,
		    uint16_t alg);
/* Template digest algorithm of an IMA list, from its structure (lib/ima.c). */
uint16_t cima__ima_detect_alg(const uint8_t *buf, size_t len);
/* Hash an IMA event's template data with @alg as the kernel does. */
int cima__ima_template_hash(const struct cima_event *ev, uint16_t alg,
			    uint8_t *out);

/*
 * Name @alg among the banks cima_replay_ima_padded() reports for @r (the
 * replay of a list of events, lib/replay_events.c, decides them from the
 * whole log); 0 or -E2BIG.
 */
struct cima_replay;
int cima__replay_note_ima_padded(struct cima_replay *r, uint16_t alg);

/* TPM PCR -> CC MR index, as TDVF maps them; -1 when unmapped. */
int cima__pcr_to_mr(uint32_t pcr);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The measurement log: append-only records, the platform register extend,
 * violations.
 *
 * Lock order, outer first: cima_policy_mutex (policy.c: the policy event),
 * c->exec_lock (container.c: exec and mmap events are appended under it),
 * cima_log_mutex (log.c).  The lifecycle mutex (lifecycle.c) and
 * c->vreg_lock (log.c: a container's virtual register) are never held
 * together with any of them.
 */
#ifndef CIMA_LOG_H
#define CIMA_LOG_H

#include <linux/types.h>

#include "bank.h"

struct cima_container;
struct seq_file;

extern bool cima_allow_unload;

/*
 * One log record.  Entries are immutable once published and freed only at
 * module exit.  buf holds cima_digests_size digest bytes (bank i at
 * cima_bank[i].off) followed by len bytes of event data.
 */
struct cima_entry {
	u64 owner;			/* container serial, 0 = none */
	u32 len;
	u8 buf[];
};

static inline const u8 *cima_entry_data(const struct cima_entry *e)
{
	return e->buf + cima_digests_size;
}

int cima_log_init(void);
void cima_log_exit(void);
int cima_log_append(struct cima_container *c, const char *data, size_t len);
void cima_log_violation(struct cima_container *c, const char *what, int err,
			const char *path, bool killed);
void cima_violation_count(void);
void cima_lost(struct cima_container *c);
void cima_log_stop_queued(void);
void cima_log_stop_done(void);
int cima_log_settle(void);
unsigned long cima_log_count(void);
struct cima_entry *cima_log_get(unsigned long idx);
long cima_violations(void);
int cima_log_snapshot(struct seq_file *m);
int cima_register_show(struct seq_file *m);
int cima_vreg_show(struct seq_file *m, struct cima_container *c);

#endif /* CIMA_LOG_H */

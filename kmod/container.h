/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Container objects, the tables that find them, and each container's exec
 * cache.
 */
#ifndef CIMA_CONTAINER_H
#define CIMA_CONTAINER_H

#include <linux/types.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/hashtable.h>
#include <linux/rcupdate.h>
#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/workqueue.h>

#include <uapi/cima.h>

#include "bank.h"

struct dentry;
struct file;

extern unsigned int cima_max_cache;	/* exec cache entries per container */

#define CIMA_CFILES	5
#define CIMA_SEEN_BITS	6	/* exec cache buckets, log2 */

/* What identifies an executable's content without reading it. */
struct cima_file_id {
	u64 ino;
	u64 dev;
	u64 real_ino;		/* the inode holding the data (overlayfs layer) */
	u64 real_dev;
	u64 iversion;
	s64 mtime_sec, ctime_sec;
	s64 mtime_nsec, ctime_nsec;
	s64 size;
	bool trusted;		/* a change of the file must change the id */
};

/* What a measured file is to the task: exec'd, or mapped executable. */
enum cima_file_kind { CIMA_FILE_EXEC, CIMA_FILE_MMAP };

/*
 * Deferred work about a container (hooks.c): its start or stop, or a file
 * it exec'd or mapped, measured in process context.
 */
enum cima_work_kind { CIMA_W_START, CIMA_W_STOP, CIMA_W_FILE };

struct cima_work {
	struct callback_head twork;
	struct work_struct work;
	struct llist_node stop_node;	/* CIMA_W_STOP: on the stop list */
	enum cima_work_kind kind;
	enum cima_file_kind fkind;	/* CIMA_W_FILE */
	struct cima_container *c;	/* one reference */
	struct file *file;		/* CIMA_W_FILE: one reference */
	u64 cgid;			/* CIMA_W_FILE: the task's cgroup */
};

/* An entry of container.c's tables: @key maps to @c. */
struct cima_link {
	struct hlist_node node;
	u64 key;
	struct cima_container *c;
	struct rcu_head rcu;
};

/* cima_container.flags */
enum { CIMA_C_STOPPED, CIMA_C_LIMITED, CIMA_C_POOLED_PATH, CIMA_C_LISTED };

struct cima_container {
	struct kref ref;
	struct rcu_head rcu;
	u64 serial;			/* unique, never reused; > 0 */
	u64 cgid;			/* the container cgroup's id */
	char id[CIMA_ID_MAX + 1];
	char *path;			/* cgroup path, raw */
	unsigned long flags;		/* CIMA_C_* bits */
	/* Its entries in the cgroup id and live tables (container.c). */
	struct cima_link cg_link, live_link;
	/* Its start and stop, each queued once (hooks.c). */
	struct cima_work start, stop;
	/*
	 * Its virtual register, folded from the log when it is read (log.c):
	 * an event costs no hashing for it, and a container whose register
	 * is never read has none.  Under vreg_lock.
	 */
	struct mutex vreg_lock;
	unsigned long vreg_next;	/* first record not folded in yet */
	cima_regs_t *vreg;
	unsigned long first_record;	/* its first record's index + 1; 0: none */
	atomic_t nevents;		/* events logged for it */
	atomic_long_t nlost;		/* events lost, not yet recorded */
	atomic_t nself;			/* runtime events through self/ */
	struct hlist_node id_node;	/* live ids (lifecycle.c's mutex) */
	/* Its securityfs directory: fs.c's, under its mutex. */
	struct list_head dir_owed;	/* on fs.c's list until made */
	struct dentry *dir;
	struct dentry *files[CIMA_CFILES];
	/*
	 * Exec cache: seen (kind, path, content), and violations logged;
	 * oldest first on seen_lru; the table is allocated with its first
	 * entry.  Under exec_lock.
	 */
	struct mutex exec_lock;
	struct hlist_head *seen;	/* 1 << CIMA_SEEN_BITS buckets */
	struct list_head seen_lru;
	unsigned int nseen;
	/*
	 * The rest of the slab object: @path when it fits (container.c), so
	 * that the mkdir probe allocates once.
	 */
	char path_room[];
};

int cima_containers_init(void);
void cima_containers_exit(void);
struct cima_container *cima_container_alloc(const char *id, u64 cgid,
					    const char *path, gfp_t gfp);
void cima_container_put(struct cima_container *c);
static inline void cima_container_get(struct cima_container *c)
{
	kref_get(&c->ref);
}
/* Map cgroup id -> container (the container's cgroup and those below). */
int cima_cg_insert(u64 cgid, struct cima_container *c, gfp_t gfp);
struct cima_container *cima_cg_erase(u64 cgid);
struct cima_container *cima_cg_lookup(u64 cgid);	/* takes a reference */
/* Container cgroups the mkdir probe could not track (any context). */
void cima_untracked_add(u64 cgid);
void cima_untracked_del(u64 cgid);
bool cima_untracked_current(void);
struct cima_container *cima_container_by_serial(u64 serial);
struct cima_container *cima_container_of_current(void);
void cima_container_publish(struct cima_container *c);
void cima_container_unpublish(struct cima_container *c);
struct cima_container *cima_container_any_live(void);
bool cima_seen_file(struct cima_container *c, enum cima_file_kind kind,
		    const char *path, const struct cima_file_id *fid);
bool cima_seen_digest(struct cima_container *c, enum cima_file_kind kind,
		      const char *path, const u8 *digest, unsigned int dlen,
		      const struct cima_file_id *fid);
int cima_seen_add(struct cima_container *c, enum cima_file_kind kind,
		  const char *path, const u8 *digest, unsigned int dlen,
		  const struct cima_file_id *fid);
bool cima_seen_violation(struct cima_container *c, const char *what, int err,
			 const char *path);

#endif /* CIMA_CONTAINER_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cima.ko internal interfaces shared between its source files.
 */
#ifndef CIMA_INTERNAL_H
#define CIMA_INTERNAL_H

#include <linux/types.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/hashtable.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>

#include <uapi/cima.h>

#define CIMA_MAX_BANKS		8
#define CIMA_MAX_DIGEST		64

struct crypto_shash;
struct dentry;
struct file;

/*
 * One active bank.  The table is filled once by the backend's probe and the
 * log core at init, and is read-only afterwards.
 */
struct cima_bank {
	u16 alg_id;			/* TPM_ALG_* */
	u16 size;			/* digest size in bytes */
	u16 off;			/* offset of this bank's digest in an entry */
	const char *name;		/* kernel hash name, NULL if unknown */
	struct crypto_shash *tfm;	/* NULL: copy of the strongest digest */
};

extern struct cima_bank cima_bank[CIMA_MAX_BANKS];
extern unsigned int cima_nbanks;
extern unsigned int cima_strongest;	/* index of the largest hashable bank */
extern unsigned int cima_digests_size;	/* sum of all bank sizes */

typedef u8 cima_regs_t[CIMA_MAX_BANKS][CIMA_MAX_DIGEST];

/*
 * Register backend.  probe() fills cima_bank[].alg_id/size/name and
 * cima_nbanks, and may adjust *index (-1 on entry: pick the default); it
 * returns -ENODEV when the platform does not have it.  extend() gets one
 * digest per bank (cima_bank order) and may sleep; read() returns the
 * current values.  Both are called with the log mutex held.
 */
struct cima_backend_ops {
	const char *name;
	bool hardware;			/* extending it outlives the module */
	int (*probe)(int *index);
	int (*extend)(const cima_regs_t digests);
	int (*read)(cima_regs_t out);
	void (*release)(void);
	u32 (*log_index)(u32 index);	/* pcrIndex written in the log */
};

extern const struct cima_backend_ops cima_backend_sim;
extern const struct cima_backend_ops cima_backend_tpm;
extern const struct cima_backend_ops cima_backend_tdx;

extern const struct cima_backend_ops *cima_backend;
extern u32 cima_index;			/* backend register number */
extern u32 cima_log_pcr;		/* pcrIndex in log records */
extern bool cima_allow_unload;
extern unsigned int cima_self_event_limit;
extern char *cima_sim_banks;
extern unsigned long cima_max_file_size;	/* bytes hashed at most; 0: no cap */
extern unsigned int cima_max_events;	/* per container; 0: no cap */
extern unsigned int cima_max_cache;	/* exec cache entries per container */
extern bool cima_fail_closed_param;	/* initial "fail" policy */

int cima_backend_init(const char *which, int index);
void cima_backend_exit(void);
u16 cima_alg_id_by_name(const char *name);
const char *cima_alg_name_by_id(u16 alg_id);

/* ---- log ---------------------------------------------------------------- */

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

struct cima_container;

int cima_log_init(void);
void cima_log_exit(void);
int cima_log_append(struct cima_container *c, const char *data, size_t len);
void cima_log_violation(struct cima_container *c, const char *what, int err,
			const char *path, bool killed);
void cima_violation_count(void);
void cima_log_stop_queued(void);
void cima_log_stop_done(void);
int cima_log_settle(void);
void cima_lost(struct cima_container *c);
unsigned long cima_log_count(void);
struct cima_entry *cima_log_get(unsigned long idx);
long cima_violations(void);
int cima_log_snapshot(struct seq_file *m);
int cima_register_show(struct seq_file *m);
int cima_vreg_show(struct seq_file *m, struct cima_container *c);
int cima_hash_buf(unsigned int bank, const void *data, size_t len, u8 *out);
void cima_put_hex(struct seq_file *m, const u8 *p, size_t n);

/* Event data builder: fixed capacity, records overflow. */
struct cima_buf {
	char *p;
	size_t len;
	size_t cap;
	bool overflow;
};

void cima_buf_puts(struct cima_buf *b, const char *s);
void cima_buf_printf(struct cima_buf *b, const char *fmt, ...) __printf(2, 3);
void cima_buf_escape(struct cima_buf *b, const char *s, size_t n);
void cima_buf_hex(struct cima_buf *b, const u8 *p, size_t n);

/* ---- containers --------------------------------------------------------- */

#define CIMA_CFILES	5

/* What identifies an executable's content without reading it. */
struct cima_file_id {
	u64 ino;
	u64 dev;
	u64 iversion;
	s64 mtime_sec, ctime_sec;
	s64 mtime_nsec, ctime_nsec;
	s64 size;
	bool trusted;		/* a change of the file must change the id */
};

/* What a measured file is to the task: exec'd, or mapped executable. */
enum cima_file_kind { CIMA_FILE_EXEC, CIMA_FILE_MMAP };

/* cima_container.flags */
enum { CIMA_C_STOPPED, CIMA_C_LIMITED };

struct cima_container {
	struct kref ref;
	struct rcu_head rcu;
	u64 serial;			/* unique, never reused; > 0 */
	u64 cgid;			/* the container cgroup's id */
	char id[CIMA_ID_MAX + 1];
	char *path;			/* cgroup path, raw */
	unsigned long flags;		/* CIMA_C_* bits */
	/* Protected by the log mutex. */
	cima_regs_t vreg;
	atomic_t nevents;		/* events logged for it */
	atomic_long_t nlost;		/* events lost, not yet recorded */
	atomic_t nself;			/* runtime events through self/ */
	/* Under the lifecycle mutex. */
	struct dentry *dir;
	struct dentry *files[CIMA_CFILES];
	/*
	 * Exec cache: seen (kind, path, content), and violations logged;
	 * oldest first on seen_lru.  Under exec_lock.
	 */
	struct mutex exec_lock;
	DECLARE_HASHTABLE(seen, 6);
	struct list_head seen_lru;
	unsigned int nseen;
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
struct cima_container *cima_container_by_serial(u64 serial);
struct cima_container *cima_container_of_current(void);
int cima_container_publish(struct cima_container *c);
void cima_container_unpublish(struct cima_container *c);
struct cima_container *cima_container_next_live(u64 *serial);
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

/* ---- lifecycle ---------------------------------------------------------- */

int cima_container_add(struct cima_container *c);
void cima_container_remove(struct cima_container *c);
void cima_lifecycle_exit(void);

/* ---- policy ------------------------------------------------------------- */

int cima_policy_init(void);
void cima_policy_exit(void);
/* Atomic context: decides whether a new cgroup is a container. */
bool cima_policy_match(const char *path, char *id);
bool cima_policy_exec(void);
bool cima_policy_mmap(void);
bool cima_policy_fail_closed(void);
int cima_policy_show(struct seq_file *m);
int cima_policy_write(const char *text, size_t len);

/* ---- securityfs --------------------------------------------------------- */

int cima_fs_init(void);
void cima_fs_exit(void);
int cima_fs_add_container(struct cima_container *c);
void cima_fs_remove_container(struct cima_container *c);

/* ---- hooks -------------------------------------------------------------- */

int cima_hooks_init(void);
void cima_hooks_exit(void);

/* ---- measurements (process context) -------------------------------------- */

void cima_measure_start(struct cima_container *c, bool published, int err);
void cima_measure_stop(struct cima_container *c);
void cima_measure_file(struct cima_container *c, enum cima_file_kind kind,
		       struct file *file, u64 cgid, bool as_task);
int cima_measure_runtime(struct cima_container *c, bool self,
			 const char *text, size_t len);
void cima_measure_failed(struct cima_container *c, const char *what, int err,
			 const char *path, bool as_task);

#endif /* CIMA_INTERNAL_H */

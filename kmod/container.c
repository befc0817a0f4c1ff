// SPDX-License-Identifier: GPL-2.0
/*
 * Container objects and the two tables that find them:
 *  - cima_cgroups: cgroup id -> container, for the container's own cgroup
 *    and every cgroup created below it; one reference per entry.  Read
 *    from tracepoint probes (atomic), so lookups are RCU + refcount and
 *    containers are freed after a grace period.
 *  - cima_live: serial -> container for started containers (published by
 *    lifecycle.c, whose directory comes right after); one reference per
 *    entry.  Files store the serial, never a pointer, so an open racing
 *    with removal is safe.
 *
 * Both are fixed hash tables of RCU lists, and a container carries its own
 * entry in each: a start and a stop allocate nothing for them.  (They
 * were xarrays: a container's keys are new each time, so under churn each
 * start allocated a tree node that its stop freed again.)  Only a cgroup
 * made below a container needs an entry of its own.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/hashtable.h>
#include <linux/spinlock.h>
#include <linux/mempool.h>
#include <linux/limits.h>
#include <linux/atomic.h>
#include <linux/cgroup.h>
#include <linux/sched.h>

#include "container.h"

#define CIMA_TABLE_BITS		12
static DEFINE_HASHTABLE(cima_cgroups, CIMA_TABLE_BITS);
static DEFINE_HASHTABLE(cima_live, CIMA_TABLE_BITS);
/*
 * Writers of either table.  Taken with interrupts off by the cgroup
 * probes, never from an interrupt.
 */
static DEFINE_SPINLOCK(cima_tables_lock);
static atomic64_t cima_serial = ATOMIC64_INIT(0);

unsigned int cima_max_cache = 4096;
module_param_named(max_cache, cima_max_cache, uint, 0444);
MODULE_PARM_DESC(max_cache, "Exec cache entries per container; the oldest is evicted beyond it (default 4096; 0: no cap)");

/*
 * One exec cache entry: (kind, path) was logged with @digest; @fid is the
 * identity of the file last found to have that content at that path.  A
 * violation already logged is an entry of kind CIMA_SEEN_VIOLATION whose
 * path is "<what> <err> <path>".  Entries are charged to the container's
 * memory cgroup; past cima_max_cache the oldest is evicted (its file is
 * then hashed, and logged, again).
 */
#define CIMA_SEEN_VIOLATION	0xff

struct cima_seen {
	struct hlist_node node;
	struct list_head lru;
	struct cima_file_id fid;
	bool have_fid;
	u8 kind;
	u8 digest[CIMA_MAX_DIGEST];
	char path[];
};

/*
 * Reserves for the mkdir probe, which allocates in atomic context: a
 * container must not go untracked because one GFP_ATOMIC allocation
 * failed.  Objects come from the slab when it can give them and from the
 * reserve otherwise.
 */
#define CIMA_CONTAINER_RESERVE	16
static mempool_t *cima_container_pool;
static mempool_t *cima_path_pool;	/* PATH_MAX buffers */

/*
 * A container object is the struct and room for its path after it: at
 * least CIMA_PATH_ROOM bytes, and whatever else the kmalloc size class
 * would leave unused (a docker or Kubernetes path fits).  A longer path
 * has its own allocation.
 */
#define CIMA_PATH_ROOM		128
static size_t cima_container_size;

static size_t cima_path_room(void)
{
	return cima_container_size - sizeof(struct cima_container);
}

struct cima_container *cima_container_alloc(const char *id, u64 cgid,
					    const char *path, gfp_t gfp)
{
	struct cima_container *c;
	size_t n = strlen(path) + 1;

	c = mempool_alloc(cima_container_pool, gfp | __GFP_ACCOUNT);
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	if (n <= cima_path_room())
		c->path = c->path_room;
	else
		c->path = kmalloc(n, gfp | __GFP_ACCOUNT | __GFP_NOWARN);
	if (!c->path && n <= PATH_MAX) {
		c->path = mempool_alloc(cima_path_pool, gfp);
		if (c->path)
			__set_bit(CIMA_C_POOLED_PATH, &c->flags);
	}
	if (!c->path) {
		mempool_free(c, cima_container_pool);
		return NULL;
	}
	memcpy(c->path, path, n);
	kref_init(&c->ref);
	c->serial = atomic64_inc_return(&cima_serial);
	c->cgid = cgid;
	strscpy(c->id, id, sizeof(c->id));
	mutex_init(&c->exec_lock);
	mutex_init(&c->vreg_lock);
	INIT_LIST_HEAD(&c->seen_lru);
	INIT_LIST_HEAD(&c->dir_owed);
	return c;
}

static void cima_container_free_rcu(struct rcu_head *rcu)
{
	struct cima_container *c = container_of(rcu, struct cima_container,
						rcu);

	if (test_bit(CIMA_C_POOLED_PATH, &c->flags))
		mempool_free(c->path, cima_path_pool);
	else if (c->path != c->path_room)
		kfree(c->path);
	mempool_free(c, cima_container_pool);
}

/* May run in atomic context (last reference dropped by a probe). */
static void cima_container_release(struct kref *ref)
{
	struct cima_container *c = container_of(ref, struct cima_container,
						ref);
	struct cima_seen *s, *tmp;

	list_for_each_entry_safe(s, tmp, &c->seen_lru, lru)
		kfree(s);
	kfree(c->seen);
	kfree(c->vreg);
	call_rcu(&c->rcu, cima_container_free_rcu);
}

void cima_container_put(struct cima_container *c)
{
	if (c)
		kref_put(&c->ref, cima_container_release);
}

/* Under cima_tables_lock or RCU. */
static struct cima_link *cima_link_find(struct hlist_head *head, u64 key)
{
	struct cima_link *l;

	hlist_for_each_entry_rcu(l, head, node, lockdep_is_held(&cima_tables_lock))
		if (l->key == key)
			return l;
	return NULL;
}

/*
 * Map @cgid to @c (which takes a reference): its own cgroup with the entry
 * it carries, a cgroup below it with a new one.  -EEXIST: @cgid is mapped.
 */
int cima_cg_insert(u64 cgid, struct cima_container *c, gfp_t gfp)
{
	struct hlist_head *head = &cima_cgroups[hash_min(cgid, CIMA_TABLE_BITS)];
	struct cima_link *l = &c->cg_link;
	unsigned long flags;
	int ret = 0;

	if (cgid != c->cgid) {
		l = kmalloc(sizeof(*l), gfp | __GFP_ACCOUNT | __GFP_NOWARN);
		if (!l)
			return -ENOMEM;
	}
	l->key = cgid;
	l->c = c;
	spin_lock_irqsave(&cima_tables_lock, flags);
	if (cima_link_find(head, cgid)) {
		ret = -EEXIST;
	} else {
		cima_container_get(c);
		hlist_add_head_rcu(&l->node, head);
	}
	spin_unlock_irqrestore(&cima_tables_lock, flags);
	if (ret && l != &c->cg_link)
		kfree(l);
	return ret;
}

/* Remove @cgid's entry; the caller inherits its reference. */
struct cima_container *cima_cg_erase(u64 cgid)
{
	struct hlist_head *head = &cima_cgroups[hash_min(cgid, CIMA_TABLE_BITS)];
	struct cima_container *c = NULL;
	unsigned long flags;
	struct cima_link *l;

	spin_lock_irqsave(&cima_tables_lock, flags);
	l = cima_link_find(head, cgid);
	if (l) {
		hlist_del_rcu(&l->node);
		c = l->c;
	}
	spin_unlock_irqrestore(&cima_tables_lock, flags);
	/* A container's own entry goes with it, after a grace period. */
	if (l && l != &c->cg_link)
		kfree_rcu(l, rcu);
	return c;
}

static struct cima_container *cima_get_rcu(struct hlist_head *table, u64 key)
{
	struct cima_container *c = NULL;
	struct cima_link *l;

	rcu_read_lock();
	l = cima_link_find(&table[hash_min(key, CIMA_TABLE_BITS)], key);
	if (l && kref_get_unless_zero(&l->c->ref))
		c = l->c;
	rcu_read_unlock();
	return c;
}

struct cima_container *cima_cg_lookup(u64 cgid)
{
	return cima_get_rcu(cima_cgroups, cgid);
}

struct cima_container *cima_container_by_serial(u64 serial)
{
	return cima_get_rcu(cima_live, serial);
}

/*
 * Container cgroups that could not be tracked: the mkdir probe found no
 * memory, not even in the reserve.  Under "fail closed" an exec or an
 * executable mapping in one of them, or in a cgroup below one, is killed,
 * since it cannot be measured.  The failure is an allocation failure, so
 * this is a fixed table; past CIMA_UNTRACKED_MAX at once the oldest entry
 * is overwritten, and that cgroup fails open (each one was already
 * counted as lost).
 */
#define CIMA_UNTRACKED_MAX	64
static u64 cima_untracked[CIMA_UNTRACKED_MAX];
static unsigned int cima_untracked_next;
static atomic_t cima_nuntracked = ATOMIC_INIT(0);
static DEFINE_SPINLOCK(cima_untracked_lock);

void cima_untracked_add(u64 cgid)
{
	unsigned long flags;

	spin_lock_irqsave(&cima_untracked_lock, flags);
	if (!cima_untracked[cima_untracked_next])
		atomic_inc(&cima_nuntracked);
	cima_untracked[cima_untracked_next] = cgid;
	cima_untracked_next = (cima_untracked_next + 1) % CIMA_UNTRACKED_MAX;
	spin_unlock_irqrestore(&cima_untracked_lock, flags);
}

void cima_untracked_del(u64 cgid)
{
	unsigned long flags;
	unsigned int i;

	if (!atomic_read(&cima_nuntracked))
		return;
	spin_lock_irqsave(&cima_untracked_lock, flags);
	for (i = 0; i < CIMA_UNTRACKED_MAX; i++)
		if (cima_untracked[i] == cgid) {
			cima_untracked[i] = 0;
			atomic_dec(&cima_nuntracked);
		}
	spin_unlock_irqrestore(&cima_untracked_lock, flags);
}

/* Does the calling task run in an untracked container cgroup? */
bool cima_untracked_current(void)
{
	struct cgroup *cg;
	unsigned long flags;
	bool hit = false;
	unsigned int i;

	if (!atomic_read(&cima_nuntracked))
		return false;
	rcu_read_lock();
	spin_lock_irqsave(&cima_untracked_lock, flags);
	for (cg = task_dfl_cgroup(current); cg && !hit; cg = cgroup_parent(cg))
		for (i = 0; i < CIMA_UNTRACKED_MAX && !hit; i++)
			hit = cima_untracked[i] == cgroup_id(cg);
	spin_unlock_irqrestore(&cima_untracked_lock, flags);
	rcu_read_unlock();
	return hit;
}

/* The container the calling task's cgroup v2 belongs to, referenced. */
struct cima_container *cima_container_of_current(void)
{
	u64 cgid;

	rcu_read_lock();
	cgid = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
	return cima_cg_lookup(cgid);
}

/* Serials are unique: this cannot collide.  Lifecycle mutex held. */
void cima_container_publish(struct cima_container *c)
{
	unsigned long flags;

	cima_container_get(c);
	c->live_link.key = c->serial;
	c->live_link.c = c;
	spin_lock_irqsave(&cima_tables_lock, flags);
	hash_add_rcu(cima_live, &c->live_link.node, c->serial);
	spin_unlock_irqrestore(&cima_tables_lock, flags);
}

/* Any live container, referenced (module exit). */
struct cima_container *cima_container_any_live(void)
{
	struct cima_container *c = NULL;
	struct cima_link *l;
	unsigned int bkt;

	rcu_read_lock();
	hash_for_each_rcu(cima_live, bkt, l, node)
		if (kref_get_unless_zero(&l->c->ref)) {
			c = l->c;
			break;
		}
	rcu_read_unlock();
	return c;
}

/* Lifecycle mutex held, and @c published. */
void cima_container_unpublish(struct cima_container *c)
{
	unsigned long flags;

	spin_lock_irqsave(&cima_tables_lock, flags);
	hash_del_rcu(&c->live_link.node);
	spin_unlock_irqrestore(&cima_tables_lock, flags);
	cima_container_put(c);
}

/* ---- exec cache ---------------------------------------------------------- */

static u32 cima_seen_hash(u8 kind, const char *path)
{
	return full_name_hash(NULL, path, strlen(path)) ^ kind;
}

/*
 * The bucket for @hash.  The table is allocated with the first entry (a
 * container that runs nothing never has one); without it every bucket is
 * empty.
 */
static struct hlist_head *cima_seen_head(struct cima_container *c, u32 hash)
{
	static struct hlist_head empty;

	if (!c->seen)
		return &empty;
	return &c->seen[hash_min(hash, CIMA_SEEN_BITS)];
}

/*
 * Was this (kind, path, file identity) seen?  Then the content is known
 * and already logged.  Called with c->exec_lock held.
 */
bool cima_seen_file(struct cima_container *c, enum cima_file_kind kind,
		    const char *path, const struct cima_file_id *fid)
{
	struct cima_seen *s;

	lockdep_assert_held(&c->exec_lock);
	hlist_for_each_entry(s, cima_seen_head(c, cima_seen_hash(kind, path)), node)
		if (s->kind == kind && s->have_fid &&
		    !memcmp(&s->fid, fid, sizeof(*fid)) &&
		    !strcmp(s->path, path))
			return true;
	return false;
}

/*
 * Was (kind, path, digest) logged already?  If so remember @fid (when
 * trusted) as a file with that content and return true.  Called with
 * c->exec_lock held.
 */
bool cima_seen_digest(struct cima_container *c, enum cima_file_kind kind,
		      const char *path, const u8 *digest, unsigned int dlen,
		      const struct cima_file_id *fid)
{
	struct cima_seen *s;

	lockdep_assert_held(&c->exec_lock);
	hlist_for_each_entry(s, cima_seen_head(c, cima_seen_hash(kind, path)), node)
		if (s->kind == kind && !memcmp(s->digest, digest, dlen) &&
		    !strcmp(s->path, path)) {
			s->have_fid = fid && fid->trusted;
			if (s->have_fid)
				s->fid = *fid;
			return true;
		}
	return false;
}

static int cima_seen_insert(struct cima_container *c, u8 kind,
			    const char *path, const u8 *digest,
			    unsigned int dlen, const struct cima_file_id *fid)
{
	size_t n = strlen(path) + 1;
	struct cima_seen *s;

	lockdep_assert_held(&c->exec_lock);
	if (!c->seen) {
		c->seen = kcalloc(1 << CIMA_SEEN_BITS, sizeof(*c->seen),
				  GFP_KERNEL_ACCOUNT);
		if (!c->seen)
			return -ENOMEM;
	}
	if (cima_max_cache && c->nseen >= cima_max_cache) {
		s = list_first_entry(&c->seen_lru, struct cima_seen, lru);
		hlist_del(&s->node);
		list_del(&s->lru);
		kfree(s);
		c->nseen--;
	}
	s = kzalloc(struct_size(s, path, n), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	s->kind = kind;
	s->have_fid = fid && fid->trusted;
	if (s->have_fid)
		s->fid = *fid;
	if (digest)
		memcpy(s->digest, digest, dlen);
	memcpy(s->path, path, n);
	hlist_add_head(&s->node, cima_seen_head(c, cima_seen_hash(kind, path)));
	list_add_tail(&s->lru, &c->seen_lru);
	c->nseen++;
	return 0;
}

int cima_seen_add(struct cima_container *c, enum cima_file_kind kind,
		  const char *path, const u8 *digest, unsigned int dlen,
		  const struct cima_file_id *fid)
{
	return cima_seen_insert(c, kind, path, digest, dlen, fid);
}

/*
 * Was this violation (what, err, path) of @c logged already?  If not,
 * remember it and return false.  Takes c->exec_lock: callers must not
 * hold it... except the exec path, which logs violations with it held, so
 * this uses a trylock and, when busy, treats the violation as new.
 */
bool cima_seen_violation(struct cima_container *c, const char *what, int err,
			 const char *path)
{
	struct cima_seen *s;
	bool seen = false;
	char *key;
	u32 h;

	key = kasprintf(GFP_KERNEL, "%s %d %s", what, err, path ? path : "");
	if (!key)
		return false;
	h = cima_seen_hash(CIMA_SEEN_VIOLATION, key);
	if (!mutex_trylock(&c->exec_lock)) {
		kfree(key);
		return false;
	}
	hlist_for_each_entry(s, cima_seen_head(c, h), node)
		if (s->kind == CIMA_SEEN_VIOLATION && !strcmp(s->path, key)) {
			seen = true;
			break;
		}
	if (!seen)
		cima_seen_insert(c, CIMA_SEEN_VIOLATION, key, NULL, 0, NULL);
	mutex_unlock(&c->exec_lock);
	kfree(key);
	return seen;
}

int cima_containers_init(void)
{
	cima_container_size = kmalloc_size_roundup(sizeof(struct cima_container) +
						   CIMA_PATH_ROOM);
	cima_container_pool = mempool_create_kmalloc_pool(CIMA_CONTAINER_RESERVE,
							  cima_container_size);
	cima_path_pool = mempool_create_kmalloc_pool(CIMA_CONTAINER_RESERVE / 4,
						     PATH_MAX);
	if (!cima_container_pool || !cima_path_pool) {
		mempool_destroy(cima_path_pool);
		mempool_destroy(cima_container_pool);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Hooks are gone and drained, directories removed: drop what the tables
 * still hold.
 */
void cima_containers_exit(void)
{
	struct hlist_node *tmp;
	struct cima_link *l;
	unsigned int bkt;

	hash_for_each_safe(cima_cgroups, bkt, tmp, l, node)
		cima_container_put(cima_cg_erase(l->key));
	rcu_barrier();		/* cima_container_free_rcu() is module code */
	mempool_destroy(cima_path_pool);
	mempool_destroy(cima_container_pool);
	cima_path_pool = NULL;
	cima_container_pool = NULL;
}

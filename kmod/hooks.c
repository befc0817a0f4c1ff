// SPDX-License-Identifier: GPL-2.0
/*
 * Hooks: cgroup_mkdir, cgroup_rmdir and sched_process_exec tracepoints.
 *
 * Probes run in atomic context (preemption off; the cgroup ones also with
 * IRQs off and cgroup_mutex held, and their path argument is a shared
 * buffer).  They only look things up, allocate with GFP_ATOMIC and queue a
 * task_work on the current task with TWA_RESUME: it runs in that task's
 * context, able to sleep, before the task returns to user space - so a
 * container's start is measured before mkdir returns, and an exec before
 * the new program's first instruction.  Tasks that never return to user
 * space (kernel threads, io workers, exiting tasks) get an ordered
 * workqueue instead.
 *
 * Unload: task_work cannot be cancelled from a module, so every queued work
 * is counted in cima_pending and exit waits for the count to reach zero
 * after the probes are unregistered and drained.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/namei.h>
#include <linux/stat.h>
#include <linux/iversion.h>
#include <linux/cgroup.h>
#include <linux/sched.h>
#include <linux/task_work.h>
#include <linux/workqueue.h>
#include <linux/tracepoint.h>
#include <linux/binfmts.h>
#include <linux/wait.h>
#include <crypto/hash.h>

#include "cima.h"

enum cima_work_kind { CIMA_W_START, CIMA_W_STOP, CIMA_W_EXEC };

struct cima_work {
	struct callback_head twork;
	struct work_struct work;
	enum cima_work_kind kind;
	struct cima_container *c;	/* one reference */
	struct file *file;		/* exec: one reference */
	char *script;			/* exec of a #! script: its name */
	u64 cgid;			/* exec: the task's cgroup */
};

static atomic_t cima_pending = ATOMIC_INIT(0);
/*
 * Serialises start and stop of containers: a stop normally runs after the
 * start (mkdir returns only after it), but when either fell back to the
 * workqueue the order is not guaranteed; c->stopped makes a late start a
 * no-op.
 */
static DEFINE_MUTEX(cima_lifecycle_mutex);
static DECLARE_WAIT_QUEUE_HEAD(cima_pending_wq);
static struct workqueue_struct *cima_wq;

/* ---- measurements (process context) ------------------------------------- */

static char *cima_event_buf(struct cima_buf *b)
{
	b->cap = CIMA_EVENT_DATA_MAX;
	b->len = 0;
	b->overflow = false;
	b->p = kmalloc(b->cap, GFP_KERNEL);
	return b->p;
}

static void cima_measure_start(struct cima_container *c)
{
	struct cima_buf b;
	int ret;

	mutex_lock(&cima_lifecycle_mutex);
	if (c->stopped) {
		mutex_unlock(&cima_lifecycle_mutex);
		return;
	}
	ret = cima_fs_add_container(c);
	if (!ret) {
		ret = cima_container_publish(c);
		if (ret)
			cima_fs_remove_container(c);
	}
	mutex_unlock(&cima_lifecycle_mutex);
	if (ret) {
		/* Untrack it (the entry may be gone already: rmdir). */
		cima_container_put(cima_cg_erase(c->cgid));
		cima_log_violation(c, CIMA_KIND_START, ret, c->path);
		return;
	}
	if (!cima_event_buf(&b)) {
		cima_lost();
		return;
	}
	cima_buf_printf(&b, CIMA_DATA_TAG " " CIMA_KIND_START
			" id=%s cg=%llu path=", c->id, c->cgid);
	cima_buf_escape(&b, c->path, strlen(c->path));
	if (b.overflow)
		cima_log_violation(c, CIMA_KIND_START, -ENAMETOOLONG, NULL);
	else
		cima_log_append(c, b.p, b.len);
	kfree(b.p);
}

static void cima_measure_stop(struct cima_container *c)
{
	char data[CIMA_ID_MAX + 64];
	int len;

	len = scnprintf(data, sizeof(data), CIMA_DATA_TAG " " CIMA_KIND_STOP
			" id=%s cg=%llu", c->id, c->cgid);
	cima_log_append(c, data, len);
	mutex_lock(&cima_lifecycle_mutex);
	c->stopped = true;
	if (c->dir) {
		cima_container_unpublish(c);
		cima_fs_remove_container(c);
	}
	mutex_unlock(&cima_lifecycle_mutex);
}

/* False if the file cannot be identified: then it is always hashed. */
static bool cima_file_id(struct file *file, struct cima_file_id *fid)
{
	struct inode *inode = file_inode(file);
	struct kstat st;

	memset(fid, 0, sizeof(*fid));
	if (vfs_getattr(&file->f_path, &st, STATX_BASIC_STATS,
			AT_STATX_SYNC_AS_STAT))
		return false;
	fid->ino = st.ino;
	fid->dev = st.dev;
	fid->size = st.size;
	fid->mtime_sec = st.mtime.tv_sec;
	fid->mtime_nsec = st.mtime.tv_nsec;
	fid->ctime_sec = st.ctime.tv_sec;
	fid->ctime_nsec = st.ctime.tv_nsec;
	if (IS_I_VERSION(inode))
		fid->iversion = inode_query_iversion(inode);
	return true;
}

#define CIMA_READ_CHUNK	(32 * 1024)

static int cima_hash_file(struct file *file, u8 *digest)
{
	struct crypto_shash *tfm = cima_bank[cima_strongest].tfm;
	struct shash_desc *desc;
	size_t bufsz = CIMA_READ_CHUNK;
	loff_t pos = 0;
	void *buf;
	int ret;

	desc = kmalloc(sizeof(*desc) + crypto_shash_descsize(tfm), GFP_KERNEL);
	if (!desc)
		return -ENOMEM;
	buf = kmalloc(bufsz, GFP_KERNEL | __GFP_NOWARN);
	if (!buf) {
		bufsz = PAGE_SIZE;
		buf = kmalloc(bufsz, GFP_KERNEL);
	}
	if (!buf) {
		kfree(desc);
		return -ENOMEM;
	}
	desc->tfm = tfm;
	ret = crypto_shash_init(desc);
	while (!ret) {
		ssize_t n = kernel_read(file, buf, bufsz, &pos);

		if (n < 0)
			ret = n;
		if (n <= 0)
			break;
		ret = crypto_shash_update(desc, buf, n);
	}
	if (!ret)
		ret = crypto_shash_final(desc, digest);
	kfree(buf);
	kfree_sensitive(desc);
	return ret;
}

static void cima_measure_exec(struct cima_container *c, struct file *file,
			      u64 cgid)
{
	const struct cima_bank *sb = &cima_bank[cima_strongest];
	u8 digest[CIMA_MAX_DIGEST];
	struct cima_file_id fid;
	struct cima_buf b;
	char *pbuf, *path;
	int ret;

	pbuf = __getname();
	if (!pbuf) {
		cima_lost();
		return;
	}
	path = d_path(&file->f_path, pbuf, PATH_MAX);
	/*
	 * A file reached only through a detached bind mount of itself (runc
	 * runs "runc init" that way) has d_path "/": name it by its path
	 * inside its file system instead.
	 */
	if (!IS_ERR(path) && !strcmp(path, "/") &&
	    !d_is_dir(file->f_path.dentry))
		path = dentry_path_raw(file->f_path.dentry, pbuf, PATH_MAX);
	if (IS_ERR(path)) {
		cima_log_violation(c, CIMA_KIND_EXEC, PTR_ERR(path), NULL);
		goto out_name;
	}
	if (cima_file_id(file, &fid)) {
		mutex_lock(&c->exec_lock);
		ret = cima_seen_file(c, path, &fid);
		mutex_unlock(&c->exec_lock);
		if (ret)
			goto out_name;	/* same file, same path: logged */
	}

	ret = cima_hash_file(file, digest);
	if (ret) {
		cima_log_violation(c, CIMA_KIND_EXEC, ret, path);
		goto out_name;
	}

	mutex_lock(&c->exec_lock);
	if (cima_seen_digest(c, path, digest, sb->size, &fid))
		goto out_unlock;
	if (!cima_event_buf(&b)) {
		cima_lost();
		goto out_unlock;
	}
	cima_buf_printf(&b, CIMA_DATA_TAG " " CIMA_KIND_EXEC
			" id=%s cg=%llu file=%s:", c->id, cgid, sb->name);
	cima_buf_hex(&b, digest, sb->size);
	cima_buf_puts(&b, " path=");
	cima_buf_escape(&b, path, strlen(path));
	if (b.overflow) {
		cima_log_violation(c, CIMA_KIND_EXEC, -ENAMETOOLONG, NULL);
	} else if (!cima_log_append(c, b.p, b.len)) {
		/* Without the cache entry the pair is logged again: harmless. */
		cima_seen_add(c, path, digest, sb->size, &fid);
	}
	kfree(b.p);
out_unlock:
	mutex_unlock(&c->exec_lock);
out_name:
	__putname(pbuf);
}

/*
 * The kernel ran a script's interpreter; the script file itself was closed
 * before the tracepoint.  Measure it by name, from the new program's own
 * context (same root and cwd), before it runs: what the interpreter will
 * open by the same name.
 */
static void cima_measure_script(struct cima_container *c, const char *name,
				u64 cgid)
{
	struct file *file;

	file = filp_open(name, O_RDONLY | O_LARGEFILE, 0);
	if (IS_ERR(file)) {
		cima_log_violation(c, CIMA_KIND_EXEC, PTR_ERR(file), name);
		return;
	}
	cima_measure_exec(c, file, cgid);
	fput(file);
}

static bool cima_valid_name(const char *s, size_t n)
{
	size_t i;

	if (!n || n > CIMA_RUNTIME_NAME_MAX || !isalnum(s[0]))
		return false;
	for (i = 1; i < n; i++)
		if (!isalnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/*
 * A runtime event "<name> <value>[\n]" (NUL-terminated, @len bytes) for
 * container @c.  Returns after the register was extended, or -EINVAL with
 * nothing logged.
 */
int cima_measure_runtime(struct cima_container *c, bool self,
			 const char *text, size_t len)
{
	const char *sp, *value;
	struct cima_buf b;
	size_t nlen, vlen, i;
	int ret;

	if (strlen(text) != len)
		return -EINVAL;		/* embedded NUL */
	if (len && text[len - 1] == '\n')
		len--;
	sp = memchr(text, ' ', len);
	if (!sp)
		return -EINVAL;
	nlen = sp - text;
	value = sp + 1;
	vlen = len - nlen - 1;
	if (!cima_valid_name(text, nlen) || !vlen)
		return -EINVAL;
	for (i = 0; i < vlen; i++)
		if ((u8)value[i] < 0x21 || (u8)value[i] > 0x7e)
			return -EINVAL;
	if (!cima_container_by_serial(c->serial))
		return -ENOENT;		/* stopped */
	cima_container_put(c);		/* the lookup's reference */
	/* Any process of the container may write self/: bound its memory. */
	if (self && cima_self_event_limit &&
	    atomic_inc_return(&c->nself) > cima_self_event_limit) {
		atomic_dec(&c->nself);
		return -ENOSPC;
	}

	if (!cima_event_buf(&b)) {
		if (self && cima_self_event_limit)
			atomic_dec(&c->nself);
		return -ENOMEM;
	}
	cima_buf_printf(&b, CIMA_DATA_TAG " " CIMA_KIND_RUNTIME
			" id=%s src=%s name=%.*s value=", c->id,
			self ? CIMA_SRC_SELF : CIMA_SRC_RUNTIME, (int)nlen, text);
	cima_buf_escape(&b, value, vlen);
	ret = b.overflow ? -EINVAL : cima_log_append(c, b.p, b.len);
	kfree(b.p);
	if (ret && self && cima_self_event_limit)
		atomic_dec(&c->nself);
	return ret;
}

/* ---- deferral -------------------------------------------------------------- */

static void cima_work_do(struct cima_work *w)
{
	switch (w->kind) {
	case CIMA_W_START:
		cima_measure_start(w->c);
		break;
	case CIMA_W_STOP:
		cima_measure_stop(w->c);
		break;
	case CIMA_W_EXEC:
		if (w->script)
			cima_measure_script(w->c, w->script, w->cgid);
		cima_measure_exec(w->c, w->file, w->cgid);
		break;
	}
	kfree(w->script);
	if (w->file)
		fput(w->file);
	cima_container_put(w->c);
	kfree(w);
	/*
	 * Last touch of module data.  Exit waits for the count, then for an
	 * RCU grace period, which covers this preemption-off section.
	 */
	preempt_disable();
	if (atomic_dec_and_test(&cima_pending))
		wake_up(&cima_pending_wq);
	preempt_enable();
}

static void cima_wq_fn(struct work_struct *work);

static void cima_task_work_fn(struct callback_head *cb)
{
	struct cima_work *w = container_of(cb, struct cima_work, twork);

	/*
	 * A task that exits before returning to user space runs its task work
	 * from do_exit(), after exit_fs() and exit_files(): no current->fs for
	 * d_path() or filp_open().  Nothing of it can run any more, so measure
	 * from the workqueue instead.
	 */
	if (current->flags & PF_EXITING) {
		INIT_WORK(&w->work, cima_wq_fn);
		queue_work(cima_wq, &w->work);
		return;
	}
	cima_work_do(w);
}

static void cima_wq_fn(struct work_struct *work)
{
	cima_work_do(container_of(work, struct cima_work, work));
}

/* Atomic context.  Takes over w and its references. */
static void cima_queue(struct cima_work *w)
{
	atomic_inc(&cima_pending);
	if (!(current->flags & (PF_KTHREAD | PF_IO_WORKER | PF_EXITING))) {
		init_task_work(&w->twork, cima_task_work_fn);
		if (!task_work_add(current, &w->twork, TWA_RESUME))
			return;
	}
	INIT_WORK(&w->work, cima_wq_fn);
	queue_work(cima_wq, &w->work);
}

/* ---- probes (atomic) ----------------------------------------------------- */

static void cima_probe_mkdir(void *data, struct cgroup *cgrp,
			     const char *path)
{
	char id[CIMA_ID_MAX + 1];
	struct cima_container *c, *parent_c;
	struct cgroup *parent;
	struct cima_work *w;
	u64 cgid;

	if (cgrp->root != &cgrp_dfl_root)
		return;
	cgid = cgroup_id(cgrp);
	parent = cgroup_parent(cgrp);
	if (parent) {
		parent_c = cima_cg_lookup(cgroup_id(parent));
		if (parent_c) {
			/* Below a container: part of it. */
			if (cima_cg_insert(cgid, parent_c, GFP_ATOMIC))
				cima_lost();
			cima_container_put(parent_c);
			return;
		}
	}
	if (!cima_policy_match(path, id))
		return;
	c = cima_container_alloc(id, cgid, path, GFP_ATOMIC);
	w = kzalloc(sizeof(*w), GFP_ATOMIC);
	if (!c || !w || cima_cg_insert(cgid, c, GFP_ATOMIC)) {
		cima_lost();
		cima_container_put(c);
		kfree(w);
		return;
	}
	w->kind = CIMA_W_START;
	w->c = c;
	cima_queue(w);
}

static void cima_probe_rmdir(void *data, struct cgroup *cgrp,
			     const char *path)
{
	struct cima_container *c;
	struct cima_work *w;
	u64 cgid;

	if (cgrp->root != &cgrp_dfl_root)
		return;
	cgid = cgroup_id(cgrp);
	c = cima_cg_erase(cgid);
	if (!c)
		return;
	if (c->cgid != cgid) {
		cima_container_put(c);	/* a cgroup below the container */
		return;
	}
	w = kzalloc(sizeof(*w), GFP_ATOMIC);
	if (!w) {
		cima_lost();
		cima_container_put(c);
		return;
	}
	w->kind = CIMA_W_STOP;
	w->c = c;
	cima_queue(w);
}

static void cima_probe_exec(void *data, struct task_struct *p,
			    pid_t old_pid, struct linux_binprm *bprm)
{
	struct cima_container *c;
	struct cima_work *w;
	u64 cgid;

	if (!bprm->file || !cima_policy_exec())
		return;
	rcu_read_lock();
	cgid = cgroup_id(task_dfl_cgroup(p));
	rcu_read_unlock();
	c = cima_cg_lookup(cgid);
	if (!c)
		return;
	w = kzalloc(sizeof(*w), GFP_ATOMIC);
	if (!w) {
		cima_lost();
		cima_container_put(c);
		return;
	}
	w->kind = CIMA_W_EXEC;
	w->c = c;
	w->cgid = cgid;
	w->file = get_file(bprm->file);
	/* binfmt_script (and binfmt_misc) replace the interpreter name. */
	if (bprm->interp != bprm->filename &&
	    strcmp(bprm->interp, bprm->filename)) {
		w->script = kstrdup(bprm->filename, GFP_ATOMIC);
		if (!w->script)
			cima_lost();
	}
	cima_queue(w);
}

/* ---- registration ---------------------------------------------------------- */

static struct {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
} cima_tps[] = {
	{ "cgroup_mkdir", cima_probe_mkdir },
	{ "cgroup_rmdir", cima_probe_rmdir },
	{ "sched_process_exec", cima_probe_exec },
};

static void cima_find_tp(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cima_tps); i++)
		if (!strcmp(tp->name, cima_tps[i].name))
			cima_tps[i].tp = tp;
}

void cima_hooks_exit(void)
{
	unsigned int i;

	for (i = ARRAY_SIZE(cima_tps); i-- > 0;) {
		if (cima_tps[i].registered)
			tracepoint_probe_unregister(cima_tps[i].tp,
						    cima_tps[i].probe, NULL);
		cima_tps[i].registered = false;
	}
	tracepoint_synchronize_unregister();
	/* No probe runs any more: wait for the works they queued. */
	wait_event(cima_pending_wq, !atomic_read(&cima_pending));
	synchronize_rcu();
	if (cima_wq)
		destroy_workqueue(cima_wq);
	cima_wq = NULL;
}

int cima_hooks_init(void)
{
	unsigned int i;
	int ret;

	cima_wq = alloc_ordered_workqueue("cima", 0);
	if (!cima_wq)
		return -ENOMEM;
	for_each_kernel_tracepoint(cima_find_tp, NULL);
	for (i = 0; i < ARRAY_SIZE(cima_tps); i++) {
		if (!cima_tps[i].tp) {
			pr_err("tracepoint %s not found\n", cima_tps[i].name);
			ret = -ENOENT;
			goto err;
		}
	}
	for (i = 0; i < ARRAY_SIZE(cima_tps); i++) {
		ret = tracepoint_probe_register(cima_tps[i].tp,
						cima_tps[i].probe, NULL);
		if (ret) {
			pr_err("cannot hook %s: %d\n", cima_tps[i].name, ret);
			goto err;
		}
		cima_tps[i].registered = true;
	}
	return 0;
err:
	cima_hooks_exit();
	return ret;
}

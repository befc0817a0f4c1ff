// SPDX-License-Identifier: GPL-2.0
/*
 * Hooks: the cgroup_mkdir, cgroup_rmdir and sched_process_exec
 * tracepoints, and kprobes on three LSM entry points (found by name, the
 * way IMA's hooks sit there):
 *  - security_bprm_check: each file an exec goes through; a #! script is
 *    measured from the file the kernel opened (the exec tracepoint only
 *    sees the interpreter);
 *  - security_mmap_file, security_file_mprotect: a file mapped executable
 *    (ld.so's own mappings of the libraries and of a program it is asked to
 *    run, LD_PRELOAD, dlopen, mprotect(PROT_EXEC) of a file mapping).
 *
 * Probes run in atomic context (preemption off; the cgroup ones also with
 * IRQs off and cgroup_mutex held, and their path argument is a shared
 * buffer; the kprobes from ftrace, never from the NMI-like int3 trap:
 * init refuses kprobes that are not ftrace-based).  They only look things up, allocate with GFP_ATOMIC and queue a
 * task_work on the current task with TWA_RESUME: it runs in that task's
 * context, able to sleep, before the task returns to user space - so a
 * container's start is measured before mkdir returns, an exec before the
 * new program's first instruction and a mapping before the mmap or
 * mprotect call returns.  Tasks that never return to user space (kernel
 * threads, io workers, exiting tasks) get an ordered workqueue instead, and
 * so do stops, gathered a tick at a time: nothing in a removed cgroup is
 * left to run, so rmdir does not wait for the register.
 *
 * Unload: task_work cannot be cancelled from a module, so every queued work
 * is counted in cima_pending and exit waits for the count to reach zero
 * after the probes are unregistered and drained, then for an RCU-tasks
 * grace period: a task that decremented the count may still be on its way
 * out of this module's code, and only RCU tasks waits for it to leave.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/personality.h>
#include <linux/cgroup.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/task_work.h>
#include <linux/workqueue.h>
#include <linux/tracepoint.h>
#include <linux/kprobes.h>
#include <linux/binfmts.h>
#include <linux/wait.h>
#include <linux/mempool.h>
#include <linux/llist.h>

#include <uapi/cima.h>

#include "container.h"
#include "fault.h"
#include "hooks.h"
#include "lifecycle.h"
#include "log.h"
#include "measure.h"
#include "policy.h"

/*
 * A container's start and stop works are part of it (c->start, c->stop):
 * neither probe allocates for them, and a stop cannot be lost.  File works
 * are allocated, from a reserve when GFP_ATOMIC fails, so that one failed
 * allocation in a probe does not leave an event unmeasured.
 */
#define CIMA_WORK_RESERVE	64
static mempool_t *cima_work_pool;

static struct cima_work *cima_work_alloc(gfp_t gfp)
{
	struct cima_work *w = mempool_alloc(cima_work_pool, gfp);

	if (w)
		memset(w, 0, sizeof(*w));
	return w;
}

static atomic_t cima_pending = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(cima_pending_wq);
static struct workqueue_struct *cima_wq;

/*
 * Stops are gathered and measured together a tick after the first of
 * them, by one work on cima_wq: an rmdir then only adds to a list, with
 * no worker woken per rmdir (under container churn most of what a stop
 * cost the rmdir).  In queue order, as log.c's readers expect.
 */
static LLIST_HEAD(cima_stops);
static void cima_stops_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(cima_stops_work, cima_stops_fn);

/* ---- the works (process context) ------------------------------------------ */

static void cima_do_start(struct cima_container *c, bool as_task)
{
	int ret = cima_container_add(c);

	/*
	 * The id is still taken: most often by the same container's previous
	 * life (docker restart), whose stop is still queued.  Let the queue
	 * run, then try again - not from the queue itself.
	 */
	if (ret == -EEXIST && as_task) {
		flush_delayed_work(&cima_stops_work);
		flush_workqueue(cima_wq);
		ret = cima_container_add(c);
	}
	cima_measure_start(c, !ret, ret);
}

static void cima_do_stop(struct cima_container *c)
{
	cima_measure_stop(c);
	cima_container_remove(c);
}

/* ---- deferral -------------------------------------------------------------- */

static void cima_work_do(struct cima_work *w, bool as_task)
{
	struct cima_container *c = w->c;

	switch (w->kind) {
	case CIMA_W_START:
		cima_do_start(w->c, as_task);
		break;
	case CIMA_W_STOP:
		cima_do_stop(w->c);
		cima_log_stop_done();
		break;
	case CIMA_W_FILE:
		cima_measure_file(w->c, w->fkind, w->file, w->cgid, as_task);
		break;
	}
	if (w->kind == CIMA_W_FILE) {
		fput(w->file);
		mempool_free(w, cima_work_pool);
	}
	cima_container_put(c);	/* may free c and the work it holds */
	/*
	 * Last touch of module data.  Exit waits for the count, then for an
	 * RCU-tasks grace period, which covers the way out of this function.
	 */
	if (atomic_dec_and_test(&cima_pending))
		wake_up(&cima_pending_wq);
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
	cima_work_do(w, true);
}

static void cima_wq_fn(struct work_struct *work)
{
	cima_work_do(container_of(work, struct cima_work, work), false);
}

static void cima_stops_fn(struct work_struct *work)
{
	struct llist_node *first = llist_reverse_order(llist_del_all(&cima_stops));
	struct cima_work *w, *next;

	llist_for_each_entry_safe(w, next, first, stop_node)
		cima_work_do(w, false);
}

/* Atomic context.  Takes over w and its references. */
static void cima_queue(struct cima_work *w)
{
	atomic_inc(&cima_pending);
	if (w->kind == CIMA_W_STOP) {
		/* The first on the list starts the clock; the rest join it. */
		if (llist_add(&w->stop_node, &cima_stops))
			queue_delayed_work(cima_wq, &cima_stops_work, 1);
		return;
	}
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
				cima_lost(parent_c);
			cima_container_put(parent_c);
			return;
		}
	}
	if (!cima_policy_match(path, id))
		return;
	c = NULL;
	if (!cima_should_fail(CIMA_FAIL_TRACK))
		c = cima_container_alloc(id, cgid, path, GFP_ATOMIC);
	if (!c || cima_cg_insert(cgid, c, GFP_ATOMIC)) {
		cima_lost(NULL);
		cima_untracked_add(cgid);
		cima_container_put(c);
		return;
	}
	/* The allocation's reference goes to the start work. */
	c->start.kind = CIMA_W_START;
	c->start.c = c;
	cima_queue(&c->start);
}

static void cima_probe_rmdir(void *data, struct cgroup *cgrp,
			     const char *path)
{
	struct cima_container *c;
	u64 cgid;

	if (cgrp->root != &cgrp_dfl_root)
		return;
	cgid = cgroup_id(cgrp);
	c = cima_cg_erase(cgid);
	if (!c) {
		cima_untracked_del(cgid);
		return;
	}
	if (c->cgid != cgid) {
		cima_container_put(c);	/* a cgroup below the container */
		return;
	}
	/* The table entry's reference goes to the stop work. */
	c->stop.kind = CIMA_W_STOP;
	c->stop.c = c;
	cima_log_stop_queued();
	cima_queue(&c->stop);
}

/*
 * Atomic context: measure @file for the current task if it runs in a
 * container.  Without memory for that, the loss is counted against the
 * container and, under "fail closed", the task is killed: the signal is
 * taken before it returns to user space.
 */
static void cima_defer_file(enum cima_file_kind kind, struct file *file)
{
	struct cima_container *c;
	struct cima_work *w;
	u64 cgid;

	rcu_read_lock();
	cgid = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
	c = cima_cg_lookup(cgid);
	if (!c) {
		/* A container that could not be tracked cannot be measured. */
		if (cima_policy_fail_closed() && cima_untracked_current()) {
			cima_lost(NULL);
			send_sig(SIGKILL, current, 1);
		}
		return;
	}
	w = cima_work_alloc(GFP_ATOMIC | __GFP_ACCOUNT);
	if (!w) {
		cima_lost(c);
		cima_container_put(c);
		if (cima_policy_fail_closed())
			send_sig(SIGKILL, current, 1);
		return;
	}
	w->kind = CIMA_W_FILE;
	w->fkind = kind;
	w->c = c;
	w->cgid = cgid;
	w->file = get_file(file);
	cima_queue(w);
}

static void cima_probe_exec(void *data, struct task_struct *p,
			    pid_t old_pid, struct linux_binprm *bprm)
{
	if (bprm->file && cima_policy_exec())
		cima_defer_file(CIMA_FILE_EXEC, bprm->file);
}

/*
 * security_bprm_check(bprm) runs for every file an exec goes through;
 * bprm->buf holds its first bytes.  A #! script is replaced by its
 * interpreter before the exec tracepoint: measure the script's file here,
 * the one the kernel opened, not a name looked up again later.
 */
static int cima_kp_bprm_check(struct kprobe *kp, struct pt_regs *regs)
{
	struct linux_binprm *bprm =
		(struct linux_binprm *)regs_get_kernel_argument(regs, 0);

	if (bprm && bprm->file && bprm->buf[0] == '#' && bprm->buf[1] == '!' &&
	    cima_policy_exec())
		cima_defer_file(CIMA_FILE_EXEC, bprm->file);
	return 0;
}

/* Is a mapping with @prot executable (READ_IMPLIES_EXEC included)? */
static bool cima_prot_exec(unsigned long prot)
{
	return (prot & PROT_EXEC) ||
	       ((prot & PROT_READ) &&
		(current->personality & READ_IMPLIES_EXEC));
}

/*
 * The program an exec runs is measured by the exec event; its own
 * mappings (made while the exec loads it) are not measured again.
 */
static bool cima_is_exe_file(struct file *file)
{
	struct mm_struct *mm = current->mm;

	return mm && rcu_access_pointer(mm->exe_file) == file;
}

/* security_mmap_file(file, prot, flags) */
static int cima_kp_mmap_file(struct kprobe *kp, struct pt_regs *regs)
{
	struct file *file = (struct file *)regs_get_kernel_argument(regs, 0);
	unsigned long prot = regs_get_kernel_argument(regs, 1);

	if (file && cima_prot_exec(prot) && !cima_is_exe_file(file) &&
	    cima_policy_mmap())
		cima_defer_file(CIMA_FILE_MMAP, file);
	return 0;
}

/* security_file_mprotect(vma, reqprot, prot), mmap_lock held */
static int cima_kp_mprotect(struct kprobe *kp, struct pt_regs *regs)
{
	struct vm_area_struct *vma =
		(struct vm_area_struct *)regs_get_kernel_argument(regs, 0);
	unsigned long prot = regs_get_kernel_argument(regs, 2);

	if (vma && vma->vm_file && (prot & PROT_EXEC) &&
	    !(vma->vm_flags & VM_EXEC) && !cima_is_exe_file(vma->vm_file) &&
	    cima_policy_mmap())
		cima_defer_file(CIMA_FILE_MMAP, vma->vm_file);
	return 0;
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

static struct kprobe cima_kps[] = {
	{ .symbol_name = "security_bprm_check", .pre_handler = cima_kp_bprm_check },
	{ .symbol_name = "security_mmap_file", .pre_handler = cima_kp_mmap_file },
	{ .symbol_name = "security_file_mprotect", .pre_handler = cima_kp_mprotect },
};
static struct kprobe *cima_kp_list[ARRAY_SIZE(cima_kps)];
static bool cima_kps_registered;

void cima_hooks_exit(void)
{
	unsigned int i;

	if (cima_kps_registered)
		unregister_kprobes(cima_kp_list, ARRAY_SIZE(cima_kp_list));
	cima_kps_registered = false;
	for (i = ARRAY_SIZE(cima_tps); i-- > 0;) {
		if (cima_tps[i].registered)
			tracepoint_probe_unregister(cima_tps[i].tp,
						    cima_tps[i].probe, NULL);
		cima_tps[i].registered = false;
	}
	tracepoint_synchronize_unregister();
	/* No probe runs any more: wait for the works they queued. */
	flush_delayed_work(&cima_stops_work);
	wait_event(cima_pending_wq, !atomic_read(&cima_pending));
	synchronize_rcu_tasks();
	if (cima_wq)
		destroy_workqueue(cima_wq);
	cima_wq = NULL;
	mempool_destroy(cima_work_pool);
	cima_work_pool = NULL;
}

int cima_hooks_init(void)
{
	unsigned int i;
	int ret;

	cima_work_pool = mempool_create_kmalloc_pool(CIMA_WORK_RESERVE,
						     sizeof(struct cima_work));
	cima_wq = alloc_ordered_workqueue("cima", 0);
	if (!cima_wq || !cima_work_pool) {
		ret = -ENOMEM;
		goto err;
	}
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
	for (i = 0; i < ARRAY_SIZE(cima_kps); i++)
		cima_kp_list[i] = &cima_kps[i];
	ret = register_kprobes(cima_kp_list, ARRAY_SIZE(cima_kp_list));
	if (ret) {
		pr_err("cannot probe the LSM entry points: %d\n", ret);
		goto err;
	}
	cima_kps_registered = true;
	/*
	 * The handlers allocate (GFP_ATOMIC) and queue task work: fine from
	 * ftrace, the way a kprobe at a function's entry runs on kernels with
	 * KPROBES_ON_FTRACE (Debian's), but not from the int3 trap, which is
	 * NMI-like (lockdep caught it on a kernel without ftrace).  Refuse
	 * rather than run there.
	 */
	for (i = 0; i < ARRAY_SIZE(cima_kps); i++) {
		if (!kprobe_ftrace(&cima_kps[i])) {
			pr_err("kprobe on %s is not ftrace-based (needs CONFIG_KPROBES_ON_FTRACE)\n",
			       cima_kps[i].symbol_name);
			ret = -EOPNOTSUPP;
			goto err;
		}
	}
	return 0;
err:
	cima_hooks_exit();
	return ret;
}

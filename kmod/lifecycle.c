// SPDX-License-Identifier: GPL-2.0
/*
 * A container's life: its start claims its id and publishes it, its stop
 * takes both away, and in between it has a securityfs directory.  Starts
 * and stops are serialised here: a stop normally comes long after the
 * start, but either may run late (the stop always does: it is measured
 * from a workqueue so that rmdir does not wait for the register), and
 * CIMA_C_STOPPED makes a late start a no-op.
 *
 * The directory is made from a workqueue, after mkdir has returned: a
 * directory and five files are most of what a container start costs
 * (Documentation/benchmarks.md), and nothing of the measurement depends on
 * them.  Nobody sees it missing: every path lookup in containers/, and
 * every open of it, first waits for the directories of the containers
 * started before (cima_dirs_settle(), called from the directory's
 * ->permission), so a directory is there for whoever looks after mkdir
 * returned, as before.
 *
 * A container whose directory cannot be made is still tracked: its events
 * are logged and its self/ view works; the failure is a logged violation.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/mutex.h>
#include <linux/hashtable.h>
#include <linux/stringhash.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/sched.h>

#include <uapi/cima.h>

#include "container.h"
#include "fs.h"
#include "lifecycle.h"
#include "log.h"

static DEFINE_MUTEX(cima_lifecycle_mutex);
static DEFINE_HASHTABLE(cima_ids, 8);	/* live ids, under the mutex */

/*
 * Directories queued and made, in order (the queue is ordered): a lookup
 * waits until every directory queued before it is made.
 */
static struct workqueue_struct *cima_dir_wq;
static atomic64_t cima_dirs_queued = ATOMIC64_INIT(0);
static atomic64_t cima_dirs_made = ATOMIC64_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(cima_dirs_wait);
/* The worker while it makes a directory: its own lookups must not wait. */
static struct task_struct *cima_dir_maker;

static u32 cima_id_hash(const char *id)
{
	return full_name_hash(NULL, id, strlen(id));
}

static bool cima_id_taken(const char *id)
{
	struct cima_container *o;

	hash_for_each_possible(cima_ids, o, id_node, cima_id_hash(id))
		if (!strcmp(o->id, id))
			return true;
	return false;
}

static void cima_dir_work_fn(struct work_struct *work)
{
	struct cima_container *c = container_of(work, struct cima_container,
						dir_work);
	int ret = 0;

	mutex_lock(&cima_lifecycle_mutex);
	if (!test_bit(CIMA_C_STOPPED, &c->flags) && !c->dir) {
		WRITE_ONCE(cima_dir_maker, current);
		ret = cima_fs_add_container(c);
		WRITE_ONCE(cima_dir_maker, NULL);
	}
	mutex_unlock(&cima_lifecycle_mutex);
	if (ret)
		cima_log_violation(c, CIMA_KIND_START, ret, c->path, false);
	atomic64_inc_return_release(&cima_dirs_made);	/* after the directory */
	wake_up_all(&cima_dirs_wait);
	cima_container_put(c);
}

/*
 * Claim @c's id, publish @c and queue its directory.  -EEXIST: the id is
 * in use.
 */
int cima_container_add(struct cima_container *c)
{
	int ret = 0;

	mutex_lock(&cima_lifecycle_mutex);
	if (test_bit(CIMA_C_STOPPED, &c->flags) ||
	    test_bit(CIMA_C_LISTED, &c->flags))
		goto out;
	if (cima_id_taken(c->id)) {
		ret = -EEXIST;
		goto out;
	}
	ret = cima_container_publish(c);
	if (ret)
		goto out;
	hash_add(cima_ids, &c->id_node, cima_id_hash(c->id));
	set_bit(CIMA_C_LISTED, &c->flags);
	cima_container_get(c);			/* the work's */
	INIT_WORK(&c->dir_work, cima_dir_work_fn);
	atomic64_inc(&cima_dirs_queued);
	queue_work(cima_dir_wq, &c->dir_work);
out:
	mutex_unlock(&cima_lifecycle_mutex);
	return ret;
}

void cima_container_remove(struct cima_container *c)
{
	mutex_lock(&cima_lifecycle_mutex);
	set_bit(CIMA_C_STOPPED, &c->flags);
	if (test_and_clear_bit(CIMA_C_LISTED, &c->flags)) {
		hash_del(&c->id_node);
		cima_container_unpublish(c);
	}
	if (c->dir)
		cima_fs_remove_container(c);
	mutex_unlock(&cima_lifecycle_mutex);
}

/*
 * Wait until the directories of the containers started so far are made.
 * @may_block false (RCU path walk): -ECHILD if that would wait.  Returns
 * 0, or -ERESTARTSYS on a fatal signal.  The maker itself never waits (its
 * securityfs lookups in containers/ come here).
 */
int cima_dirs_settle(bool may_block)
{
	s64 target = atomic64_read(&cima_dirs_queued);

	/* Acquire: the lookup that follows sees the directories counted. */
	if (atomic64_read_acquire(&cima_dirs_made) >= target ||
	    READ_ONCE(cima_dir_maker) == current)
		return 0;
	if (!may_block)
		return -ECHILD;
	return wait_event_killable(cima_dirs_wait,
			atomic64_read_acquire(&cima_dirs_made) >= target);
}

int cima_lifecycle_init(void)
{
	cima_dir_wq = alloc_ordered_workqueue("cima_dir", 0);
	return cima_dir_wq ? 0 : -ENOMEM;
}

/*
 * Module exit, after the hooks (no new starts): make the directories still
 * queued, then remove every one still there.
 */
void cima_lifecycle_exit(void)
{
	struct cima_container *c;
	u64 serial = 0;

	if (cima_dir_wq)
		destroy_workqueue(cima_dir_wq);	/* drains it first */
	cima_dir_wq = NULL;
	while ((c = cima_container_next_live(&serial)) != NULL) {
		cima_container_remove(c);
		cima_container_put(c);
	}
}

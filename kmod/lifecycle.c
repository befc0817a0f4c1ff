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
 * every open of it, first waits for the directories queued before
 * (fs.c's count, checked in the directory's ->permission), so a directory
 * is there for whoever looks after mkdir returned, as before.
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
#include <linux/workqueue.h>

#include <uapi/cima.h>

#include "container.h"
#include "fs.h"
#include "lifecycle.h"
#include "log.h"

static DEFINE_MUTEX(cima_lifecycle_mutex);
static DEFINE_HASHTABLE(cima_ids, 8);	/* live ids, under the mutex */

/* Ordered: fs.c's count of directories made follows the count queued. */
static struct workqueue_struct *cima_dir_wq;

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
	if (!test_bit(CIMA_C_STOPPED, &c->flags) && !c->dir)
		ret = cima_fs_add_container(c);
	mutex_unlock(&cima_lifecycle_mutex);
	if (ret)
		cima_log_violation(c, CIMA_KIND_START, ret, c->path, false);
	cima_fs_dir_done();
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
	cima_fs_dir_queued();
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

// SPDX-License-Identifier: GPL-2.0
/*
 * A container's life: its start claims its id and publishes it, its stop
 * takes both away, and in between it has a securityfs directory.  Starts
 * and stops are serialised here: a stop normally comes long after the
 * start, but either may run late (the stop always does: it is measured
 * from a workqueue so that rmdir does not wait for the register), and
 * CIMA_C_STOPPED makes a late start a no-op.
 *
 * The directory is not made at the start: a directory and five files are
 * most of what a container start costs (Documentation/benchmarks.md), and
 * nothing of the measurement depends on them.  fs.c makes it when someone
 * first looks in containers/ (its ->permission, before any lookup there
 * and any open of it), so it is there for whoever looks, and a container
 * nobody looks at never costs one.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/mutex.h>
#include <linux/hashtable.h>
#include <linux/stringhash.h>
#include <linux/string.h>

#include <uapi/cima.h>

#include "container.h"
#include "fs.h"
#include "lifecycle.h"

static DEFINE_MUTEX(cima_lifecycle_mutex);
static DEFINE_HASHTABLE(cima_ids, 8);	/* live ids, under the mutex */

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

/*
 * Claim @c's id, publish @c and owe it a directory.  -EEXIST: the id is
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
	cima_container_publish(c);
	hash_add(cima_ids, &c->id_node, cima_id_hash(c->id));
	set_bit(CIMA_C_LISTED, &c->flags);
	cima_fs_add_container(c);
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
		cima_fs_remove_container(c);
		cima_container_unpublish(c);
	}
	mutex_unlock(&cima_lifecycle_mutex);
}

/* Module exit, after the hooks (no new starts): stop every live one. */
void cima_lifecycle_exit(void)
{
	struct cima_container *c;

	while ((c = cima_container_any_live()) != NULL) {
		cima_container_remove(c);
		cima_container_put(c);
	}
}

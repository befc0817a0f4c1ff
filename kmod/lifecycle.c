// SPDX-License-Identifier: GPL-2.0
/*
 * A container's life: its start gives it a securityfs directory and
 * publishes it, its stop takes both away.  Starts and stops are serialised
 * here: a stop normally comes long after the start, but either may run late
 * (the stop always does: it is measured from a workqueue so that rmdir
 * does not wait for the register), and CIMA_C_STOPPED makes a late start a
 * no-op.
 *
 * A container whose directory cannot be made is still tracked: its events
 * are logged and its self/ view works; the failure is a logged violation.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/mutex.h>

#include <uapi/cima.h>

#include "container.h"
#include "fs.h"
#include "lifecycle.h"

static DEFINE_MUTEX(cima_lifecycle_mutex);

/* Give @c its directory and publish it.  -EEXIST: the id is in use. */
int cima_container_add(struct cima_container *c)
{
	int ret = 0;

	mutex_lock(&cima_lifecycle_mutex);
	if (test_bit(CIMA_C_STOPPED, &c->flags) || c->dir)
		goto out;
	ret = cima_fs_add_container(c);
	if (ret)
		goto out;
	ret = cima_container_publish(c);
	if (ret)
		cima_fs_remove_container(c);
out:
	mutex_unlock(&cima_lifecycle_mutex);
	return ret;
}

void cima_container_remove(struct cima_container *c)
{
	mutex_lock(&cima_lifecycle_mutex);
	set_bit(CIMA_C_STOPPED, &c->flags);
	if (c->dir) {
		cima_container_unpublish(c);
		cima_fs_remove_container(c);
	}
	mutex_unlock(&cima_lifecycle_mutex);
}

/* Module exit, after the hooks: remove the directories still there. */
void cima_lifecycle_exit(void)
{
	struct cima_container *c;
	u64 serial = 0;

	while ((c = cima_container_next_live(&serial)) != NULL) {
		cima_container_remove(c);
		cima_container_put(c);
	}
}

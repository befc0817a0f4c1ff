// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection knobs (fault.h): built only on kernels that have the
 * fault-injection framework with debugfs.
 */
#include <linux/kernel.h>
#include <linux/debugfs.h>
#include <linux/fault-inject.h>

#include "fault.h"

#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
static DECLARE_FAULT_ATTR(cima_fail_extend);
static DECLARE_FAULT_ATTR(cima_fail_extend_lost);
static DECLARE_FAULT_ATTR(cima_fail_track);

static struct {
	const char *name;
	struct fault_attr *attr;
} const cima_faults[] = {
	[CIMA_FAIL_EXTEND] = { "fail_extend", &cima_fail_extend },
	[CIMA_FAIL_EXTEND_LOST] = { "fail_extend_lost", &cima_fail_extend_lost },
	[CIMA_FAIL_TRACK] = { "fail_track", &cima_fail_track },
};

static struct dentry *cima_fault_dir;

void cima_fault_init(void)
{
	unsigned int i;

	cima_fault_dir = debugfs_create_dir("cima", NULL);
	for (i = 0; i < ARRAY_SIZE(cima_faults); i++)
		fault_create_debugfs_attr(cima_faults[i].name, cima_fault_dir,
					  cima_faults[i].attr);
}

void cima_fault_exit(void)
{
	debugfs_remove_recursive(cima_fault_dir);
	cima_fault_dir = NULL;
}

bool cima_should_fail(enum cima_fault f)
{
	return should_fail(cima_faults[f].attr, 1);
}
#endif

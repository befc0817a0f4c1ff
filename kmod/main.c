// SPDX-License-Identifier: GPL-2.0
/*
 * cima.ko: Container Integrity Measurement Agent.
 *
 * Module entry and exit only; every concern lives in its own file.
 */
#include <linux/module.h>
#include <linux/security.h>
#include <linux/err.h>

#include <uapi/cima.h>

static struct dentry *cima_dir;

static int __init cima_init(void)
{
	cima_dir = securityfs_create_dir("cima", NULL);
	if (IS_ERR(cima_dir))
		return PTR_ERR(cima_dir);
	return 0;
}

static void __exit cima_exit(void)
{
	securityfs_remove(cima_dir);
}

module_init(cima_init);
module_exit(cima_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Container Integrity Measurement Agent");

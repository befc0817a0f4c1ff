// SPDX-License-Identifier: GPL-2.0
/*
 * cima.ko: Container Integrity Measurement Agent.
 *
 * Module entry and exit only; every concern lives in its own file, and
 * each file keeps its own parameters.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/err.h>

#include "backend.h"
#include "container.h"
#include "fault.h"
#include "fs.h"
#include "hooks.h"
#include "lifecycle.h"
#include "log.h"
#include "policy.h"

static char *backend = "auto";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend, "Register backend: auto (tdx, tpm, sim), tdx, tpm or sim");

static int index = -1;
module_param(index, int, 0444);
MODULE_PARM_DESC(index, "Register to extend: PCR (tpm, sim; default 15) or RTMR (tdx; default 3)");

static int __init cima_init(void)
{
	int ret;

	cima_fault_init();
	ret = cima_backend_init(backend, index);
	if (ret)
		goto err_fault;
	ret = cima_log_init();
	if (ret)
		goto err_backend;
	ret = cima_policy_init();
	if (ret)
		goto err_log;
	ret = cima_fs_init();
	if (ret)
		goto err_policy;
	ret = cima_containers_init();
	if (ret)
		goto err_fs;
	ret = cima_hooks_init();	/* last: events may flow from here */
	if (ret)
		goto err_containers;
	return 0;

err_containers:
	cima_lifecycle_exit();
	cima_containers_exit();
err_fs:
	cima_fs_exit();
err_policy:
	cima_policy_exit();
err_log:
	cima_log_exit();
err_backend:
	cima_backend_exit();
err_fault:
	cima_fault_exit();
	return ret;
}

static void __exit cima_exit(void)
{
	cima_hooks_exit();		/* first: no new events after this */
	cima_lifecycle_exit();
	cima_containers_exit();
	cima_fs_exit();
	cima_policy_exit();
	cima_log_exit();
	cima_backend_exit();
	cima_fault_exit();
}

module_init(cima_init);
module_exit(cima_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Container Integrity Measurement Agent");
/* SHA-384 is a module on some kernels (Debian 6.1). */
MODULE_SOFTDEP("pre: sha512_generic");

// SPDX-License-Identifier: GPL-2.0
/*
 * cima.ko: Container Integrity Measurement Agent.
 *
 * Module entry and exit only; every concern lives in its own file.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/err.h>

#include "cima.h"

static char *backend = "auto";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend, "Register backend: auto (tdx, tpm, sim), tdx, tpm or sim");

static int index = -1;
module_param(index, int, 0444);
MODULE_PARM_DESC(index, "Register to extend: PCR (tpm, sim; default 15) or RTMR (tdx; default 3)");

char *cima_sim_banks = "sha256,sha384";
module_param_named(banks, cima_sim_banks, charp, 0444);
MODULE_PARM_DESC(banks, "sim backend: comma-separated hash banks (default sha256,sha384)");

bool cima_allow_unload;
module_param_named(allow_unload, cima_allow_unload, bool, 0444);
MODULE_PARM_DESC(allow_unload, "TEST ONLY: allow rmmod after a hardware register was extended");

unsigned int cima_self_event_limit = 1024;
module_param_named(self_event_limit, cima_self_event_limit, uint, 0444);
MODULE_PARM_DESC(self_event_limit, "Most runtime events a container may add through self/event (0: no limit)");

module_param_named(max_file_size, cima_max_file_size, ulong, 0444);
MODULE_PARM_DESC(max_file_size, "Largest file hashed for an exec or mmap event, in bytes; larger ones are a violation (default 1 GiB; 0: no cap)");

module_param_named(max_events, cima_max_events, uint, 0444);
MODULE_PARM_DESC(max_events, "Most events logged per container; reaching it logs one limit violation (default 16384; 0: no cap)");

module_param_named(max_cache, cima_max_cache, uint, 0444);
MODULE_PARM_DESC(max_cache, "Exec cache entries per container; the oldest is evicted beyond it (default 4096; 0: no cap)");

bool cima_fail_closed_param;
module_param_named(fail_closed, cima_fail_closed_param, bool, 0444);
MODULE_PARM_DESC(fail_closed, "Start with policy \"fail closed\": kill a task whose exec or mapping cannot be measured (default: fail open)");

static int __init cima_init(void)
{
	int ret;

	ret = cima_backend_init(backend, index);
	if (ret)
		return ret;
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
}

module_init(cima_init);
module_exit(cima_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Container Integrity Measurement Agent");
/* SHA-384 is a module on some kernels (Debian 6.1). */
MODULE_SOFTDEP("pre: sha512_generic");

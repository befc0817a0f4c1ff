// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark only: the cost of the hooks cima.ko sits on, with nothing done
 * in them.  Registers empty probes on the tracepoints cima.ko uses
 * (cgroup_mkdir, cgroup_rmdir, sched_process_exec) and empty ftrace-based
 * kprobes on the same three LSM entry points.  Enabling the cgroup
 * tracepoints alone makes the kernel format the cgroup's path into a
 * shared buffer, under a spinlock with interrupts off, on every mkdir and
 * rmdir: a cost any module hooked there pays.  bench/kmod/inner.sh loads
 * it as the "floor" column, the lower bound of what cima.ko can cost on
 * these hooks.  Not part of cima; never loaded outside the benchmark.
 */
#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

struct cgroup;
struct task_struct;
struct linux_binprm;

static void floor_cgroup(void *data, struct cgroup *cgrp, const char *path)
{
}

static void floor_exec(void *data, struct task_struct *p, pid_t old_pid,
		       struct linux_binprm *bprm)
{
}

static struct {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
} floor_tps[] = {
	{ "cgroup_mkdir", floor_cgroup },
	{ "cgroup_rmdir", floor_cgroup },
	{ "sched_process_exec", floor_exec },
};

static int floor_kp(struct kprobe *kp, struct pt_regs *regs)
{
	return 0;
}

static struct kprobe floor_kps[] = {
	{ .symbol_name = "security_bprm_check", .pre_handler = floor_kp },
	{ .symbol_name = "security_mmap_file", .pre_handler = floor_kp },
	{ .symbol_name = "security_file_mprotect", .pre_handler = floor_kp },
};

static struct kprobe *floor_kp_list[ARRAY_SIZE(floor_kps)];
static bool floor_kps_registered;

static void floor_find_tp(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(floor_tps); i++)
		if (!strcmp(tp->name, floor_tps[i].name))
			floor_tps[i].tp = tp;
}

static void floor_unhook(void)
{
	unsigned int i;

	if (floor_kps_registered)
		unregister_kprobes(floor_kp_list, ARRAY_SIZE(floor_kp_list));
	floor_kps_registered = false;
	for (i = 0; i < ARRAY_SIZE(floor_tps); i++) {
		if (floor_tps[i].registered)
			tracepoint_probe_unregister(floor_tps[i].tp,
						    floor_tps[i].probe, NULL);
		floor_tps[i].registered = false;
	}
	tracepoint_synchronize_unregister();
}

static int __init floor_init(void)
{
	unsigned int i;
	int ret;

	for_each_kernel_tracepoint(floor_find_tp, NULL);
	for (i = 0; i < ARRAY_SIZE(floor_tps); i++) {
		if (!floor_tps[i].tp) {
			ret = -ENOENT;
			goto err;
		}
		ret = tracepoint_probe_register(floor_tps[i].tp,
						floor_tps[i].probe, NULL);
		if (ret)
			goto err;
		floor_tps[i].registered = true;
	}
	for (i = 0; i < ARRAY_SIZE(floor_kps); i++)
		floor_kp_list[i] = &floor_kps[i];
	ret = register_kprobes(floor_kp_list, ARRAY_SIZE(floor_kp_list));
	if (ret)
		goto err;
	floor_kps_registered = true;
	return 0;
err:
	floor_unhook();
	return ret;
}

static void __exit floor_exit(void)
{
	floor_unhook();
}

module_init(floor_init);
module_exit(floor_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Benchmark only: empty probes on cima.ko's hooks");

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fault injection for cima.ko (make check-debug; needs CONFIG_FAILSLAB and
# debugfs): slab allocations of the tasks that exec and map files in a
# container fail at random (task-filter, 20%), and so do the module's own
# allocations in their task_work.  Nothing may crash or leak (the VM run
# fails on a report); the log must still replay to the register, and the
# failures must show up as violations, not silently.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
. "$top/selftests/common/tap.sh"
. "$top/selftests/common/oci.sh"
fs=/sys/kernel/security/cima
fi=/sys/kernel/debug/failslab
tap_plan 2
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug 2> /dev/null
if [ ! -d $fi ] || [ ! -r $fs/register ]; then
	tap_skip "failslab on the module's allocations" "no $fi (CONFIG_FAILSLAB) or no cima.ko"
	tap_skip "log replays after failslab" "no $fi"
	tap_done
fi
# task-filter first: with it off, a non-zero probability fails every
# task's allocations, this shell's included (the first debug run died so).
echo Y > $fi/task-filter
echo 0 > $fi/verbose
echo 0 > $fi/interval
echo -1 > $fi/times
echo 0 > $fi/space
echo N > $fi/ignore-gfp-wait
echo 20 > $fi/probability
id=$(cima_random_id)
cg=/sys/fs/cgroup/$id
mkdir "$cg"
# The scripts on a tmpfs of their own: on the VM's virtio-fs root every
# failed allocation of a request is retried, which slowed the first runs
# to minutes per exec.
work=$(mktemp -d /tmp/cima-fs.XXXXXX)
mount -t tmpfs -o size=4m tmpfs "$work"
v0=$(cat $fs/violations)
for i in $(seq 200); do
	printf '#!/bin/sh\n# %s\n' "$i" > "$work/s$i"; chmod +x "$work/s$i"
	sh -c 'echo $$ > "$0/cgroup.procs"; echo 1 > /proc/self/make-it-fail; exec "$1"' "$cg" "$work/s$i" 2> /dev/null
done
echo 0 > $fi/probability
v1=$(cat $fs/violations)
rmdir "$cg"
umount "$work"
rmdir "$work"
tap_ok "200 execs with 20% of their slab allocations failing: no crash, violations $v0 -> $v1"
out=$("$O/selftests/kmod/test_log" 2>&1)
if [ $? = 0 ]; then tap_ok "after failslab the log replays to the register"
else tap_fail "after failslab the log replays to the register" "$out"; fi
tap_done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cima.ko's failure paths, driven by its fault injection (kmod/fault.h,
# <debugfs>/cima/).  Needs a kernel with CONFIG_FAULT_INJECTION_DEBUG_FS
# (make check-debug's; Debian's kernels have none, and skip).
# 1-6, with the tpm backend: a TPM extend that reports an error is settled
# by reading the PCR back, so the log and the PCR never disagree:
#  - fail_extend_lost: the TPM carried the extend out but cima.ko is told
#    it failed (a lost answer): the record must be kept;
#  - fail_extend: the extend fails before the TPM sees it: the record
#    must be dropped and counted as a violation.
# After each, the log's replay must equal the PCR as the TPM driver's
# sysfs file reads it (/sys/class/tpm/tpm0/pcr-sha256/<index>).
# 7-9, any backend: a container cgroup that cannot be tracked (fail_track:
# no memory even in the reserve) - under "fail closed" an exec in it or in
# a cgroup below it is killed; under "fail open" it runs; the id is
# tracked again once the cgroup is gone.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
. "$top/selftests/common/tap.sh"
. "$top/selftests/common/oci.sh"

fs=/sys/kernel/security/cima
log=$fs/ascii_runtime_measurements
dbg=/sys/kernel/debug/cima
base=/sys/fs/cgroup/cima-selftest-faults
N=9
tap_plan $N
[ -d /sys/kernel/debug/tracing ] || mount -t debugfs none /sys/kernel/debug 2> /dev/null
if [ "$(id -u)" != 0 ] || [ ! -r $fs/register ] || [ ! -d $dbg/fail_track ]; then
	for i in $(seq $N); do
		tap_skip "fault injection test $i" "needs root, cima.ko and a kernel with CONFIG_FAULT_INJECTION_DEBUG_FS"
	done
	tap_done
fi
idx=$(awk '$1 == "index" { print $2 }' $fs/register)
old_policy=$(grep -E '^(exec|fail) ' $fs/policy)
work=$(mktemp -d /tmp/cima-faults.XXXXXX)
chmod 755 "$work"
cleanup() {
	printf '%s\n' "$old_policy" > $fs/policy 2> /dev/null
	for f in fail_extend fail_extend_lost fail_track; do
		echo 0 > $dbg/$f/probability
		echo 0 > $dbg/$f/times
	done
	find $base -depth -type d -exec rmdir {} \; 2> /dev/null
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p $base
grep -qx 'defaults on' $fs/policy || echo 'defaults on' > $fs/policy

in_cg() { local cg=$1; shift; sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$@"; }
count() { cat $fs/runtime_measurements_count; }
since() { tail -n +$(($1 + 1)) $log; }
# Arm fault $1 for the next extend only.
arm() {
	echo 0 > $dbg/$1/verbose
	echo 1 > $dbg/$1/times
	echo 100 > $dbg/$1/probability
}
remaining() { cat $dbg/$1/times; }
pcr() { tr 'A-F' 'a-f' < /sys/class/tpm/tpm0/pcr-sha256/"$idx"; }
replay() { "$O/cima" replay --source cima | awk -v i="$idx" '$1 == i && $2 == "sha256" { print $3 }'; }
replays() {
	r=$(replay) p=$(pcr)
	if [ -n "$r" ] && [ "$r" = "$p" ]; then
		tap_ok "$1: the log replays to PCR $idx (sysfs)"
	else
		tap_fail "$1: the log replays to PCR $idx (sysfs)" "replay $r" "sysfs   $p"
	fi
}

id=$(cima_random_id)
cg=$base/$id
mkdir "$cg"
printf '#!/bin/sh\nexit 0\n# lost\n' > "$work/a"
printf '#!/bin/sh\nexit 0\n# fail\n' > "$work/b"
chmod 755 "$work/a" "$work/b"

if ! grep -qx 'backend tpm' $fs/register; then
	for i in 1 2 3 4 5 6; do tap_skip "TPM read-back test $i" "needs the tpm backend"; done
else
# 1-3: the answer of a done extend is lost.
n0=$(count)
arm fail_extend_lost
in_cg "$cg" "$work/a"
if [ "$(remaining fail_extend_lost)" = 0 ] &&
   since "$n0" | grep -q " cima/1 exec id=$id cg=[0-9]* file=sha384:$(sha384sum "$work/a" | cut -d' ' -f1) path=$work/a\$"; then
	tap_ok "an extend done but reported failed: its record is kept (the fault fired)"
else
	tap_fail "an extend done but reported failed: its record is kept" \
		"fault times left: $(remaining fail_extend_lost)" "$(since "$n0" | cut -c1-160)"
fi
tap_check "the module said it settled by reading back" sh -c 'dmesg | grep -q "extend reported -62 but was done"'
replays "after a lost answer"

# 4-6: an extend that never reached the TPM.
n0=$(count) v0=$(cat $fs/violations)
arm fail_extend
in_cg "$cg" "$work/b"
v1=$(cat $fs/violations)
if [ "$(remaining fail_extend)" = 0 ] &&
   ! since "$n0" | grep -q " cima/1 exec id=$id .* path=$work/b\$"; then
	tap_ok "an extend that failed before the TPM: its record is dropped (the fault fired)"
else
	tap_fail "an extend that failed before the TPM: its record is dropped" \
		"fault times left: $(remaining fail_extend)" "$(since "$n0" | cut -c1-160)"
fi
tap_check "the dropped record is counted as a violation ($v0 -> $v1)" test "$v1" -gt "$v0"
replays "after a failed extend"
fi
rmdir "$cg"

# 7-9: a container cgroup that could not be tracked.
id=$(cima_random_id)
cg=$base/$id
arm fail_track
mkdir "$cg" "$cg/below"
if [ "$(remaining fail_track)" = 0 ] && [ ! -e "$fs/containers/$id" ]; then
	printf 'exec on\nfail closed\n' > $fs/policy
	in_cg "$cg" /bin/true; rc1=$?
	in_cg "$cg/below" /bin/true; rc2=$?
	if [ $rc1 = 137 ] && [ $rc2 = 137 ]; then
		tap_ok "fail closed: an exec in an untracked container cgroup, and below it, is killed (137, 137)"
	else
		tap_fail "fail closed: an exec in an untracked container cgroup, and below it, is killed" \
			"exit statuses $rc1, $rc2"
	fi
	echo 'fail open' > $fs/policy
	in_cg "$cg" /bin/true
	tap_check "fail open: the same exec runs" test $? = 0
else
	tap_fail "fail_track: the container cgroup is not tracked (the fault fired)" \
		"fault times left: $(remaining fail_track)" "$(ls $fs/containers)"
	tap_skip "fail open: the same exec runs" "the fault did not fire"
fi
rmdir "$cg/below" "$cg"
mkdir "$cg"
printf 'fail closed\n' > $fs/policy
in_cg "$cg" /bin/true; rc=$?
echo 'fail open' > $fs/policy
if [ -d "$fs/containers/$id" ] && [ $rc = 0 ]; then
	tap_ok "the same id is tracked again once the untracked cgroup is gone, and runs under fail closed"
else
	tap_fail "the same id is tracked again once the untracked cgroup is gone" \
		"containers/$id: $(ls -d "$fs/containers/$id" 2>&1)" "exit $rc"
fi
rmdir "$cg"
tap_done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The DKMS-built cima.ko, loaded in the VM.  tests/test_dkms.sh (host) builds
# the module with the real dkms for each installed cloud kernel and leaves
# it in $O/dkms/<release>/cima.ko with a digest of its sources; here, for
# the running kernel:
#  - the module is the one dkms built from the current sources (digest),
#    for this kernel (vermagic), and dkms signed it (signer);
#  - the module the runner loaded ($CIMA_KO), if any, is unloaded and the
#    DKMS one is loaded with the same parameters (backend=sim when none was
#    loaded); its securityfs files appear;
#  - a runc container is tracked: its process sees its start and exec in
#    its self view, the global log has its start (cgroupsPath), the exec of
#    /bin/busybox and its stop, and containers/<id>/ is gone after it;
#  - rmmod removes it, and the module the runner loaded comes back with
#    the parameters it had.
# The tpm backend pins the module once it extended the register (see
# kmod/test_unload.sh): under it without allow_unload only the first check
# runs.  make check runs
# this area in the sim suite; alone:
#   tools/vm/run --kernel 6.12 --no-module -- selftests/run.sh dkms
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/common/tap.sh"
. "$top/selftests/common/rootfs.sh"
. "$top/selftests/common/oci.sh"

fs=/sys/kernel/security/cima
params=/sys/module/cima/parameters
build=${O:-$top/build}
rel=$(uname -r)
ko=$build/dkms/$rel/cima.ko
plan=8
tap_plan $plan

skip_rest() {
	for _ in $(seq $((plan - tap_n))); do tap_skip "dkms load test $((tap_n + 1))" "$1"; done
	tap_done
}

[ "$(id -u)" = 0 ] || skip_rest "needs root"
[ -f "$ko" ] || skip_rest "no $ko: run tests/test_dkms.sh (host) first"
want=$("$top/selftests/dkms/sources-digest" "$top") || skip_rest "cannot digest the sources"
[ "$(cat "$build/dkms/$rel/sources.sha256" 2>/dev/null)" = "$want" ] ||
	skip_rest "$ko was built from other sources: run tests/test_dkms.sh (host) again"

signer=$(modinfo -F signer "$ko")
if [ "$(modinfo -F name "$ko")" = cima ] && modinfo -F vermagic "$ko" | grep -q "^$rel " &&
   [ -n "$signer" ]; then
	tap_ok "DKMS module for $rel from the current sources, signed by '$signer'"
else
	tap_fail "DKMS module for $rel from the current sources, signed" \
		"$(modinfo "$ko" | grep -E '^(name|vermagic|signer):')"
fi

# What the runner loaded, to load the DKMS module the same way and to put
# back afterwards.
orig_args=
if grep -q '^cima ' /proc/modules; then
	orig_args="backend=$(cat $params/backend) index=$(cat $params/index)"
	[ -r $params/banks ] && orig_args="$orig_args banks=$(cat $params/banks)"
	[ -r $params/allow_unload ] && orig_args="$orig_args allow_unload=$(cat $params/allow_unload)"
	# The tpm backend pins the module once it extends the register: a
	# DKMS module loaded with it could not be swapped back.
	if [ "$(cat $params/backend)" = tpm ] && [ "$(cat $params/allow_unload 2>/dev/null)" != Y ]; then
		skip_rest "the loaded cima.ko uses the tpm backend without allow_unload (pinned)"
	fi
	if ! rmmod cima 2>/dev/null; then
		skip_rest "the loaded cima.ko cannot be unloaded ($orig_args; the tpm backend pins it)"
	fi
fi
args=${orig_args:-backend=sim}

restore() {
	grep -q '^cima ' /proc/modules && rmmod cima
	# shellcheck disable=SC2086
	[ -n "$orig_args" ] && [ -n "$CIMA_KO" ] && insmod "$CIMA_KO" $orig_args
}
work=$(mktemp -d /tmp/cima-dkms.XXXXXX)
trap 'rm -rf "$work"' EXIT

# insmod does not follow the module's softdeps (sha512_generic for the
# sha384 bank, a module on Debian's 6.1): load them as modprobe would.
for d in $(modinfo -F softdep "$ko" | sed 's/^pre://; s/post:.*//'); do
	modprobe "$d" 2>/dev/null
done
# shellcheck disable=SC2086
if insmod "$ko" $args 2> "$work/insmod.err"; then
	tap_ok "insmod the DKMS module ($args)"
else
	tap_fail "insmod the DKMS module ($args)" "$(cat "$work/insmod.err")"
	restore
	skip_rest "the DKMS module did not load"
fi
missing=
for f in register ascii_runtime_measurements binary_runtime_measurements \
	 runtime_measurements_count containers self/ascii_runtime_measurements; do
	[ -e "$fs/$f" ] || missing="$missing $f"
done
tap_check "securityfs files appear${missing:+ (missing:$missing)}" test -z "$missing"

# A runc container, tracked by the DKMS module.
log=$fs/ascii_runtime_measurements
id=$(cima_random_id)
mkdir -p "$work/bundle"
if ! command -v runc > /dev/null || ! cima_busybox_rootfs "$work/bundle/rootfs" 2> "$work/rootfs.err"; then
	tap_fail "runc container runs" "runc or the busybox rootfs is missing" "$(cat "$work/rootfs.err")"
elif cima_oci_config "$work/bundle" "/cima-selftest-dkms/$id" --securityfs -- \
	/bin/sh -c 'cat /sys/kernel/security/cima/self/ascii_runtime_measurements' &&
     runc --root "$work/state" run --bundle "$work/bundle" "$id" \
	> "$work/out" 2> "$work/runc.err" < /dev/null; then
	tap_ok "runc container runs"
else
	tap_fail "runc container runs" "$(cat "$work/runc.err")"
fi
if grep -q " cima/1 start id=$id " "$work/out" &&
   grep -q " cima/1 exec id=$id .* path=/bin/busybox$" "$work/out"; then
	tap_ok "the container sees its start and exec in its self view"
else
	tap_fail "the container sees its start and exec in its self view" "$(head -c 2000 "$work/out")"
fi
events=$(grep " id=$id " $log | sed -n 's/.* cima\/1 \([a-z]*\) .*/\1/p' | tr '\n' ' ')
if grep -q " cima/1 start id=$id .* path=/cima-selftest-dkms/$id" $log &&
   grep -q " cima/1 exec id=$id .* path=/bin/busybox$" $log &&
   [ "${events##* stop}" = " " ] && [ ! -e "$fs/containers/$id" ]; then
	tap_ok "global log: start with the cgroupsPath, exec of /bin/busybox, stop last; directory gone"
else
	tap_fail "global log: start, exec of /bin/busybox, stop last; directory gone" \
		"events: $events" "$(ls $fs/containers)"
fi
rmdir /sys/fs/cgroup/cima-selftest-dkms 2>/dev/null

if rmmod cima && [ ! -e $fs ]; then
	tap_ok "rmmod the DKMS module removes its securityfs tree"
else
	tap_fail "rmmod the DKMS module removes its securityfs tree" "$(ls $fs 2>&1)"
fi
if [ -n "$orig_args" ]; then
	restore
	tap_check "the runner's module is back ($orig_args)" test -r $fs/register
else
	tap_skip "the runner's module is back" "none was loaded (--no-module)"
fi
tap_done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: build everything, lint (mk/lint.sh), run the host tests,
# the test-VM runner's own tests and the VM selftests on both Debian
# kernels, print all TAP and end with one line
# "N passed, N failed, N skipped" (mk/tap-summary).
# Exit status 1 when anything failed.
#
# Environment:
#   CHECK_KERNELS   kernels for the VM selftests (default "6.1 6.12")
#   CHECK_VM=0      host tests only (no VM boots)
#   CHECK_JOBS      VM runs at once (default 1: two TCG guests on two
#                   cores take longer in all than one after the other)
#   O               build directory (default build/)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export O=${O:-$top/build}
kernels=${CHECK_KERNELS:-6.1 6.12}
jobs=${CHECK_JOBS:-1}
res=$O/check
rm -rf "$res"
mkdir -p "$res"
start=$(date +%s)

stamp() { echo "# check: $* ($(( $(date +%s) - start ))s)"; }

# A step that cannot even start (build failure, broken VM) still counts as
# a failed test, so the summary line never reads as a pass.
fail_step() { echo "not ok - $1"; shift; printf '# %s\n' "$@"; }

# --- build ------------------------------------------------------------------
stamp "building the module for $kernels, libcima, tools, tests"
build() {
	make --no-print-directory -j2 all &&
	for k in $kernels; do
		make --no-print-directory module fakes KVER="$k" || return 1
	done &&
	make --no-print-directory -C selftests -j2 &&
	make --no-print-directory -C tests -j2
}
if ! build > "$res/build.log" 2>&1; then
	tail -n 40 "$res/build.log"
	fail_step "build (make all, modules, selftests, tests)" "see $res/build.log" > "$res/build.tap"
	cat "$res/build.tap"
	mk/tap-summary "$res/build.tap"
	exit 1
fi
grep -E 'warning:' "$res/build.log" | sed 's/^/# build: /'

# --- lint: checkpatch (kmod/), sparse (both kernels), shellcheck ----------
# One TAP result per tool; findings not in mk/lint-baseline fail.
stamp "lint"
mk/tap-run lint 1200 mk/lint.sh > "$res/lint.tap" 2>&1
cat "$res/lint.tap"

# --- host tests (ASan + UBSan) ---------------------------------------------
stamp "host tests"
tests/run.sh > "$res/host.tap" 2>&1
cat "$res/host.tap"

if [ "${CHECK_VM:-1}" = 0 ]; then
	stamp "VM tests skipped (CHECK_VM=0)"
	echo "ok - VM selftests # SKIP CHECK_VM=0 was given" > "$res/vm-skipped.tap"
	mk/tap-summary "$res"/*.tap
	exit
fi

# --- VM runs ------------------------------------------------------------------
# Each suite is one VM boot: "NAME|runner options|command".  Up to $jobs
# run at once; each is printed whole when it ends, in this order.
# What runs on every kernel: the module's own tests (kmod) and the areas
# that meet the kernel (boot, dkms, eventlog's firmware and IMA logs,
# report's TPM driver and fake TDX/SNP devices, tamper).  What runs on the
# last kernel only: the areas that test user space over the module's
# securityfs ABI, which is the same on every kernel - the Go and Rust
# bindings, the OCI hook, the Python SDK - and the container engines
# (selftests/engines: dockerd, podman, containerd, about 3 minutes under
# TCG, in a boot of their own), which test the engines' cgroup layouts and
# hooks.  Running those on both kernels would add about 8 minutes (as
# measured on 2 Dec 2026: Documentation/testing.md).
last=${kernels##* }
once_areas="bindings ocihook python"
areas=$(cd selftests && for d in */; do
	d=${d%/}
	[ "$d" != engines ] && ls "$d"/test_* > /dev/null 2>&1 && echo "$d"
done | tr '\n' ' ')
suites=()
for k in $kernels; do
	k_areas=$areas
	if [ "$k" != "$last" ]; then
		k_areas=$(for a in $areas; do
			case " $once_areas " in *" $a "*) ;; *) echo "$a" ;; esac
		done | tr '\n' ' ')
	fi
	# The tpm backend on a real (swtpm) TPM: every area above but
	# test_cgroups.sh, which runs under sim (the cgroup and directory races
	# it looks for are the same on both backends, and the most frequent
	# with sim's fast extends).  IMA keeps a real log for the event-log
	# and report tests: on the first kernel it measures the tcb policy, so
	# that its log grows while they run; elsewhere only critical data (the
	# boot aggregate, the kernel version).  tcb doubles a boot's time: on
	# the virtiofs root, a FUSE file system, IMA hashes every file again
	# at each exec, mapping and read by root (libc at every process).
	ima=critical_data
	[ "$k" = "${kernels%% *}" ] && ima=tcb
	suites+=("vm-$k-tpm|--kernel $k --module-args backend=tpm --append ima_policy=$ima|env CIMA_SELFTEST_EXCLUDE=kmod/test_cgroups.sh selftests/run.sh $k_areas")
	# The software backend: the module tests that depend on the backend
	# (log and register, views, recognition, unload) and test_cgroups.sh;
	# the scale and runtime tests exercise the same code as under tpm.
	# dkms: the DKMS-built module (tests/test_dkms.sh) swapped in and used;
	# the tpm backend pins the module, so only here.
	suites+=("vm-$k-sim|--kernel $k --module-args backend=sim|selftests/run.sh boot kmod/test_log kmod/test_container kmod/test_cgroups.sh kmod/test_unload.sh dkms")
done
suites+=("vm-$last-engines|--kernel $last --module-args backend=tpm --append ima_policy=critical_data|selftests/run.sh engines")

# Every suite's kernel runs SLUB's own checks (sanity, red zones, poison,
# user tracking) on caches that are not merged, so a slab overrun or
# use-after-free in the module is reported even without KASAN; the runner
# fails a run whose guest log has such a report (exit 126).
vm_debug_append="slub_debug=FZPU slab_nomerge"

run_suite() {
	local name=$1 opts=$2 cmd=$3 rc
	# shellcheck disable=SC2086
	tools/vm/run $opts --append "$vm_debug_append" --timeout 1500 -- $cmd \
		> "$res/$name.tap" 2>&1
	rc=$?
	case $rc in
	0|1) ;;
	124) fail_step "$name: the VM timed out" >> "$res/$name.tap" ;;
	126) fail_step "$name: the guest kernel log has a report (above)" >> "$res/$name.tap" ;;
	*) fail_step "$name: the VM run failed with status $rc" >> "$res/$name.tap" ;;
	esac
	echo $rc > "$res/$name.rc"
}

# The runner's own tests mostly wait (a guest sleeping into a timeout, a
# run being stopped): they go on beside the suites.
stamp "starting runner (in the background)"
CIMA_VM_KERNEL=${kernels##* } tests/vm/test_runner.sh > "$res/runner.tap" 2>&1 &

spids=()
for s in "${suites[@]}"; do
	IFS='|' read -r name opts cmd <<< "$s"
	# At most $jobs suites at once: wait for the oldest.
	if [ ${#spids[@]} -ge "$jobs" ]; then
		wait "${spids[0]}"
		spids=("${spids[@]:1}")
	fi
	stamp "starting $name"
	run_suite "$name" "$opts" "$cmd" &
	spids+=($!)
done
wait

for s in "${suites[@]}" "runner"; do
	IFS='|' read -r name _ _ <<< "$s"
	echo "# ===== $name ====="
	cat "$res/$name.tap"
done
stamp "done"
echo "# per-part results: $res"
mk/tap-summary "$res"/*.tap

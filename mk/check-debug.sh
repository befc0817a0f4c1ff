#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check-debug: cima.ko's selftests, a stress run and failslab on a
# debug build of Debian's own 6.12 kernel source (linux-source-6.12), with
# KASAN, KFENCE, lockdep (PROVE_LOCKING, PROVE_RCU), DEBUG_ATOMIC_SLEEP,
# kmemleak, DEBUG_OBJECTS and fault injection (FAILSLAB).  The kernel is
# built once and cached outside the tree; a kernel report of any kind
# fails the run (tools/vm/run), and a kmemleak scan after the tests must
# find nothing.
#
#   mk/check-debug.sh [build|run|all]      (default: all)
#
# Environment:
#   CIMA_DEBUG_CACHE  where the kernel is built (default /var/cache/cima-debug)
#   CIMA_DEBUG_JOBS   make -j for the kernel build (default: nproc)
#   STRESS_SECS       length of the stress test (default 180)
#
# The kernel: Debian's 6.12 source with x86-64 defconfig, the kernel's own
# kvm_guest.config fragment, what the test VM and cima.ko need (EFI stub,
# virtio-fs, TPM TIS/CRB, cgroup v2 with memcg, namespaces for runc/crun,
# securityfs, kprobes, modules), all built in, plus the debug options
# above.  (Debian's full cloud config takes hours to build on 2 cores.)  Its release is
# <version>-cimadebug; it is installed as /boot/vmlinuz-<release> and
# /lib/modules/<release>, which tools/vm/run boots as "--kernel 6.12-debug".
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export O=${O:-$top/build}
cache=${CIMA_DEBUG_CACHE:-/var/cache/cima-debug}
jobs=${CIMA_DEBUG_JOBS:-$(nproc)}
src=/usr/src/linux-source-6.12.tar.xz
tree=$cache/linux-source-6.12
what=${1:-all}

log() { echo "# check-debug: $* ($(date +%H:%M:%S))"; }

# What building a kernel needs beyond make deps (installed only here).
kbuild_deps() {
	local p missing=
	for p in flex bison bc libelf-dev libssl-dev dwarves rsync; do
		dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2> /dev/null | grep -q '^ii' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	log "installing$missing"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing > /dev/null ||
		{ apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends $missing > /dev/null; }
}

build_kernel() {
	[ -f "$src" ] || { echo "check-debug: $src missing (make deps)" >&2; exit 1; }
	kbuild_deps
	mkdir -p "$cache"
	if [ ! -f "$tree/Makefile" ]; then
		log "unpacking $src"
		tar -xf "$src" -C "$cache"
	fi
	cd "$tree"
	if [ ! -f .config.cima ] || [ .config.cima -ot "$top/mk/check-debug.sh" ]; then
		log "configuring"
		# x86-64 defconfig plus the kernel's own KVM-guest fragment (virtio),
		# then what the test VM and the module need, then the debug options.
		make -s defconfig > /dev/null
		make -s kvm_guest.config > /dev/null
		scripts/config \
			-e EFI -e EFI_STUB -e ACPI -e SERIAL_8250 -e SERIAL_8250_CONSOLE \
			-e BLK_DEV_INITRD -e RD_GZIP -e DEVTMPFS -e DEVTMPFS_MOUNT -e TMPFS \
			-e VIRTIO_PCI -e VIRTIO_CONSOLE -e FUSE_FS -e VIRTIO_FS \
			-e TCG_TPM -e TCG_TIS -e TCG_CRB -e SECURITY -e SECURITYFS \
			-e IMA -e CONFIGFS_FS -e OVERLAY_FS \
			-e CGROUPS -e MEMCG -e CGROUP_PIDS -e CGROUP_DEVICE -e CGROUP_BPF \
			-e BPF_SYSCALL -e CGROUP_FREEZER -e CPUSETS -e CGROUP_SCHED \
			-e NAMESPACES -e USER_NS -e PID_NS -e NET_NS -e IPC_NS -e UTS_NS \
			-e SECCOMP -e SECCOMP_FILTER -e POSIX_MQUEUE -e MEMFD_CREATE \
			-e CRYPTO_SHA256 -e CRYPTO_SHA512 -e CRYPTO_SHA1 \
			-e KPROBES -e MODULES -e MODULE_UNLOAD -e FTRACE -e TRACEPOINTS \
			-e FUNCTION_TRACER -e DYNAMIC_FTRACE -e DYNAMIC_FTRACE_WITH_REGS \
			-e KPROBES_ON_FTRACE
		scripts/config \
			-e MODULES -e KPROBES -e KALLSYMS_ALL \
			-e KASAN -e KASAN_GENERIC -e KASAN_OUTLINE -e KASAN_VMALLOC \
			-e KFENCE \
			-e PROVE_LOCKING -e PROVE_RCU -e DEBUG_ATOMIC_SLEEP \
			-e DEBUG_KMEMLEAK -e DEBUG_KMEMLEAK_AUTO_SCAN \
			-d DEBUG_KMEMLEAK_DEFAULT_OFF \
			--set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 16000 \
			-e DEBUG_OBJECTS -e DEBUG_OBJECTS_FREE -e DEBUG_OBJECTS_TIMERS \
			-e DEBUG_OBJECTS_WORK -e DEBUG_OBJECTS_RCU_HEAD \
			-e FAULT_INJECTION -e FAILSLAB -e FAULT_INJECTION_DEBUG_FS \
			-e DEBUG_FS \
			-d MODULE_SIG -d MODULE_SIG_ALL -d MODULE_SIG_FORCE \
			-d DEBUG_INFO_BTF -d DEBUG_INFO_DWARF5 \
			-d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -e DEBUG_INFO_NONE \
			--set-str SYSTEM_TRUSTED_KEYS "" \
			--set-str SYSTEM_REVOCATION_KEYS "" \
			--set-str LOCALVERSION "-cimadebug" -d LOCALVERSION_AUTO
		make -s olddefconfig
		cp .config .config.cima
	fi
	log "building ($jobs jobs)"
	make -s -j"$jobs" bzImage modules
	rel=$(make -s kernelrelease)
	log "installing $rel"
	make -s INSTALL_MOD_STRIP=1 modules_install > /dev/null
	install -m 0644 arch/x86/boot/bzImage "/boot/vmlinuz-$rel"
	ln -sfn "$tree" "/lib/modules/$rel/build"
	cd "$top"
	build_module
}

# cima.ko for the debug kernel, from the tree as it is now.
build_module() {
	local rel
	rel=$(make -s -C "$tree" kernelrelease)
	log "building cima.ko for $rel"
	mkdir -p "$O/kmod/$rel"
	(cd "$O/kmod/$rel" && for f in "$top"/kmod/*.c "$top"/kmod/*.h "$top"/kmod/Kbuild "$top"/kmod/Makefile; do
		ln -sf "$f" .; done)
	make -C "$O/kmod/$rel" KDIR="$tree" CIMA_TOP="$top" module
}

# One boot of the debug kernel running CMD; 126 (a kernel report) fails.
# no5lvl: QEMU's "-cpu max" offers 5-level paging, and one boot of this
# KASAN kernel (6.12.118) reported a wild-memory-access at an address of
# the 5-level direct map, in rcu_is_watching() from an interrupt at
# 0.015 s of boot, long before cima.ko loads (the next boot did not: it
# depends on an interrupt's timing).  4-level paging takes that address
# away; that it takes the report away is not proven.
vm() {
	tools/vm/run --kernel 6.12-debug --timeout 5400 --memory 3072 \
		--append "kmemleak=on slub_debug=FZPU slab_nomerge no5lvl" "$@"
}

# One boot; its TAP goes to $res/debug.tap, and a failed boot adds a
# "not ok" line.
boot() {
	local what=$1 rc
	shift
	log "boot with the $what"
	set +e
	vm "$@" >> "$res/debug.tap" 2>&1
	rc=$?
	set -e
	case $rc in
	0|1) ;;
	124) echo "not ok - debug kernel, $what: the VM timed out" >> "$res/debug.tap" ;;
	126) echo "not ok - debug kernel, $what: the guest kernel log has a report (above)" >> "$res/debug.tap" ;;
	*) echo "not ok - debug kernel, $what: the VM run failed with status $rc" >> "$res/debug.tap" ;;
	esac
}

# Every boot first stops kmemleak's automatic scan: under KASAN and TCG
# one scan of the guest's memory keeps a vCPU busy for minutes, every ten
# minutes.  kmemleak.sh scans on demand at the end of each boot instead.
quiet_kmemleak='mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
	echo scan=off > /sys/kernel/debug/kmemleak'

run_tests() {
	res=$O/check-debug
	mkdir -p "$res"
	make --no-print-directory all
	make --no-print-directory -C selftests
	build_module
	log "module selftests, stress (${STRESS_SECS:-180} s), failslab, kmemleak scans"
	# KASAN under TCG is several times slower: longer per-test limits, and
	# test_scale with 50 containers instead of 200.  Three boots, so that
	# one VM timeout does not take the rest with it.
	: > "$res/debug.tap"
	local t0=$SECONDS
	boot "sim backend: selftests" --module-args backend=sim -- sh -c "$quiet_kmemleak"'
		export CIMA_TEST_TIMEOUT=1800 CIMA_SCALE_N=50
		selftests/run.sh kmod
		selftests/kmod/kmemleak.sh'
	boot "sim backend: stress and failslab" --module-args backend=sim -- sh -c "$quiet_kmemleak"'
		STRESS_SECS='"${STRESS_SECS:-180}"' selftests/kmod/stress.sh
		selftests/kmod/failslab.sh
		selftests/kmod/kmemleak.sh'
	# The TPM read-back needs the tpm backend and this kernel's fault
	# injection (Debian's kernels have none).
	boot "tpm backend" --module-args backend=tpm -- sh -c "$quiet_kmemleak"'
		selftests/run.sh kmod/test_faults.sh
		selftests/kmod/kmemleak.sh'
	cat "$res/debug.tap"
	log "three boots in $(( (SECONDS - t0) / 60 )) min"
	mk/tap-summary "$res/debug.tap"
}

case $what in
build) build_kernel ;;
run) run_tests ;;
all) build_kernel; run_tests ;;
*) echo "usage: mk/check-debug.sh [build|run|all]" >&2; exit 2 ;;
esac

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The DKMS signing key enrolled as a Machine Owner Key through Debian's
# signed boot chain (shim-signed, grub-efi-amd64-signed, the Debian-signed
# kernel) under OVMF Secure Boot with Microsoft's keys:
# selftests/dkms/mok.sh boots three times on one set of UEFI variables:
#  - before: Secure Boot on and the kernel locked down; the unsigned
#    cima.ko and the DKMS-signed one are refused; mokutil --import of
#    /var/lib/dkms/mok.pub leaves the request;
#  - MokManager: its screens (Enroll MOK, View key, Enroll the key(s)?,
#    Password, Reboot) are answered over the serial console;
#  - after: the key is enrolled, the kernel loads it from MokListRT, the
#    DKMS-signed cima.ko loads and works, the unsigned one is still refused.
# Kernels: $CIMA_MOK_KERNELS (default 6.12; about 2-3 minutes each under
# TCG).  Boots VMs: skipped with CHECK_VM=0.
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
kernels=${CIMA_MOK_KERNELS:-6.12}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
per=6
plan=$((per * $(echo "$kernels" | wc -w)))
echo "1..$plan"
skip_all() { while [ $n -lt $plan ]; do skip "MOK test $((n + 1))" "$1"; done; exit 0; }

[ "${CHECK_VM:-1}" = 0 ] && skip_all "CHECK_VM=0: boots VMs"
[ "$(id -u)" = 0 ] || skip_all "needs root (the DKMS key, QEMU)"
command -v qemu-system-x86_64 > /dev/null || skip_all "qemu-system-x86 is not installed"
[ -f /usr/share/OVMF/OVMF_VARS_4M.ms.fd ] || skip_all "Debian's ovmf is not installed"
for k in $kernels; do
	rel=$(basename "$(find /lib/modules -maxdepth 1 -name "$k.*cloud-amd64" | sort -V | tail -n 1)")
	d=$O/dkms/$rel
	if [ ! -f "$d/cima.ko" ] ||
	   [ "$(cat "$d/sources.sha256" 2>/dev/null)" != "$("$top/selftests/dkms/sources-digest" "$top")" ]; then
		skip_all "no DKMS module for $rel from the current sources (tests/test_dkms.sh builds it)"
	fi
done

# has FILE PATTERN...: every pattern is on a line of FILE.
has() { local f=$1 p; shift; for p in "$@"; do grep -qF -- "$p" "$f" || { echo "missing: $p"; return 1; }; done; }
check() {
	local what=$1; shift
	if "$@" > "$tmp/why" 2>&1; then ok "$what"; else nok "$what" "$(cat "$tmp/why")"; fi
}

for k in $kernels; do
	log=$tmp/mok-$k.log
	"$top/selftests/dkms/mok.sh" "$k" > "$log" 2>&1
	rc=$?
	if [ $rc = 125 ]; then
		nok "$k: the MOK boots could run" "$(tail -n 5 "$log")"
		for _ in $(seq $((per - 1))); do skip "$k MOK" "mok.sh could not run"; done
		continue
	fi
	b="cima-mok: import: enrolled=no:"
	check "$k before: Secure Boot on (shim, GRUB, Debian's kernel), locked down" \
		has "$log" "$b sb-state SecureBoot enabled" "$b lockdown none [integrity]" "$b done"
	check "$k before: unsigned and DKMS-signed cima.ko refused (key not enrolled)" \
		has "$log" "$b insmod unsigned failed:" "$b insmod dkms failed:" \
		"dkms.ko': Key was rejected by service" "Loading of module with unavailable key is rejected"
	check "$k: mokutil --import of the DKMS key: request pending" \
		has "$log" "$b import status 0" "$b pending" "Subject: CN=DKMS module signing key"
	check "$k: MokManager: Enroll MOK, View key 0, Enroll the key(s)?, Password:, Reboot answered" \
		has "$log" "manager: screen: Enroll MOK" "manager: screen: Enroll the key(s)?" \
		"manager: screen: Password:" "manager: screen: Reboot" "answered 'Reboot'"
	a="cima-mok: verify: enrolled=yes:"
	check "$k after: key enrolled, kernel loaded it from MokListRT" \
		has "$log" "$a sb-state SecureBoot enabled" "$a dkms-key-in-kernel 1" \
		"$a kmsg:" "Loaded X.509 cert 'DKMS module signing key"
	check "$k after: DKMS-signed cima.ko loads and works (no unsigned taint), unsigned still refused" \
		has "$log" "$a insmod dkms ok register=yes taint=O" "$a insmod unsigned failed:" "$a done"
	grep -E 'insmod|import status|pending' "$log" | sed 's/^/# /'
	[ $rc = 0 ] || echo "# mok.sh exit status $rc"
done
[ $n = $plan ] || nok "plan: ran $n tests"
exit $failed

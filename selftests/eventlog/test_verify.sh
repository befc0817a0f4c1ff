#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cima verify on the live system: the firmware log against the TPM's PCRs,
# IMA's list against PCR 10, the cima log against its register, and all of
# them together; then a tampered copy of each log (one byte of event data,
# one digest, one dropped event) must fail with a message naming the
# register index of the changed event.  Live values come from the kernel
# (/sys/class/tpm/tpm0/pcr-*) and the module's register file.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
cima=$O/cima
here=$top/selftests/eventlog
. "$here/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

fw=/sys/kernel/security/tpm0/binary_bios_measurements
ima=/sys/kernel/security/ima/binary_runtime_measurements
cl=/sys/kernel/security/cima/binary_runtime_measurements

echo "1..14"

id=$(make_cima_events) || id=
# Warm up every tool used below so IMA has measured it already.
python3 -c 'import json, subprocess' ; "$cima" -V > /dev/null; cp /dev/null "$tmp/x"; cmp "$tmp/x" "$tmp/x"

live() {
	name=$1; shift
	if retry "$cima" verify "$@" > "$tmp/out" 2>&1; then
		ok "$name: $(tail -1 "$tmp/out")"
	else
		sed 's/^/# /' "$tmp/out"
		nok "$name"
	fi
}

if [ -r "$fw" ]; then live "verify firmware log vs TPM PCRs" -s firmware; else skip "verify firmware log" "no $fw"; fi
if [ -r "$ima" ]; then live "verify IMA list vs PCR 10" -s ima; else skip "verify IMA" "no $ima"; fi
if [ -r "$cl" ] && [ -n "$id" ]; then live "verify cima log vs its register" -s cima; else skip "verify cima log" "no module log or no events"; fi
live "verify every live log together"
# Kernels >= 6.10 also list IMA per bank, with that bank's template digests.
if [ -r "${ima}_sha256" ]; then
	live "verify IMA's sha256 list vs PCR 10" -s ima -f "${ima}_sha256" --live
else
	skip "verify IMA's sha256 list" "no ${ima}_sha256 (kernel < 6.10)"
fi

# Tampered copies: each must fail (exit 1) and name the changed index.
tampered() {
	src=$1 file=$2 mode=$3
	if [ ! -r "$file" ]; then skip "tampered $src ($mode)" "no $file"; return; fi
	for _ in 1 2 3; do
		cp "$file" "$tmp/$src.bin"
		"$cima" verify -s "$src" -f "$tmp/$src.bin" --live > /dev/null 2>&1 && break
	done
	if ! "$cima" verify -s "$src" -f "$tmp/$src.bin" --live > "$tmp/out" 2>&1; then
		sed 's/^/# /' "$tmp/out"
		nok "tampered $src ($mode): untampered copy does not verify"
		return
	fi
	if [ "$mode" = drop ] && [ "$("$cima" eventlog -s "$src" -f "$tmp/$src.bin" -F json | grep -c '^{"number"')" -lt 2 ]; then
		skip "tampered $src ($mode)" "only one event (boot with ima_policy=tcb for more)"
		return
	fi
	index=$(python3 "$here/tamper.py" "$cima" "$src" "$mode" "$tmp/$src.bin" "$tmp/bad.bin") || {
		nok "tampered $src ($mode): could not tamper"; return; }
	"$cima" verify -s "$src" -f "$tmp/bad.bin" --live > "$tmp/out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q "index $index[ ,]" "$tmp/out"; then
		ok "tampered $src ($mode): exit 1, names index $index: $(grep -m1 "index $index" "$tmp/out" | cut -c1-100)"
	else
		sed 's/^/# /' "$tmp/out"
		nok "tampered $src ($mode): rc $rc, index $index not named"
	fi
}

for src in firmware ima cima; do
	case $src in firmware) f=$fw ;; ima) f=$ima ;; cima) f=$cl ;; esac
	for mode in data digest drop; do
		tampered $src "$f" $mode
	done
done
exit $failed

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Module signing under UEFI Secure Boot: selftests/dkms/secure-boot.sh
# boots each Debian cloud kernel (6.1, 6.12) in QEMU with OVMF's Secure
# Boot firmware and the snakeoil key in db, the kernel signed with that
# key; in the guest:
#  - Secure Boot is on, the kernel locked down (integrity) and enforcing
#    module signatures;
#  - the unsigned cima.ko is refused (EKEYREJECTED, "unsigned module");
#  - the DKMS-built cima.ko, signed by dkms's own key that no keyring holds
#    (not enrolled), is refused ("module with unavailable key");
#  - cima.ko signed with the db key (scripts/sign-file) loads, works
#    (securityfs register) and does not taint the kernel as unsigned.
# One more boot of 6.12 without Secure Boot, with module.sig_enforce=1 and
# an empty db: the unsigned module and the db-signed one are both refused.
# The MOK route through shim and MokManager: tests/test_dkms_mok.sh; see
# Documentation/secure-boot.md.  Boots VMs (about 30 s each under TCG):
# skipped with CHECK_VM=0.
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
plan=12
echo "1..$plan"
skip_all() { while [ $n -lt $plan ]; do skip "secure boot test $((n + 1))" "$1"; done; exit 0; }

[ "${CHECK_VM:-1}" = 0 ] && skip_all "CHECK_VM=0: boots VMs"
[ "$(id -u)" = 0 ] || skip_all "needs root (the DKMS module, QEMU)"
for c in qemu-system-x86_64 sbsign; do
	command -v $c > /dev/null || skip_all "$c is not installed (mk/deps.sh installs it)"
done
[ -f /usr/share/ovmf/PkKek-1-snakeoil.key ] || skip_all "Debian's ovmf has no snakeoil key"
for k in 6.1 6.12; do
	rel=$(basename "$(ls -d /lib/modules/$k.*cloud-amd64 2>/dev/null | sort -V | tail -n 1)")
	d=$O/dkms/$rel
	[ -f "$O/kmod/$rel/cima.ko" ] || skip_all "no $O/kmod/$rel/cima.ko (make modules)"
	[ -f "$d/cima.ko" ] && [ "$(cat "$d/sources.sha256" 2>/dev/null)" = "$("$top/selftests/dkms/sources-digest" "$top")" ] ||
		skip_all "no DKMS module for $rel from the current sources (tests/test_dkms.sh builds it)"
done

# has FILE PATTERN...: every pattern is on a line of FILE.
has() { local f=$1 p; shift; for p in "$@"; do grep -qF -- "$p" "$f" || { echo "missing: $p"; return 1; }; done; }
check() {
	local what=$1; shift
	if "$@" > "$tmp/why" 2>&1; then ok "$what"; else nok "$what" "$(cat "$tmp/why")"; fi
}

for k in 6.1 6.12; do
	log=$tmp/sb-$k.log
	if ! "$top/selftests/dkms/secure-boot.sh" $k > "$log" 2>&1; then
		nok "$k under Secure Boot: the guest ran" "$(tail -n 20 "$log")"
		for _ in 1 2 3 4; do skip "$k under Secure Boot" "the guest did not run"; done
		continue
	fi
	check "$k: signatures: unsigned none, DKMS by its own key, one by the db (snakeoil) key" \
		has "$log" "host: unsigned signer=''" "host: dkms signer='DKMS module signing key'" \
		"host: db signer='SnakeOil'"
	check "$k: Secure Boot on, kernel locked down (integrity), module signatures enforced" \
		has "$log" "cima-sb: secureboot 1" "cima-sb: lockdown none [integrity]" "cima-sb: sig_enforce Y"
	check "$k: unsigned cima.ko refused: EKEYREJECTED, 'unsigned module'" \
		has "$log" "insmod unsigned failed:" "unsigned.ko': Key was rejected by service" \
		"Loading of unsigned module is rejected"
	check "$k: DKMS-signed cima.ko with its key not enrolled refused: 'unavailable key'" \
		has "$log" "insmod dkms failed:" "dkms.ko': Key was rejected by service" \
		"Loading of module with unavailable key is rejected"
	check "$k: cima.ko signed with the db key loads and works, no unsigned taint" \
		has "$log" "cima-sb: insmod db ok register=yes taint=O" "Loaded X.509 cert 'SnakeOil"
	grep -F "cima-sb: insmod" "$log" | sed 's/^/# /'
done

log=$tmp/nosb.log
if ! "$top/selftests/dkms/secure-boot.sh" 6.12 --no-secure-boot > "$log" 2>&1; then
	nok "6.12 without Secure Boot, module.sig_enforce=1: the guest ran" "$(tail -n 20 "$log")"
	skip "6.12 without Secure Boot" "the guest did not run"
else
	check "6.12 without Secure Boot, module.sig_enforce=1: not locked down, signatures enforced" \
		has "$log" "cima-sb: secureboot 0" "cima-sb: lockdown [none]" "cima-sb: sig_enforce Y"
	check "6.12, sig_enforce=1, empty db: unsigned and db-signed cima.ko both refused (EKEYREJECTED)" \
		has "$log" "unsigned.ko': Key was rejected by service" "db.ko': Key was rejected by service"
	grep -F "cima-sb: insmod" "$log" | sed 's/^/# /'
fi
[ $n = $plan ] || nok "plan: ran $n tests"
exit $failed

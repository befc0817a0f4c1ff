#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cima verify -e FILE parses strictly: tpm2_pcrread's YAML (captured in the
# VM with the firmware log, tests/data/vm-6.12) is accepted and verifies like
# the "<index> <alg> <hex>" form; a negative, wrapped or too large index, a
# repeated (index, bank), a short value or an unknown bank is refused (exit
# 3); a log file without -e or --live is a usage error (exit 2), never a
# silent comparison with this machine's registers.
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
cima=$O/cima
d=$top/tests/data/vm-6.12
export LD_LIBRARY_PATH=$O${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
expect() { # expect RC DESCRIPTION ARGS...
	want=$1 desc=$2; shift 2
	"$cima" verify "$@" > "$tmp/o" 2>&1
	rc=$?
	if [ $rc = "$want" ]; then ok "$desc (exit $rc)"; else sed 's/^/# /' "$tmp/o"; nok "$desc (exit $rc, expected $want)"; fi
}
echo "1..10"
fw=$d/firmware.bin
h=$(printf 'a%.0s' $(seq 64))
expect 0 "tpm2_pcrread YAML accepted" -s firmware -f "$fw" -e "$d/pcrread.yaml"
expect 0 "index/alg/hex lines accepted" -s firmware -f "$fw" -e "$d/pcrs.txt"
sed 's/^    7 : 0x\(.\)/    7 : 0x0/' "$d/pcrread.yaml" > "$tmp/y"
cmp -s "$tmp/y" "$d/pcrread.yaml" && nok "YAML edit" || expect 1 "YAML with one PCR changed: mismatch" -s firmware -f "$fw" -e "$tmp/y"
printf -- '-1 sha256 %s\n' "$h" > "$tmp/e1"; expect 3 "negative index refused" -s firmware -f "$fw" -e "$tmp/e1"
printf '4294967296 sha256 %s\n' "$h" > "$tmp/e2"; expect 3 "wrapped index refused" -s firmware -f "$fw" -e "$tmp/e2"
printf '0 sha256 %s\n0 sha256 %s\n' "$h" "$h" > "$tmp/e3"; expect 3 "duplicate (index, bank) refused" -s firmware -f "$fw" -e "$tmp/e3"
printf '0 sha256 %s\n' "abcd" > "$tmp/e4"; expect 3 "short value refused" -s firmware -f "$fw" -e "$tmp/e4"
printf '  sha999:\n    0 : 0x%s\n' "$h" > "$tmp/e5"; expect 3 "unknown YAML bank refused" -s firmware -f "$fw" -e "$tmp/e5"
expect 2 "log file without -e or --live: usage" -s firmware -f "$fw"
expect 2 "--live with -e: usage" -s firmware -f "$fw" -e "$d/pcrs.txt" --live
exit $failed

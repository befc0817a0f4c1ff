#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Logs captured from our own test VM (tests/data/vm-<kver>/, made by
# tests/data/capture.sh): OVMF + swtpm firmware log (sha256 + sha384), IMA
# with ima_policy=tcb, the cima module's log.  Each must replay to the PCRs
# tpm2_pcrread read from the TPM in the same boot (pcrs.txt), and
# `cima eventlog --format json` must agree with tpm2_eventlog on every
# event of the TCG-format ones.
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
cima=$O/cima
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }

dirs=$(for d in "$top"/tests/data/vm-*; do [ -f "$d/pcrs.txt" ] && echo "$d"; done)
count=0
for d in $dirs; do count=$((count + 6)); done
echo "1..$count"
for d in $dirs; do
	k=$(basename "$d")
	for src in firmware ima cima; do
		out=$("$cima" verify -s $src -f "$d/$src.bin" -e "$d/pcrs.txt" 2>&1)
		rc=$?
		if [ $rc -eq 0 ] && ! echo "$out" | grep -q " 0 registers compared"; then
			ok "$k: $src log replays to the TPM's PCRs: $(echo "$out" | tail -1)"
		else
			echo "$out" | sed 's/^/# /'
			nok "$k: $src log replays to the TPM's PCRs"
		fi
	done
	# The expected values can fail: change one and the same log must not verify.
	# Flip the last hex digit of PCR 0's first value; the rest stays.
	awk 'NR == 1 { d = substr($3, length($3)); r = (d == "0") ? "1" : "0";
		$3 = substr($3, 1, length($3) - 1) r } { print }' "$d/pcrs.txt" > "$tmp/bad.txt"
	"$cima" verify -s firmware -f "$d/firmware.bin" -e "$tmp/bad.txt" > "$tmp/o" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q "^index 0 $(awk 'NR == 1 { print $2 }' "$d/pcrs.txt"): MISMATCH" "$tmp/o"; then
		ok "$k: a changed PCR 0 value is detected (exit 1, index 0 named)"
	else
		sed 's/^/# /' "$tmp/o"
		nok "$k: a changed PCR 0 value is detected (exit $rc)"
	fi
	for src in firmware cima; do
		"$cima" eventlog -s $src -f "$d/$src.bin" -F json > "$tmp/mine.json" &&
		tpm2_eventlog "$d/$src.bin" > "$tmp/theirs.yaml" 2>/dev/null &&
		python3 -c "
import json, re, sys
mine = json.load(open(sys.argv[1]))['events']
theirs = []
alg = None
for line in open(sys.argv[2]):
    line = line.rstrip('\n')
    m = re.match(r'^- EventNum: (\d+)$', line)
    if m: theirs.append({'d': {}}); continue
    m = re.match(r'^  (PCRIndex|EventType|EventSize): (.*)$', line)
    if m: theirs[-1][m.group(1)] = m.group(2); continue
    m = re.match(r'^  - AlgorithmId: (\S+)$', line)
    if m: alg = m.group(1); continue
    m = re.match(r'^    Digest: \"([0-9a-fA-F]+)\"$', line)
    if m and alg: theirs[-1]['d'][alg] = m.group(1).lower(); alg = None
assert len(mine) == len(theirs), (len(mine), len(theirs))
for m, t in zip(mine[1:], theirs[1:]):
    assert str(m['log_index']) == t['PCRIndex'], m['number']
    assert m['type_name'] == t['EventType'] or ('0x%x' % m['type']) == t['EventType'].lower(), m['number']
    assert {d['alg']: d['digest'] for d in m['digests']} == t['d'], m['number']
    assert len(m['data']) // 2 == int(t['EventSize']), m['number']
print('# %d events agree' % len(mine))
" "$tmp/mine.json" "$tmp/theirs.yaml" && ok "$k: $src json agrees with tpm2_eventlog" ||
		nok "$k: $src json agrees with tpm2_eventlog"
	done
done
exit $failed

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cima verify --evidence on the host, on bundles that cima evidence made in
# the VM on FAKE TDX and SNP interfaces (selftests/report/test_evidence_cc.sh:
# fake_tsm.ko with a TEST-chain signer, synthetic CCEL and cima directory,
# the VM's own IMA list; captured in tests/data/evidence/vm-6.12-cc).  The
# signatures are checked by the library's real vendor code against the TEST
# roots given with --root-ca; the TDX quote's RTMRs were computed by the
# signer's own replay of the logs.  Each single tampering must fail at the
# check named for it: TDX, one event of each log (CCEL, IMA, cima) at
# replay; SNP, whose report binds no register a log extends, the cima log
# at snapshot (through the report data) and nothing for the firmware log.
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
cima=$O/cima
d=$top/tests/data/evidence/vm-6.12-cc
export LD_LIBRARY_PATH=$O${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
T=17
echo "1..$T"
if [ ! -r "$d/tdx.json" ] || [ ! -r "$d/snp.json" ] || ! command -v python3 > /dev/null; then
	for i in $(seq $T); do echo "ok $i # SKIP captured bundles or python3 missing"; done
	exit 0
fi
tn=$(cat "$d/tdx.nonce") sn=$(cat "$d/snp.nonce")
troot=$d/tdx-root.pem ark=$d/snp-ark.pem
# The test certificates are valid for ten years from a day before the
# capture: verify at a time two days after their start.
at=$(date -d "$(openssl x509 -in "$troot" -noout -startdate | cut -d= -f2)" +%s)
at=$((at + 2 * 86400))

# vrun EXPECTED_RC CHECK DESCRIPTION BUNDLE ARGS...
vrun() {
	want=$1 chk=$2 desc=$3 bb=$4; shift 4
	"$cima" verify --evidence "$bb" --time "$at" "$@" > "$tmp/o" 2> "$tmp/e"
	rc=$?
	if [ $rc -eq "$want" ] && { [ -z "$chk" ] || grep -q "^not verified: $chk failed" "$tmp/o"; }; then
		ok "$desc (exit $rc${chk:+, $chk})"
	else
		sed 's/^/# /' "$tmp/o" "$tmp/e" | head -20
		nok "$desc (exit $rc, expected $want${chk:+ at $chk})"
	fi
}
# tamper BUNDLE OUT OP [ARGS]
tamper() {
	src=$1; shift
	python3 "$top/tests/evidence_tamper.py" "$src" "$@" || { nok "tamper $*"; return 1; }
}
# statuses JSON: "check=status ..." of a --json verdict.
statuses() {
	python3 -c 'import json, sys
print(" ".join("%s=%s" % (c["check"], c["status"]) for c in json.load(open(sys.argv[1]))["checks"]))' "$1"
}

# ---- TDX ----
t=$d/tdx.json
vrun 0 "" "TDX bundle verifies under the test root" "$t" --nonce "$tn" --root-ca "$troot"
"$cima" verify --evidence "$t" --time "$at" --nonce "$tn" --root-ca "$troot" --json > "$tmp/j" 2> "$tmp/e"
want="signature=pass freshness=pass report-data=pass registers=pass logs=pass replay=pass snapshot=pass container=skipped reference=skipped"
[ "$(statuses "$tmp/j")" = "$want" ] && ok "TDX: the nine checks" ||
	{ statuses "$tmp/j" | sed 's/^/# got /'; nok "TDX: the nine checks"; }
grep -q 'TDX quote signed, chain to CN=CIMA TEST SGX Root CA' "$tmp/j" &&
	ok "TDX: the signature step ran the vendor chain code to the test root" || nok "TDX: signature note"
grep -q 'registers equal the report (IMA: [1-9][0-9]* of [0-9]* events quoted, replayed by itself; cima: 21 events)' "$tmp/j" &&
	ok "TDX: CCEL and IMA replayed into RTMR2, cima into RTMR3" || { sed 's/^/# /' "$tmp/j"; nok "TDX: replay note"; }
vrun 1 signature "TDX: without --root-ca the pinned Intel root is not in the chain" "$t" --nonce "$tn"
vrun 1 signature "TDX: another root" "$t" --nonce "$tn" --root-ca "$ark"
tamper "$t" "$tmp/t.json" flip report.evidence 200 &&
	vrun 1 signature "TDX: one byte of the quote body" "$tmp/t.json" --nonce "$tn" --root-ca "$troot"
tamper "$t" "$tmp/t.json" event-digest ccel 2 &&
	vrun 1 replay "TDX: one CCEL event (RTMR1)" "$tmp/t.json" --nonce "$tn" --root-ca "$troot"
# RTMR2 holds CCEL events and then IMA's: the IMA prefix search starts from
# the CCEL's value, so no prefix reaches the quoted RTMR2.
tamper "$t" "$tmp/t.json" event-digest ccel 4 &&
	vrun 1 replay "TDX: one CCEL event (RTMR2, before IMA's)" "$tmp/t.json" --nonce "$tn" --root-ca "$troot"
tamper "$t" "$tmp/t.json" event-data ima 0 &&
	vrun 1 replay "TDX: one IMA event" "$tmp/t.json" --nonce "$tn" --root-ca "$troot"
tamper "$t" "$tmp/t.json" event-digest cima 5 &&
	vrun 1 replay "TDX: one cima event (RTMR3)" "$tmp/t.json" --nonce "$tn" --root-ca "$troot"
vrun 1 freshness "TDX: another nonce" "$t" --nonce "$sn" --root-ca "$troot"

# ---- SNP ----
s=$d/snp.json
vrun 0 "" "SNP bundle verifies under the test ARK" "$s" --nonce "$sn" --root-ca "$ark"
"$cima" verify --evidence "$s" --time "$at" --nonce "$sn" --root-ca "$ark" --json > "$tmp/j" 2> "$tmp/e"
want="signature=pass freshness=pass report-data=pass registers=pass logs=pass replay=skipped snapshot=pass container=skipped reference=skipped"
[ "$(statuses "$tmp/j")" = "$want" ] && ok "SNP: the nine checks (no register to replay)" ||
	{ statuses "$tmp/j" | sed 's/^/# got /'; nok "SNP: the nine checks"; }
vrun 1 signature "SNP: another ARK" "$s" --nonce "$sn" --root-ca "$troot"
tamper "$s" "$tmp/t.json" flip report.evidence 144 &&
	vrun 1 signature "SNP: one byte of MEASUREMENT" "$tmp/t.json" --nonce "$sn" --root-ca "$ark"
tamper "$s" "$tmp/t.json" event-digest cima 5 &&
	vrun 1 snapshot "SNP: one cima event (bound by the report data)" "$tmp/t.json" --nonce "$sn" --root-ca "$ark"
exit $failed

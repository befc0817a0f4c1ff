#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cima verify --evidence on a bundle made in the VM (swtpm, cima.ko with the
# tpm backend, IMA tcb policy, two containers; captured by
# selftests/report/test_evidence.sh, see tests/data/evidence/README.md),
# verified here with no TPM, no module and no network.  Every single
# tampering must fail at the check named for it; tpm2_checkquote (not ours)
# must agree on the same quote; the published TDX quote and SNP report, put
# in bundles, must pass the vendor signature check and then fail at
# report-data (their report data is not ours).
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
cima=$O/cima
d=$top/tests/data/evidence/vm-6.12
shared=${CIMA_TESTDATA:-$top/../shared/testdata}
export LD_LIBRARY_PATH=$O${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
T=51
echo "1..$T"
if [ ! -r "$d/bundle.json" ] || ! command -v python3 > /dev/null; then
	for i in $(seq $T); do echo "ok $i # SKIP captured bundle or python3 missing"; done
	exit 0
fi
b=$d/bundle.json
nonce=$(cat "$d/nonce") data=$(cat "$d/data") id=$(cat "$d/container") other=$(cat "$d/other")
ak=$d/ak.pem

# vrun EXPECTED_RC CHECK DESCRIPTION BUNDLE ARGS...: cima verify --evidence,
# its exit status and, for a failure, the check named "not verified: CHECK failed".
vrun() {
	want=$1 chk=$2 desc=$3 bb=$4; shift 4
	"$cima" verify --evidence "$bb" "$@" > "$tmp/o" 2> "$tmp/e"
	rc=$?
	if [ $rc -eq "$want" ] && { [ -z "$chk" ] || grep -q "^not verified: $chk failed" "$tmp/o"; }; then
		ok "$desc (exit $rc${chk:+, $chk})"
	else
		sed 's/^/# /' "$tmp/o" "$tmp/e" | head -20
		nok "$desc (exit $rc, expected $want${chk:+ at $chk})"
	fi
}
# tamper OUT OP [ARGS]: a copy of the bundle with one change (python3).
tamper() {
	python3 "$top/tests/evidence_tamper.py" "$b" "$@" || { nok "tamper $*"; return 1; }
}

vrun 0 "" "captured bundle verifies with the pinned AK" "$b" --nonce "$nonce" --ak-pem "$ak"
grep -q "^verified" "$tmp/o" && grep -q "exec id=$id " "$tmp/o" && ! grep -q "id=$other " "$tmp/o" &&
	ok "prints the container's own events, no other's" || nok "prints the container's own events"
vrun 0 "" "with --data and --container given" "$b" --nonce "$nonce" --data "$data" --container "$id" --ak-pem "$ak"
"$cima" verify --evidence "$b" --nonce "$nonce" --ak-pem "$ak" --json > "$tmp/j" 2>&1 &&
python3 - "$tmp/j" "$id" <<'PY' && ok "--json: verdict, nine checks, events with string numbers" || { sed 's/^/# /' "$tmp/j"; nok "--json"; }
import json, sys
j = json.load(open(sys.argv[1]))
assert j["verified"] is True and j["failed"] is None
assert [c["check"] for c in j["checks"]] == ["signature", "freshness", "report-data", "registers",
    "logs", "replay", "snapshot", "container", "reference"]
assert all(c["status"] in ("pass", "skipped") for c in j["checks"])
assert j["events"] and all(isinstance(e["number"], str) for e in j["events"])
assert all((" id=%s " % sys.argv[2]) in e["data"] for e in j["events"])
PY
vrun 0 "" "--no-nonce verifies" "$b" --no-nonce --ak-pem "$ak"
grep -q "^freshness *skipped" "$tmp/o" && ok "--no-nonce is reported as skipped freshness" || nok "--no-nonce reported"
vrun 1 signature "no AK anchor: refused" "$b" --nonce "$nonce"
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/k.pem" 2>/dev/null &&
	openssl ec -in "$tmp/k.pem" -pubout -out "$tmp/other-ak.pem" 2>/dev/null
vrun 1 signature "another pinned AK" "$b" --nonce "$nonce" --ak-pem "$tmp/other-ak.pem"
vrun 1 freshness "another nonce" "$b" --nonce "$(printf 'other nonce' | base64 -w0)" --ak-pem "$ak"
vrun 1 report-data "other expected user data" "$b" --nonce "$nonce" --data "$(printf x | base64)" --ak-pem "$ak"
vrun 2 "" "no --nonce and no --no-nonce: usage" "$b" --ak-pem "$ak"
vrun 2 "" "--nonce with --no-nonce: usage" "$b" --nonce "$nonce" --no-nonce --ak-pem "$ak"
vrun 2 "" "bad base64 nonce: usage" "$b" --nonce "a" --ak-pem "$ak"
vrun 3 "" "missing AK file: unreadable input" "$b" --nonce "$nonce" --ak-pem "$tmp/none.pem"

# ---- AK certified by a CA (made here) instead of pinned ----
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tmp/ca.key" \
	-out "$tmp/ca.pem" -subj "/CN=test AK CA" -days 3650 > /dev/null 2>&1 &&
   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tmp/ca2.key" \
	-out "$tmp/ca2.pem" -subj "/CN=other CA" -days 3650 > /dev/null 2>&1 &&
   openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tmp/d.key" \
	-out "$tmp/ak.csr" -subj "/CN=AK" > /dev/null 2>&1 &&
   openssl x509 -req -in "$tmp/ak.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
	-force_pubkey "$ak" -out "$tmp/akcert.pem" -days 365 > /dev/null 2>&1 &&
   openssl x509 -req -in "$tmp/ak.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
	-force_pubkey "$tmp/other-ak.pem" -out "$tmp/othercert.pem" -days 365 > /dev/null 2>&1; then
	python3 "$top/tests/evidence_tamper.py" "$b" "$tmp/c.json" ak-chain "$tmp/akcert.pem" &&
		vrun 0 "" "AK certificate chains to --root-ca" "$tmp/c.json" --nonce "$nonce" --root-ca "$tmp/ca.pem"
	vrun 1 signature "AK certificate, another root" "$tmp/c.json" --nonce "$nonce" --root-ca "$tmp/ca2.pem"
	python3 "$top/tests/evidence_tamper.py" "$b" "$tmp/c2.json" ak-chain "$tmp/othercert.pem" &&
		vrun 1 signature "a certificate for another key" "$tmp/c2.json" --nonce "$nonce" --root-ca "$tmp/ca.pem"
	vrun 1 signature "--root-ca, bundle without an AK chain" "$b" --nonce "$nonce" --root-ca "$tmp/ca.pem"
else
	for i in 1 2 3 4; do ok "AK certificate # SKIP openssl could not make the test CA"; done
fi

# ---- one tampering each ----
t=$tmp/t.json
for off in 0 7 40 90; do
	tamper "$t" flip report.evidence "$off" && vrun 1 signature "attest byte $off flipped" "$t" --nonce "$nonce" --ak-pem "$ak"
done
for off in 5 20 -1; do
	tamper "$t" flip report.signature "$off" && vrun 1 signature "signature byte $off flipped" "$t" --nonce "$nonce" --ak-pem "$ak"
done
tamper "$t" flip nonce 0 && vrun 1 freshness "bundle's nonce changed" "$t" --nonce "$nonce" --ak-pem "$ak"
tamper "$t" flip nonce 0 && vrun 1 report-data "bundle's nonce changed, --no-nonce" "$t" --no-nonce --ak-pem "$ak"
tamper "$t" flip data 0 && vrun 1 report-data "user data changed" "$t" --nonce "$nonce" --ak-pem "$ak"
tamper "$t" flip report.pcr_values 3 && vrun 1 registers "a quoted PCR value changed" "$t" --nonce "$nonce" --ak-pem "$ak"
tamper "$t" snapshot-count -1 && vrun 1 report-data "snapshot count changed" "$t" --nonce "$nonce" --ak-pem "$ak"
tamper "$t" event-digest firmware 3 && vrun 1 replay "one firmware event's digest" "$t" --nonce "$nonce" --ak-pem "$ak"
tamper "$t" event-data firmware sep && vrun 1 replay "firmware EV_SEPARATOR data" "$t" --nonce "$nonce" --ak-pem "$ak"
tamper "$t" event-digest ima 2 && vrun 1 replay "one IMA event's template digest" "$t" --nonce "$nonce" --ak-pem "$ak"
tamper "$t" event-data ima 1 && vrun 1 replay "one IMA event's template data" "$t" --nonce "$nonce" --ak-pem "$ak"
tamper "$t" event-digest cima 1 && vrun 1 replay "one cima event's digest" "$t" --nonce "$nonce" --ak-pem "$ak"
tamper "$t" event-data cima 1 && vrun 1 replay "one cima event's data" "$t" --nonce "$nonce" --ak-pem "$ak"
tamper "$t" drop-last cima && vrun 1 replay "cima log: last quoted event dropped" "$t" --nonce "$nonce" --ak-pem "$ak"
tamper "$t" drop-last view && vrun 1 container "view: last event dropped" "$t" --nonce "$nonce" --ak-pem "$ak"
tamper "$t" event-data view own && vrun 1 container "view: one own event's data" "$t" --nonce "$nonce" --ak-pem "$ak"
tamper "$t" swap-view "$id" "$other" && vrun 1 container "view: own event swapped with the other container's" "$t" --nonce "$nonce" --ak-pem "$ak"
tamper "$t" truncate ima 7 && vrun 1 logs "IMA log cut inside a record" "$t" --nonce "$nonce" --ak-pem "$ak"
vrun 1 container "bundle has no view of another container" "$b" --nonce "$nonce" --ak-pem "$ak" --container "$other"

# ---- reference values ----
"$cima" reference --from "$b" --container "$id" -o "$tmp/ref" 2> "$tmp/e" &&
	vrun 0 "" "reference made from the bundle covers every event" "$b" --nonce "$nonce" --ak-pem "$ak" --reference "$tmp/ref" ||
	{ sed 's/^/# /' "$tmp/e"; nok "cima reference --from"; }
first=$(grep -m1 '^file ' "$tmp/ref")
h=$(echo "$first" | cut -d' ' -f2)
grep -vF "$h" "$tmp/ref" > "$tmp/ref3"
vrun 1 reference "one file digest removed" "$b" --nonce "$nonce" --ak-pem "$ak" --reference "$tmp/ref3"
grep -q "^not covered: event [0-9]*: cima/1 [a-z]* id=$id .*file=$h" "$tmp/o" &&
	ok "the uncovered event is listed" || { sed 's/^/# /' "$tmp/o" | head; nok "the uncovered event is listed"; }
grep -v '^config ' "$tmp/ref" > "$tmp/ref4"
vrun 1 reference "oci.config digest removed" "$b" --nonce "$nonce" --ak-pem "$ak" --reference "$tmp/ref4"

# ---- tpm2_checkquote on the same quote ----
if command -v tpm2_checkquote > /dev/null; then
	if tpm2_checkquote -u "$d/ak.pem" -m "$d/message" -s "$d/signature" -f "$d/pcrs" -q "$d/qualification" > "$tmp/cq" 2>&1; then
		ok "tpm2_checkquote accepts the bundle's quote"
	else
		sed 's/^/# /' "$tmp/cq"; nok "tpm2_checkquote accepts the bundle's quote"
	fi
	python3 -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[10]^=1; open(sys.argv[2],'wb').write(b)" "$d/message" "$tmp/message"
	! tpm2_checkquote -u "$d/ak.pem" -m "$tmp/message" -s "$d/signature" -f "$d/pcrs" -q "$d/qualification" > /dev/null 2>&1 &&
		tamper "$t" flip report.evidence 10 && "$cima" verify --evidence "$t" --nonce "$nonce" --ak-pem "$ak" > /dev/null 2>&1
	[ $? = 1 ] && ok "both reject the same flipped attest byte" || nok "both reject the same flipped attest byte"
else
	ok "tpm2_checkquote # SKIP not installed"; ok "tpm2_checkquote tamper # SKIP not installed"
fi

# ---- published TDX quote and SNP report in bundles ----
if [ -r "$shared/go-tdx-guest/cos-113-tdx-quote.dat" ] && [ -r "$shared/go-sev-guest/attestation.bin" ]; then
	python3 "$top/tests/evidence_tamper.py" --make-vendor "$shared" "$tmp" &&
	vrun 1 report-data "published TDX quote: vendor chain passes, then report-data" "$tmp/tdx.json" --no-nonce --time 1767225600 &&
	grep -q "^signature *ok" "$tmp/o" && ok "TDX: signature check passed first" || nok "TDX: signature check passed first"
	vrun 1 report-data "published SNP report: VCEK chain passes, then report-data" "$tmp/snp.json" --no-nonce --time 1767225600
else
	for i in 1 2 3; do ok "vendor bundles # SKIP shared test data missing"; done
fi
[ $n -eq $T ] || echo "# ran $n tests, planned $T"
exit $failed

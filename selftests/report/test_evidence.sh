#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cima evidence on the VM's TPM (swtpm) with the cima module: a bundle with
# a container's view verifies in one step (cima verify --evidence) against
# the AK pinned from the bundle; the same quote is checked by
# tpm2_checkquote (a verifier this project did not write); a wrong nonce
# fails at freshness.  With CIMA_EVIDENCE_OUT=DIR (a directory shared with
# the host through tools/vm/run --outdir) the bundle, its nonce, data and
# container id are copied there for the host tests.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
cima=${CIMA:-$O/cima}
. "$top/selftests/eventlog/lib.sh"
export TPM2TOOLS_TCTI=${TPM2TOOLS_TCTI:-device:/dev/tpmrm0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
skip_all() { for t in bundle_written verifies_in_one_step own_events_printed \
	tpm2_checkquote_same_quote wrong_nonce_freshness; do n=$((n + 1)); echo "ok $n - $t # SKIP $1"; done; exit 0; }
echo "1..5"
[ -c /dev/tpmrm0 ] || skip_all "no TPM (/dev/tpmrm0)"
[ -d /sys/kernel/security/cima ] || skip_all "cima module not loaded"

other=$(make_cima_events ev)
id=$(make_cima_events evb)
[ -n "$id" ] && [ -n "$other" ] || skip_all "could not create containers"
cfg=$(printf 'config.json of %s' "$id" | sha256sum | cut -d' ' -f1)
echo "oci.config sha256:$cfg" > "/sys/kernel/security/cima/containers/$id/event"
echo "org.opencontainers.image.ref.name docker.io/library/busybox:1.36" > \
	"/sys/kernel/security/cima/containers/$id/event"
sh -c "echo \$\$ > /sys/fs/cgroup/cimaeltest/$id/cgroup.procs && exec /bin/ls / >/dev/null"

nonce=$(head -c 32 /dev/urandom | base64 -w0)
data=$(printf 'verifier=host' | base64 -w0)
b=$tmp/bundle.json
if "$cima" evidence --platform tpm --nonce "$nonce" --data "$data" --container "$id" \
	-o "$b" 2> "$tmp/err"; then
	ok bundle_written
else
	sed 's/^/# /' "$tmp/err"; nok bundle_written
fi
python3 - "$b" "$tmp" <<'PY' || nok "bundle fields extracted"
import base64, json, struct, sys
b = json.load(open(sys.argv[1])); d = sys.argv[2]
r = b["report"]
open(d + "/ak.pem", "w").write(r["ak_pem"])
open(d + "/message", "wb").write(base64.b64decode(r["evidence"]))
open(d + "/signature", "wb").write(base64.b64decode(r["signature"]))
open(d + "/qualification", "wb").write(bytes.fromhex(b["report_data"]["value"]))
# PCR values as tpm2_quote -o lays them out (TSS structs in memory).
alg = {"sha1": 4, "sha256": 11, "sha384": 12, "sha512": 13}[r["pcr_alg"]]
mask = int(r["pcr_mask"], 16); vals = base64.b64decode(r["pcr_values"])
ds = len(vals) // bin(mask).count("1")
sel = struct.pack("<I", 1) + struct.pack("<HB3sx", alg, 3, mask.to_bytes(3, "little"))
sel += bytes(132 - len(sel))
digs, cur = [], []
for i in range(bin(mask).count("1")):
    cur.append(vals[i * ds:(i + 1) * ds])
    if len(cur) == 8: digs.append(cur); cur = []
if cur: digs.append(cur)
out = sel + struct.pack("<I", len(digs))
for g in digs:
    t = struct.pack("<I", len(g)) + b"".join(struct.pack("<H", ds) + v + bytes(64 - ds) for v in g)
    out += t + bytes(532 - len(t))
open(d + "/pcrs", "wb").write(out)
PY
if "$cima" verify --evidence "$b" --nonce "$nonce" --ak-pem "$tmp/ak.pem" \
	--container "$id" > "$tmp/out" 2>&1; then
	ok verifies_in_one_step
else
	sed 's/^/# /' "$tmp/out"; nok verifies_in_one_step
fi
grep -q "exec id=$id " "$tmp/out" && grep -q "name=oci.config" "$tmp/out" &&
	! grep -q "id=$other " "$tmp/out" && ok own_events_printed || nok own_events_printed
if tpm2_checkquote -u "$tmp/ak.pem" -m "$tmp/message" -s "$tmp/signature" \
	-f "$tmp/pcrs" -q "$tmp/qualification" > "$tmp/cq" 2>&1; then
	ok tpm2_checkquote_same_quote
else
	sed 's/^/# /' "$tmp/cq"; nok tpm2_checkquote_same_quote
fi
other_nonce=$(head -c 32 /dev/urandom | base64 -w0)
"$cima" verify --evidence "$b" --nonce "$other_nonce" --ak-pem "$tmp/ak.pem" > "$tmp/out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "not verified: freshness failed" "$tmp/out" && ok wrong_nonce_freshness ||
	{ sed 's/^/# /' "$tmp/out"; nok "wrong_nonce_freshness (exit $rc)"; }
if [ -n "$CIMA_EVIDENCE_OUT" ]; then
	cp "$b" "$CIMA_EVIDENCE_OUT/bundle.json"
	printf '%s\n' "$nonce" > "$CIMA_EVIDENCE_OUT/nonce"
	printf '%s\n' "$data" > "$CIMA_EVIDENCE_OUT/data"
	printf '%s\n' "$id" > "$CIMA_EVIDENCE_OUT/container"
	printf '%s\n' "$other" > "$CIMA_EVIDENCE_OUT/other"
	cp "$tmp/ak.pem" "$tmp/message" "$tmp/signature" "$tmp/pcrs" "$tmp/qualification" "$CIMA_EVIDENCE_OUT/"
fi
exit $failed

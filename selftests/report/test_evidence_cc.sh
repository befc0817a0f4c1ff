#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cima evidence on FAKE TDX and SNP interfaces, verified with cima verify
# --evidence against a TEST vendor chain.  There is no TDX or SNP hardware:
#   - fake_tsm.ko (selftests/fakes, configfs-tsm, kernel 6.12) answers each
#     report with a blob from cc_evidence_fake.py (signer=): a TDX v4 quote
#     or SNP v2 report signed by a TEST chain made here (PCK -> PCK CA ->
#     test root; VCEK -> ASK -> test ARK), so the verifier's signature and
#     chain code run for real against --root-ca;
#   - the CC event log (CCEL) is a synthetic one on a tmpfs over
#     /sys/firmware/acpi/tables/data;
#   - the cima securityfs directory is a synthetic one bind-mounted over
#     /sys/kernel/security/cima, laid out as the module's tdx backend
#     writes it (SHA-384 events into CC MR index 4 = RTMR3, register file
#     "backend tdx"): the module's tdx backend itself needs TDCALL;
#   - IMA's list is the VM's own.
# The fake TDX quote's RTMRs are the replay of those logs (CCEL into
# RTMR0-2, IMA into RTMR2, cima into RTMR3) computed by the signer's own
# Python code, so the verifier's replay is checked against an independent
# one.  With CIMA_EVIDENCE_OUT=DIR the bundles, nonces and test roots are
# copied there for tests/test_tool_evidence_cc.sh on the host.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
cima=${CIMA:-$O/cima}
fake=$top/selftests/report/cc_evidence_fake.py
fakes=$O/fakes/$(uname -r)
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
names="tdx_bundle_written tdx_verified tdx_nine_checks tdx_rtmr2_rtmr3_replayed \
	tdx_wrong_root_fails_signature snp_bundle_written snp_verified snp_nine_checks"
skip_all() { for t in $names; do n=$((n + 1)); echo "ok $n - $t # SKIP $1"; done; exit 0; }
echo "1..8"
[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -f "$fakes/fake_tsm.ko" ] || skip_all "no fake_tsm.ko for $(uname -r) (configfs-tsm: 6.12; make fakes)"
python3 -c "import cryptography" 2>/dev/null || skip_all "python3 cryptography missing"
[ -d /sys/kernel/security/cima ] || skip_all "cima module not loaded"
[ -d /sys/firmware/acpi/tables ] || skip_all "no /sys/firmware/acpi/tables"
modprobe tsm 2>/dev/null
mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config 2>/dev/null
lsmod | grep -q '^fake_tsm ' && skip_all "fake_tsm already loaded"

tmp=$(mktemp -d /tmp/cima-cc.XXXXXX)
mounted=
# shellcheck disable=SC2317  # run by the trap
cleanup() {
	rmmod fake_tsm 2>/dev/null
	for m in $mounted; do umount "$m"; done
	rm -f /run/cima-cc-fake /proc/1/root/cima-cc-signer
	rm -rf "$tmp"
}
trap cleanup EXIT

if ! { python3 "$fake" mkchain "$tmp/keys" && python3 "$fake" mkccel "$tmp/CCEL" &&
	python3 "$fake" mkcima "$tmp/cima" 20; }; then
	skip_all "cannot make the test chain and logs"
fi
data=/sys/firmware/acpi/tables/data
if [ -d "$data" ]; then
	mount -t tmpfs cima-fake-ccel "$data" && mounted="$data"
else
	mount -t tmpfs cima-fake-ccel /sys/firmware/acpi/tables && mounted=/sys/firmware/acpi/tables &&
		mkdir "$data"
fi
cp "$tmp/CCEL" "$data/CCEL" || skip_all "cannot place the fake CCEL"
mount --bind "$tmp/cima" /sys/kernel/security/cima &&
	mounted="/sys/kernel/security/cima $mounted" || skip_all "cannot bind the fake cima directory"
printf '{"ccel": "%s", "ima": "%s", "cima": "%s"}\n' "$tmp/CCEL" \
	/sys/kernel/security/ima/binary_runtime_measurements \
	"$tmp/cima/binary_runtime_measurements" > "$tmp/keys/logs"
# fake_tsm runs its signer as a usermode helper, in init's root: in the
# test VM that is the initramfs (its init chroots into the host's root), so
# the helper is a wrapper placed there that enters this shell's root
# through /proc/$$/root and runs "$fake tdx|snp HEX OUT" (keys and log
# paths in /run/cima-cc-fake).
ln -sfn "$tmp/keys" /run/cima-cc-fake || skip_all "cannot link /run/cima-cc-fake"
wrapper=/proc/1/root/cima-cc-signer
printf '#!/bin/sh\nexec chroot /proc/%s/root /usr/bin/python3 %s "$@"\n' $$ "$fake" > "$wrapper" &&
	chmod 755 "$wrapper" || skip_all "cannot place the signer wrapper in init's root"
signer_err() { sed 's/^/# signer: /' "$tmp/keys/signer.err" 2>/dev/null; dmesg | grep fake_tsm | tail -3 | sed 's/^/# /'; }

# check NAME JSON: every check's status on one line, "check status" pairs.
statuses() {
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(" ".join("%s=%s" % (c["check"], c["status"]) for c in j["checks"]))
for c in j["checks"]:
    print("#   %-12s %-6s %s" % (c["check"], c["status"], c.get("note", "")))' "$1"
}

# bundle KIND ROOT WANT: with fake_tsm as KIND, make a bundle with a new
# nonce (left in $nonce), verify it to ROOT and compare each check's
# status with WANT.  fake_tsm stays loaded.  (POSIX sh: no locals.)
bundle() {
	kind=$1 root=$2 want=$3
	insmod "$fakes/fake_tsm.ko" kind="$kind" signer=/cima-cc-signer ||
		skip_all "cannot insmod fake_tsm kind=$kind"
	nonce=$(head -c 32 /dev/urandom | base64 -w0)
	if "$cima" evidence --platform "$kind" --nonce "$nonce" -o "$tmp/$kind.json" 2> "$tmp/err"; then
		ok "${kind}_bundle_written"
	else
		sed 's/^/# /' "$tmp/err"; signer_err; nok "${kind}_bundle_written"
	fi
	"$cima" verify --evidence "$tmp/$kind.json" --nonce "$nonce" --root-ca "$root" \
		--json > "$tmp/$kind.out" 2> "$tmp/$kind.err"
	rc=$?
	[ $rc = 0 ] && ok "${kind}_verified" ||
		{ sed "s/^/# /" "$tmp/$kind.out" "$tmp/$kind.err"; nok "${kind}_verified (exit $rc)"; }
	s=$(statuses "$tmp/$kind.out" 2>/dev/null)
	echo "$s" | sed -n '2,$p'
	[ "$(echo "$s" | head -1)" = "$want" ] && ok "${kind}_nine_checks" ||
		{ echo "# want $want"; nok "${kind}_nine_checks"; }
}

# ---- TDX ----
bundle tdx "$tmp/keys/tdx/root.pem" "signature=pass freshness=pass report-data=pass registers=pass logs=pass replay=pass snapshot=pass container=skipped reference=skipped"
tn=$nonce
# The replay note names the registers compared and the IMA prefix bound.
grep -q '"replay".*registers equal the report (IMA: [1-9][0-9]* of [0-9]* events quoted, replayed by itself; cima: 21 events)' "$tmp/tdx.out" &&
	ok tdx_rtmr2_rtmr3_replayed || nok tdx_rtmr2_rtmr3_replayed
"$cima" verify --evidence "$tmp/tdx.json" --nonce "$tn" --root-ca "$tmp/keys/snp/ark.pem" \
	> "$tmp/o" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "not verified: signature failed" "$tmp/o" && ok tdx_wrong_root_fails_signature ||
	{ sed 's/^/# /' "$tmp/o"; nok "tdx_wrong_root_fails_signature (exit $rc)"; }
rmmod fake_tsm

# ---- SNP ----
# An SNP report binds no register the logs extend: no replay.
bundle snp "$tmp/keys/snp/ark.pem" "signature=pass freshness=pass report-data=pass registers=pass logs=pass replay=skipped snapshot=pass container=skipped reference=skipped"
sn=$nonce

if [ -n "$CIMA_EVIDENCE_OUT" ]; then
	cp "$tmp/tdx.json" "$tmp/snp.json" "$CIMA_EVIDENCE_OUT/"
	printf '%s\n' "$tn" > "$CIMA_EVIDENCE_OUT/tdx.nonce"
	printf '%s\n' "$sn" > "$CIMA_EVIDENCE_OUT/snp.nonce"
	cp "$tmp/keys/tdx/root.pem" "$CIMA_EVIDENCE_OUT/tdx-root.pem"
	cp "$tmp/keys/snp/ark.pem" "$CIMA_EVIDENCE_OUT/snp-ark.pem"
fi
exit $failed

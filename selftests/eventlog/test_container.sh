#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cima container list / log / measurement on the live module: a container
# made through a policy prefix rule, with a start, an exec and a runtime
# event.  Its view (other events redacted, digests kept) must replay to the
# platform register (TPM PCR or sim register) and its own events to the
# virtual register the module reports; the view's own event data must hash
# to its digests (checked by sha256sum, independently of libcima).
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
cima=$O/cima
. "$top/selftests/eventlog/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
echo "1..6"
if [ ! -d /sys/kernel/security/cima ]; then
	for i in 1 2 3 4 5 6; do echo "ok $i - container # SKIP cima module not loaded"; done
	exit 0
fi
other=$(make_cima_events a)
id=$(make_cima_events b)
if [ -z "$id" ]; then
	for i in 1 2 3 4 5 6; do echo "ok $i - container # SKIP could not create a container"; done
	exit 0
fi
"$cima" container list > "$tmp/list" && grep -qx "$id" "$tmp/list" && grep -qx "$other" "$tmp/list" &&
	ok "list shows both containers" || nok "list shows both containers"

"$cima" container log "$id" -F json > "$tmp/view.json" 2> "$tmp/err" &&
python3 - "$tmp/view.json" "$id" "$other" <<'PY' && ok "log: own events in clear, others redacted" || { cat "$tmp/err"; nok "log: own events in clear, others redacted"; }
import hashlib, json, sys
ev = json.load(open(sys.argv[1]))["events"][1:]
own = [e for e in ev if (" id=%s " % sys.argv[2]).encode().hex() in e["data"]]
theirs = [e for e in ev if (" id=%s " % sys.argv[3]).encode().hex() in e["data"]]
red = [e for e in ev if bytes.fromhex(e["data"]) == b"cima/1 redacted"]
assert len(own) >= 2 and not theirs and red, (len(own), len(theirs), len(red))
for e in own:
    d = {x["alg"]: x["digest"] for x in e["digests"]}
    assert d["sha256"] == hashlib.sha256(bytes.fromhex(e["data"])).hexdigest()
print("# %d own events, %d redacted" % (len(own), len(red)))
PY

cp "/sys/kernel/security/cima/containers/$id/binary_runtime_measurements" "$tmp/view.bin"
if "$cima" verify -s cima -f "$tmp/view.bin" --live > "$tmp/out" 2>&1; then
	ok "view replays to the platform register: $(tail -1 "$tmp/out")"
else
	sed 's/^/# /' "$tmp/out"; nok "view replays to the platform register"
fi
if "$cima" container measurement "$id" > "$tmp/out" 2>&1; then
	ok "measurement: virtual register equals the replay of the container's own events"
else
	sed 's/^/# /' "$tmp/out"; nok "measurement: virtual register equals the replay"
fi
"$cima" replay -s cima -f "$tmp/view.bin" --container "$id" > "$tmp/own.txt" &&
"$cima" container measurement "$id" > "$tmp/reg.txt" 2>/dev/null &&
	cmp -s "$tmp/own.txt" "$tmp/reg.txt" && ok "replay --container equals the module's register file" ||
	{ diff "$tmp/own.txt" "$tmp/reg.txt" | sed 's/^/# /'; nok "replay --container equals the module's register file"; }
"$cima" container log "no-such-container" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 3 ] && grep -q "^cima: container log: .*no-such-container" "$tmp/err" &&
	ok "unknown container: clear error, exit 3" || nok "unknown container: clear error, exit 3 (rc $rc)"
exit $failed

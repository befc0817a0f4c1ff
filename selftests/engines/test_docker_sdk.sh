#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed README's SDK snippets, unchanged (selftests/python/seed_replay.py
# and the report snippet, run by in_docker.py), inside Debian docker.io
# containers started with exactly the docker flags of
# Documentation/container.md: uid 1000, no capabilities, no new
# privileges, self/ bind-mounted at /run/cima-self (CIMA_SELF_DIR), the
# broker's /run/cima; dockerd's default AppArmor profile (docker-default)
# applies.  The image is a tarball of mount points (docker import); the
# host's /usr, the source tree and the build are bind-mounted read-only
# for python3 and the binding.  cima-reportd serves /run/cima/reportd.sock.
# Checked: the seed replay prints no mismatch; replay = register; the
# container's events are its own; its report names it (docker's id) and
# verifies; a second container's report names itself, never the first;
# a forged descriptor is refused and containers/ is not reachable.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
. "$top/selftests/common/tap.sh"

N=7
tap_plan $N
if [ "$(id -u)" != 0 ] || [ ! -r /sys/kernel/security/cima/register ] ||
   [ ! -x /usr/bin/docker ] || [ ! -x /usr/sbin/dockerd ] || [ ! -x "$O/cima-oci-hook" ] ||
   ! command -v jq > /dev/null || [ ! -x "$O/cima-reportd" ] || [ ! -e /dev/tpmrm0 ]; then
	for i in $(seq $N); do tap_skip "docker SDK test $i" "needs root, cima.ko, docker.io, jq, a TPM, $O/cima-oci-hook and cima-reportd"; done
	tap_done
fi
work=$(mktemp -d /tmp/cima-dsdk.XXXXXX)
. "$top/selftests/engines/lib.sh"
pids=''
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	eng_docker_stop
	for p in $pids; do kill "$p" 2> /dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT

t0=$(date +%s)
if eng_docker_start; then
	tap_ok "dockerd up in $(($(date +%s) - t0)) s"
else
	tap_fail "dockerd starts" "$(tail -5 "$work/containerd.log" 2>/dev/null)" "$(grep -v level=info "$work/dockerd.log" 2>/dev/null | tail -10)"
	while [ $tap_n -lt $N ]; do tap_fail "docker SDK test $((tap_n + 1))" "no dockerd"; done
	tap_done
fi
mkdir -p /run/cima
"$O/cima-reportd" --socket /run/cima/reportd.sock 2> "$work/reportd.err" &
pids="$pids $!"
eng_wait 10 test -S /run/cima/reportd.sock
eng_python_rootfs "$work/py" "$top" "$O" && tar -C "$work/py" -cf "$work/py.tar" . &&
	D import "$work/py.tar" cima-py:1 > /dev/null
sdk() {
	# Documentation/container.md's docker flags, then what this test
	# needs to have python3 and the binding (host files, read-only).
	D run --name "$1" --network none \
		--user 1000:1000 --cap-drop ALL --security-opt no-new-privileges \
		--mount type=bind,source=/sys/kernel/security/cima/self,target=/run/cima-self,readonly \
		--mount type=bind,source=/run/cima,target=/run/cima \
		-e CIMA_SELF_DIR=/run/cima-self \
		-v /usr:/usr:ro -v "$top:$top:ro" -v "$O:$O:ro" \
		-e PYTHONPATH="$top/lib/python" -e CIMA_LIBRARY="$O/libcima.so.0" \
		-e PYTHONDONTWRITEBYTECODE=1 \
		cima-py:1 python3 "$top/selftests/engines/in_docker.py" > "$work/$1.json" 2> "$work/$1.err"
}
t1=$(date +%s)
sdk sdk-a; ida=$(D inspect -f '{{.Id}}' sdk-a)
sdk sdk-b; idb=$(D inspect -f '{{.Id}}' sdk-b)
tap_diag "two SDK containers in $(($(date +%s) - t1)) s"
aa=$(D inspect -f '{{.AppArmorProfile}}' sdk-a 2> /dev/null)
if [ -d /sys/kernel/security/apparmor ]; then
	tap_check "container a ran under dockerd's AppArmor profile ('$aa')" test "$aa" = docker-default
else
	tap_skip "container a ran under docker-default" "AppArmor is not enabled in this kernel"
fi
# shellcheck disable=SC2317  # called through tap_check
check() {
	python3 - "$@" <<'PY'
import json, sys
what, f, cid, other = sys.argv[1:5]
try:
    o = json.load(open(f))
except Exception as e:
    print("# no JSON from the container: %s" % e); sys.exit(1)
print("# " + json.dumps(o)[:400])
ok = True
def need(cond, msg):
    global ok
    if not cond:
        print("# FAIL: " + msg); ok = False
if what == "seed":
    need(o["uid"] == 1000 and not o["tpm_dev"], "not uid 1000 without a TPM device")
    r = o.get("replay", {})
    # Unprivileged: only the cima log is readable (the firmware and IMA
    # logs are not, Documentation/container.md), so the seed example
    # verifies the cima register, one line per bank, and nothing else.
    need(o.get("seed_ok", 0) == len(r) >= 2 and o.get("seed_bad") == 0 and "seed_error" not in o,
         "seed replay: %s ok of %d, %s mismatches, %s" % (o.get("seed_ok"), len(r), o.get("seed_bad"), o.get("seed_error")))
    need(any(k.startswith("15/") for k in r), "cima register 15 not replayed")
    need(r and all(a == b for a, b in r.values()), "replay differs from the register")
    need("cima" in o.get("sources", []) and o.get("own_ids") == ["id=" + cid],
         "own events: %s (%s)" % (o.get("own_ids"), o.get("log_error")))
elif what == "report":
    rep = o.get("report") or {}
    b = rep.get("binding") or ""
    need(rep.get("container") == cid, "report names %r, not %s (%s)" % (rep.get("container"), cid, o.get("report_error")))
    need(("container %s\n" % cid) in b and other not in b, "binding does not name this container alone")
    need(rep.get("data_bound") and rep.get("view_bytes", 0) > 0, "data or view missing")
    need(rep.get("verified") is True, "verify: %s" % rep.get("verified"))
    need(o.get("dump_lines", 0) > 3, "report dump printed nothing")
elif what == "forged":
    fo = o.get("forged", [0, ""])
    need(fo[0] != 0 and "not that cima securityfs file" in fo[1], "forged descriptor: %s" % fo)
    need(not o.get("containers_dir"), "containers/ reachable in the container")
sys.exit(0 if ok else 1)
PY
}
tap_check "container a (documented flags): seed replay unchanged, no mismatch; replay = register; own events only" \
	check seed "$work/sdk-a.json" "$ida" "$idb"
tap_check "container a: get_cc_report() through the broker names a (docker's id), binds the data, verifies" \
	check report "$work/sdk-a.json" "$ida" "$idb"
tap_check "container b: seed replay, own events only" check seed "$work/sdk-b.json" "$idb" "$ida"
tap_check "container b: the report names b, never a" check report "$work/sdk-b.json" "$idb" "$ida"
tap_check "container b: a forged self/cgroup descriptor is refused, containers/ not reachable" \
	check forged "$work/sdk-b.json" "$idb" "$ida"
for c in sdk-a sdk-b; do
	[ -s "$work/$c.err" ] && tap_diag "$c stderr: $(tail -3 "$work/$c.err")"
done
tap_diag "test time $(($(date +%s) - t0)) s"
tap_done

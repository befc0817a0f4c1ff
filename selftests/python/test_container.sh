#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The SDK inside runc containers (issue 13): an unprivileged process (uid
# 1000, no capabilities, no TPM device, /sys/kernel/security bind-mounted
# read-only, the broker's socket directory bind-mounted) runs
# in_container.py.  Checked here: it finds its own cima view by itself,
# its replay equals the register it reads, the broker's report names the
# container the kernel resolved (its own id), forged descriptors are
# refused, and a second container gets a report naming itself only.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
. "$top/selftests/common/tap.sh"
. "$top/selftests/common/oci.sh"

N=13
tap_plan $N
fs=/sys/kernel/security/cima
if [ "$(id -u)" != 0 ] || [ ! -r $fs/register ] || ! command -v runc >/dev/null ||
   [ ! -x "$O/cima-reportd" ] || [ ! -e /dev/tpmrm0 ]; then
	for i in $(seq $N); do tap_skip "container sdk test $i" "needs root, cima.ko, runc, a TPM and $O/cima-reportd"; done
	tap_done
fi
work=$(mktemp -d /tmp/cima-ct.XXXXXX)
cgparent=/cima-selftest-ct
pids=
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for c in a b; do runc --root "$work/state" delete -f "ct-$c" >/dev/null 2>&1; done
	rm -rf "$work"
	for d in "/sys/fs/cgroup$cgparent"/*/; do rmdir "$d" 2>/dev/null; done
	rmdir "/sys/fs/cgroup$cgparent" 2>/dev/null
}
trap cleanup EXIT
mkdir -p "$work/run"
"$O/cima-reportd" --socket "$work/run/reportd.sock" 2> "$work/reportd.err" &
pids=$!
for _ in $(seq 50); do [ -S "$work/run/reportd.sock" ] && break; sleep 0.1; done

# bundle NAME ID: a root of mount points with the host's /usr, the source
# tree and the build bind-mounted read-only (python3 and libcima), uid
# 1000, the documented mounts.
bundle() {
	local b=$work/$1 id=$2 d
	mkdir -p "$b/rootfs"
	for d in usr proc dev sys tmp run etc "$top" "$O"; do mkdir -p "$b/rootfs/$d"; done
	for d in bin sbin lib lib64; do ln -sfn "usr/$d" "$b/rootfs/$d"; done
	cima_oci_config "$b" "$cgparent/$id" --securityfs -- /usr/bin/python3 "$top/selftests/python/in_container.py" || return 1
	python3 - "$b/config.json" "$work/run" "$top" "$O" <<'PY'
import json, sys
path, run, top, O = sys.argv[1:]
c = json.load(open(path))
c["root"]["readonly"] = True
for src in ("/usr", top, O):
    c["mounts"].append({"destination": src, "type": "bind", "source": src,
                        "options": ["rbind", "ro", "nosuid", "nodev"]})
c["process"]["user"] = {"uid": 1000, "gid": 1000}
c["process"]["capabilities"] = {k: [] for k in ("bounding", "effective", "permitted")}
c["process"]["env"] += ["PYTHONPATH=%s/lib/python" % top,
                        "CIMA_LIBRARY=%s/libcima.so.0" % O,
                        "PYTHONDONTWRITEBYTECODE=1"]
c["mounts"].append({"destination": "/run/cima", "type": "bind", "source": run,
                    "options": ["bind", "nosuid", "noexec", "nodev"]})
c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                    "options": ["nosuid", "nodev"]})
json.dump(c, open(path, "w"), indent=1)
PY
}

ida=$(cima_random_id)
idb=$(cima_random_id)
if ! bundle a "$ida" || ! bundle b "$idb"; then
	tap_diag "cima_oci_config failed"
fi
runc --root "$work/state" run --bundle "$work/a" ct-a > "$work/a.json" 2> "$work/a.err" < /dev/null
ra=$?
runc --root "$work/state" run --bundle "$work/b" ct-b > "$work/b.json" 2> "$work/b.err" < /dev/null
rb=$?
[ $ra = 0 ] || tap_diag "container a: $(tail -5 "$work/a.err")"
[ $rb = 0 ] || tap_diag "container b: $(tail -5 "$work/b.err")"

# shellcheck disable=SC2317  # called through tap_check
check() {
	python3 - "$@" <<'PY'
import json, sys
what, f, cid, other = sys.argv[1:5]
try:
    o = json.load(open(f))
except Exception as e:
    print("# no JSON from the container: %s" % e); sys.exit(1)
print("# " + json.dumps(o)[:600])
ok = True
def need(cond, msg):
    global ok
    if not cond:
        print("# FAIL: " + msg); ok = False
if what == "unpriv":
    need(o["uid"] == 1000 and not o["tpm_dev"], "not uid 1000 without /dev/tpmrm0")
elif what == "log":
    need("cima" in o.get("sources", []), "no cima view: %s" % o.get("log_error"))
    need(o.get("own_event_data") == ["id=" + cid], "own events: %s" % o.get("own_event_data"))
elif what == "replay":
    r = o.get("replay", {})
    need(any(k.startswith("15/") for k in r), "cima register 15 not replayed")
    bad = [k for k, (a, b) in r.items() if a != b]
    need(r and not bad, "replay differs from the register at %s" % bad)
elif what == "report":
    rep = o.get("report") or {}
    need(rep.get("container") == cid, "report names %r, not %s (%s)" % (rep.get("container"), cid, o.get("report_error")))
    need(("container %s\n" % cid) in (rep.get("binding") or "") and other not in (rep.get("binding") or ""),
         "binding does not name the container alone")
    need(rep.get("data_bound") and rep.get("view_bytes", 0) > 0, "data or view missing")
    need(rep.get("verified") is True, "report verify: %s" % rep.get("verified"))
    need(rep.get("report_data_rule") is True, "report data is not the snapshot rule over nonce and binding")
    need(rep.get("view_replays_to_snapshot") is True, "the view does not replay to the snapshot values")
elif what == "cli":
    rc, so, se = o.get("cli_report", [-1, "", "no result"])
    need(rc == 0 and ("container: %s\n" % cid) in so and other not in so,
         "cima report in the container: rc %s, %s" % (rc, (se or so)[-300:]))
    rc, red, se = o.get("cli_eventlog", [-1, 0, "no result"])
    need(rc == 0 and red > 10, "cima eventlog in the container: rc %s, %s" % (rc, se))
elif what == "forged":
    fo = o.get("forged", {})
    need(fo.get("other_file", [0])[0] != 0 and "not that cima securityfs file" in fo["other_file"][1],
         "a forged self/cgroup descriptor was not refused: %s" % fo.get("other_file"))
    need(fo.get("one_fd", [0])[0] != 0, "a request with one descriptor was not refused")
sys.exit(0 if ok else 1)
PY
}

tap_check "container a ran as uid 1000 with no TPM device" check unpriv "$work/a.json" "$ida" "$idb"
tap_check "container a: get_cc_eventlog() has its own cima view (own events: its id only)" check log "$work/a.json" "$ida" "$idb"
tap_check "container a: replay_cc_eventlog(get_cc_eventlog()) equals get_cc_measurement for every index" check replay "$work/a.json" "$ida" "$idb"
tap_check "container a: get_cc_report() through the broker names container a, binds data, verifies" check report "$work/a.json" "$ida" "$idb"
tap_check "container a: forged descriptors are refused by the broker" check forged "$work/a.json" "$ida" "$idb"
tap_check "container b: its own view" check log "$work/b.json" "$idb" "$ida"
tap_check "container b: replay equals the register" check replay "$work/b.json" "$idb" "$ida"
tap_check "container b: the report names b, never a" check report "$work/b.json" "$idb" "$ida"
tap_check "container b: forged descriptors are refused" check forged "$work/b.json" "$idb" "$ida"
tap_check "container a: the cima command (report, eventlog) finds the broker and its view by itself" check cli "$work/a.json" "$ida" "$idb"
tap_check "the report binding of a names a's id as the module lists it" grep -q "container $ida" "$work/a.json"
tap_check "the broker logged the refusals" grep -q "not that cima securityfs file" "$work/reportd.err"
tap_check "cima-reportd --help" "$O/cima-reportd" --help
tap_done

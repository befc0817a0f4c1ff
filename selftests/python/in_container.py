# SPDX-License-Identifier: LGPL-2.1-or-later
"""Run inside a runc container by test_container.sh: the seed-style SDK
calls, unchanged, from an unprivileged process with no TPM device.  Prints
one JSON object (the host side checks it)."""
import base64
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from broker_wire import raw_request  # noqa: E402
from cima import CimaError, CimaSdk  # noqa: E402

out = {"uid": os.getuid(), "tpm_dev": os.path.exists("/dev/tpmrm0")}
sdk = CimaSdk.inst()
try:
    events = sdk.get_cc_eventlog()
    out["sources"] = sorted({e.source for e in events})
    out["events"] = len(events)
    replay = sdk.replay_cc_eventlog(events)
    cmp = {}
    for r in replay:
        for alg in replay[r]:
            live = sdk.get_cc_measurement([r, alg]).hash
            cmp["%d/%d" % (r, alg)] = [replay[r][alg].hex(), live.hex()]
    out["replay"] = cmp
    own = [e for e in events if e.source == "cima"
           and b" id=" in e.event and b"redacted" not in e.event]
    out["own_event_data"] = sorted({e.event.split(b" ")[2].decode() for e in own})
except CimaError as e:
    out["log_error"] = str(e)

nonce = base64.b64encode(b"nonce-" + os.urandom(8)).decode()
data = base64.b64encode(b"in-container user data").decode()
try:
    rep = sdk.get_cc_report(nonce=nonce, data=data)
    out["report"] = {"kind": rep.kind_name, "source": rep.source,
                     "container": rep.container,
                     "binding": rep.binding.decode() if rep.binding else None,
                     "view_bytes": len(rep.container_view or b""),
                     "data_bound": ("data %s\n" % data) in (rep.binding or b"").decode()}
    try:
        rep.verify()
        out["report"]["verified"] = True
    except CimaError as e:
        out["report"]["verified"] = str(e)
    # The report data is the snapshot rule over the nonce and the binding,
    # and the view the broker returned replays to the snapshot's values.
    from cima.evidence import evidence_report_data
    count, banks = rep.snapshot
    out["report"]["report_data_rule"] = rep.report_data == evidence_report_data(
        base64.b64decode(nonce), rep.binding, count, banks)
    view = sdk.replay_cc_eventlog(sdk.parse_eventlog(rep.container_view, "cima"))
    idx = [i for i in view if i != 0]
    out["report"]["view_replays_to_snapshot"] = bool(idx) and all(
        view[idx[0]].get(a) == v for a, v in banks)
    out["report"]["snapshot_count"] = count
except CimaError as e:
    out["report_error"] = str(e)


# The cima command in the same container: the same library, no options.
import subprocess
bindir = os.path.dirname(os.environ.get("CIMA_LIBRARY", ""))
try:
    env = dict(os.environ, LD_LIBRARY_PATH=bindir)
    cli = subprocess.run([os.path.join(bindir, "cima"), "report", "--nonce", nonce,
                          "--data", data], capture_output=True, text=True, env=env,
                         timeout=120)
    out["cli_report"] = [cli.returncode, cli.stdout[:3000], cli.stderr[-400:]]
    cli = subprocess.run([os.path.join(bindir, "cima"), "eventlog"], capture_output=True,
                         text=True, env=env, timeout=120)
    out["cli_eventlog"] = [cli.returncode, len(cli.stdout.splitlines()), cli.stderr[-400:]]
except OSError as e:
    out["cli_report"] = [-1, "", str(e)]


# Forged descriptors: a file of our own instead of self/cgroup.
forged = {}
with open("/proc/self/cgroup", "rb") as a, \
        open("/sys/kernel/security/cima/self/binary_runtime_measurements", "rb") as b:
    st, msg, cid = raw_request([a.fileno(), b.fileno()])
    forged["other_file"] = [st, msg, cid]
with open("/sys/kernel/security/cima/self/cgroup", "rb") as a:
    st, msg, cid = raw_request([a.fileno()])
    forged["one_fd"] = [st, msg, cid]
out["forged"] = forged
json.dump(out, sys.stdout)
print()

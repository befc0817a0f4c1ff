# SPDX-License-Identifier: LGPL-2.1-or-later
"""Run inside a docker.io container by test_docker.sh (only the flags of
Documentation/container.md give it cima: self/ at /run/cima-self, the
broker's /run/cima).  The seed README's snippets run unchanged (the
replay example is selftests/python/seed_replay.py); this prints one JSON
object that the host side checks."""
import base64
import contextlib
import io
import json
import os
import runpy
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from broker_wire import raw_request  # noqa: E402
from cima import CimaError, CimaSdk  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = {"uid": os.getuid(), "tpm_dev": os.path.exists("/dev/tpmrm0"),
       "self_dir": os.environ.get("CIMA_SELF_DIR")}

# The seed's replay example, unchanged, as a user runs it.
buf = io.StringIO()
try:
    with contextlib.redirect_stdout(buf):
        runpy.run_path(os.path.join(here, "..", "python", "seed_replay.py"))
except Exception as e:  # noqa: BLE001 - reported to the host
    out["seed_error"] = "%s: %s" % (type(e).__name__, e)
text = buf.getvalue()
out["seed_ok"] = text.count("Verify event log replay value successfully.")
out["seed_bad"] = text.count("Replay IMR value does not match real IMR.")

# The same, keeping the values, and the container's own events.
try:
    events = CimaSdk.inst().get_cc_eventlog()
    out["sources"] = sorted({e.source for e in events})
    replay = CimaSdk.inst().replay_cc_eventlog(events)
    out["replay"] = {"%d/%d" % (r, a): [replay[r][a].hex(),
                                        CimaSdk.inst().get_cc_measurement([r, a]).hash.hex()]
                     for r in replay for a in replay[r]}
    own = [e for e in events if e.source == "cima" and b" id=" in e.event
           and b"redacted" not in e.event]
    out["own_ids"] = sorted({e.event.split(b" ")[2].decode() for e in own})
    out["own_kinds"] = sorted({e.event.split(b" ")[1].decode() for e in own})
except CimaError as e:
    out["log_error"] = str(e)

# The seed's report snippet, unchanged apart from the values.
nonce = base64.b64encode(b"nonce-" + os.urandom(8)).decode()
data = base64.b64encode(b"docker user data").decode()
try:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        CimaSdk.inst().get_cc_report(nonce=nonce, data=data).dump()
    out["dump_lines"] = buf.getvalue().count("\n")
    rep = CimaSdk.inst().get_cc_report(nonce=nonce, data=data)
    out["report"] = {"container": rep.container,
                     "binding": rep.binding.decode() if rep.binding else None,
                     "data_bound": ("data %s\n" % data) in (rep.binding or b"").decode(),
                     "view_bytes": len(rep.container_view or b"")}
    try:
        rep.verify()
        out["report"]["verified"] = True
    except CimaError as e:
        out["report"]["verified"] = str(e)
except CimaError as e:
    out["report_error"] = str(e)


# Another container's identity cannot be claimed: a file of our own in
# place of self/cgroup is refused, and containers/ is not reachable.
selfdir = os.environ.get("CIMA_SELF_DIR", "/sys/kernel/security/cima/self")
try:
    with open("/proc/self/cgroup", "rb") as a, \
            open(os.path.join(selfdir, "binary_runtime_measurements"), "rb") as b:
        out["forged"] = list(raw_request([a.fileno(), b.fileno()]))
except OSError as e:
    out["forged"] = [-1, str(e)]
out["containers_dir"] = os.path.exists("/sys/kernel/security/cima/containers")
json.dump(out, sys.stdout)
print()

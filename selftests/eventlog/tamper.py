#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write a tampered copy of an event log and print the register index of
the event that was changed.

  tamper.py CIMA SOURCE MODE IN OUT
    SOURCE  firmware | ima | cima
    MODE    data    flip one byte of one event's data
            digest  flip one byte of one event's (first) digest
            drop    remove one event

Events are located with `cima eventlog --format json` (offsets only); the
outcome is judged against the live registers, not against this tool.
"""
import json
import subprocess
import sys

cima, source, mode, src, dst = sys.argv[1:6]
buf = bytearray(open(src, "rb").read())
events = json.loads(subprocess.check_output(
    [cima, "eventlog", "-s", source, "-f", src, "-F", "json"]))["events"]
ends = [e["offset"] for e in events[1:]] + [len(buf)]


def pick():
    """A measured event whose data the format lets us check."""
    for i, e in enumerate(events):
        if not e["measured"]:
            continue
        if source == "firmware" and e["type_name"] not in ("EV_SEPARATOR", "EV_EFI_ACTION"):
            continue
        if source == "cima" and e["data"] == "cima/1 redacted".encode().hex():
            continue
        if source == "ima" and e.get("violation"):
            continue
        if source == "ima" and i == 0 and len(events) > 1:
            continue
        return i, e
    sys.exit("no suitable event")


i, e = pick()
off, end = e["offset"], ends[i]
if mode == "data":
    dlen = len(e["data"]) // 2
    if source == "ima":
        # inside the file digest of the d-ng field: u32 len, "<alg>:\0", digest
        at = end - dlen + 4 + bytes.fromhex(e["data"])[4:].index(0) + 1 + 2
    else:
        at = end - dlen + dlen // 2
    buf[at] ^= 0x01
elif mode == "digest":
    at = off + 4 if source == "ima" else off + 12 + 2
    buf[at] ^= 0x80
elif mode == "drop":
    del buf[off:end]
else:
    sys.exit("unknown mode " + mode)
open(dst, "wb").write(buf)
print(e["index"])

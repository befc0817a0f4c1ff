#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write a TCG crypto-agile event log with N events and two banks
(sha256, sha384): a Spec ID header, then EV_ACTION-style records spread over
PCRs 0-15 whose digests are the hashes of their (varied) data.

  genlog.py N OUT
"""
import hashlib
import struct
import sys

n, out = int(sys.argv[1]), sys.argv[2]
parts = []
spec = (b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, 2) +
        struct.pack("<HHHH", 0x000B, 32, 0x000C, 48) + b"\0")
parts.append(struct.pack("<II20sI", 0, 3, b"\0" * 20, len(spec)) + spec)
types = (0x80000007, 0x05, 0x0D)  # types tpm2_eventlog prints as text
for i in range(n):
    data = b"bench event %d %s" % (i, b"x" * (i % 97))
    parts.append(struct.pack("<III", i % 16, types[i % len(types)], 2) +
                 struct.pack("<H", 0x000B) + hashlib.sha256(data).digest() +
                 struct.pack("<H", 0x000C) + hashlib.sha384(data).digest() +
                 struct.pack("<I", len(data)) + data)
open(out, "wb").write(b"".join(parts))

# SPDX-License-Identifier: GPL-2.0
"""cima-reportd's protocol (lib/broker.h) spoken by hand, for selftests
that must pass descriptors of their own choosing (a forged self/cgroup)
where the SDK would pass the right ones."""
import os
import socket
import struct


def raw_request(fds):
    """Ask for a report with nonce "n" and data "d", passing @fds.

    Returns (status, message, container id) from the reply; the id is ""
    when the broker sent none."""
    body = b""
    for tag, val in ((1, b"n"), (2, b"d")):
        body += struct.pack("<HI", tag, len(val)) + val
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.environ.get("CIMA_REPORTD_SOCKET", "/run/cima/reportd.sock"))
    socket.send_fds(s, [b"CIMB" + struct.pack("<II", 1, len(body))], fds)
    s.sendall(body)
    reply = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        reply += b
    s.close()
    body = reply[12:]
    items, off = {}, 0
    while off + 6 <= len(body):
        t, n = struct.unpack_from("<HI", body, off)
        items[t] = body[off + 6:off + 6 + n]
        off += 6 + n
    return (struct.unpack("<I", items[3])[0], items.get(4, b"").decode(),
            items.get(19, b"").decode())

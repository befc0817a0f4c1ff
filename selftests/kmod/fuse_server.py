#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A FUSE file system as an attacker in a container could run one: it
serves one executable script, /s, whose bytes change while its attributes
(inode, size, mode, mtime, ctime) never do.

    fuse_server.py MOUNTPOINT PIDFILE FLAGFILE

Run it in a new user and mount namespace (unshare -Urm), as a user
namespace's root would.  It speaks the kernel's FUSE protocol on
/dev/fuse directly (the structure layouts of <linux/fuse.h>), mounts
itself on MOUNTPOINT, writes its pid to PIDFILE, and serves content B
instead of A once FLAGFILE exists.  It exits when the file system is
unmounted or the process is killed.
"""
import ctypes
import errno
import os
import struct
import sys

mnt, pidfile, flagfile = sys.argv[1:4]
CONTENT_A = b"#!/bin/sh\nexit 0\n# content A\n"
CONTENT_B = b"#!/bin/sh\nexit 0\n# content B\n"
assert len(CONTENT_A) == len(CONTENT_B)
T = 946684800				# every time stamp: 2000-01-01
ROOT, FILE = 1, 2

# Opcodes of <linux/fuse.h>.
LOOKUP, FORGET, GETATTR, OPEN, READ, RELEASE = 1, 2, 3, 14, 15, 18
FLUSH, INIT, OPENDIR, READDIR, RELEASEDIR = 25, 26, 27, 28, 29
INTERRUPT, DESTROY, BATCH_FORGET = 36, 38, 42
IN_HDR = struct.Struct("<IIQQIIIHH")	# fuse_in_header, 40 bytes
OUT_HDR = struct.Struct("<IiQ")		# fuse_out_header, 16 bytes


def attr(node):
    """struct fuse_attr (88 bytes)."""
    if node == ROOT:
        mode, size, nlink = 0o40755, 0, 2
    else:
        mode, size, nlink = 0o100755, len(CONTENT_A), 1
    return struct.pack("<QQQQQQIIIIIIIIII", node, size, 1, T, T, T,
                       0, 0, 0, mode, nlink, 0, 0, 0, 4096, 0)


def content():
    return CONTENT_B if os.path.exists(flagfile) else CONTENT_A


def main():
    fd = os.open("/dev/fuse", os.O_RDWR)
    libc = ctypes.CDLL(None, use_errno=True)
    opts = ("fd=%d,rootmode=40000,user_id=0,group_id=0" % fd).encode()
    MS_NOSUID, MS_NODEV = 2, 4
    if libc.mount(b"cima-test", mnt.encode(), b"fuse", MS_NOSUID | MS_NODEV,
                  opts) != 0:
        e = ctypes.get_errno()
        sys.exit("fuse_server: mount: %s" % os.strerror(e))
    with open(pidfile, "w") as f:
        f.write("%d\n" % os.getpid())

    def reply(unique, err=0, data=b""):
        os.write(fd, OUT_HDR.pack(OUT_HDR.size + len(data), -err, unique) + data)

    while True:
        try:
            req = os.read(fd, 1 << 20)
        except OSError as e:
            if e.errno == errno.ENODEV:		# unmounted
                return
            if e.errno in (errno.EINTR, errno.ENOENT):
                continue
            raise
        _, op, unique, node, _, _, _, _, _ = IN_HDR.unpack_from(req)
        arg = req[IN_HDR.size:]
        if op == INIT:
            major, minor, readahead = struct.unpack_from("<III", arg)
            # fuse_init_out: no optional feature, time_gran 1 ns.
            out = struct.pack("<IIIIHHIIHHII", 7, min(minor, 31), readahead,
                              0, 16, 12, 65536, 1, 0, 0, 0, 0) + bytes(24)
            reply(unique, data=out)
        elif op == LOOKUP:
            name = arg.split(b"\0", 1)[0]
            if node == ROOT and name == b"s":
                # fuse_entry_out: entry and attributes never cached.
                reply(unique, data=struct.pack("<QQQQII", FILE, 0, 0, 0, 0, 0)
                      + attr(FILE))
            else:
                reply(unique, errno.ENOENT)
        elif op == GETATTR:
            reply(unique, data=struct.pack("<QII", 0, 0, 0) + attr(node))
        elif op in (OPEN, OPENDIR):
            # fuse_open_out without FOPEN_KEEP_CACHE: every open drops the
            # page cache, so each exec reads what is served now.
            reply(unique, data=struct.pack("<QII", 1, 0, 0))
        elif op == READ:
            _, off, size = struct.unpack_from("<QQI", arg)
            reply(unique, data=content()[off:off + size])
        elif op == READDIR:
            reply(unique)
        elif op in (RELEASE, RELEASEDIR, FLUSH):
            reply(unique)
        elif op in (FORGET, BATCH_FORGET, INTERRUPT):
            pass				# no reply expected
        elif op == DESTROY:
            reply(unique)
            return
        else:
            reply(unique, errno.ENOSYS)


main()

#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host tests: a replay of a list that is not one whole log (a slice, a
filter, pages of a log read twice) goes through libcima's
cima_replay_events() and so extends IMA as the whole log's replay found the
kernel did (padded banks named), violations as ff..ff, every bank.

Expected values never come from the code under test: PCRs tpm2_pcrread read
in the boot the logs were captured in (tests/data/vm-*/pcrs.txt), register
values published with the shared test data (*.expected.json), and a replay
written here with hashlib over the raw bytes of the IMA list (its own
parser of the binary format).  Prints TAP."""
import ctypes
import errno
import hashlib
import json
import os
import struct

from hosttest import ALG, bail, check, done, read_pcrs, testdata, top

try:
    from cima import CimaError, CimaSdk
    from cima import _lib as L
except Exception as e:
    bail("import cima", e)

sdk = CimaSdk.inst()
NAME = {v: k for k, v in ALG.items()}
SHA384 = 12


def blob(*parts):
    return open(os.path.join(*parts), "rb").read()


# --- an independent IMA replay: binary list -> {pcr: {alg: value}} ---------

def ima_records(raw):
    """(pcr, template hash, template name, hashed bytes) per record of a
    binary IMA list (SHA-1 template hashes)."""
    out, off = [], 0
    while off < len(raw):
        pcr, th = struct.unpack_from("<I20s", raw, off)
        off += 24
        (nlen,) = struct.unpack_from("<I", raw, off)
        name = raw[off + 4:off + 4 + nlen].decode()
        off += 4 + nlen
        if name == "ima":
            # 'ima': SHA-1 file digest, u32 name length, name; the kernel
            # hashes digest || name zero-padded to 256 bytes.
            (fl,) = struct.unpack_from("<I", raw, off + 20)
            fname = raw[off + 24:off + 24 + fl]
            hashed = raw[off:off + 20] + fname.ljust(256, b"\0")
            off += 24 + fl
        else:
            (dl,) = struct.unpack_from("<I", raw, off)
            hashed = raw[off + 4:off + 4 + dl]
            off += 4 + dl
        out.append((pcr, th, name, hashed))
    return out


def ima_replay(records, banks, padded=()):
    regs = {}
    for pcr, th, _, hashed in records:
        for alg in banks:
            h = NAME[alg]
            size = hashlib.new(h).digest_size
            if not any(th):
                d = b"\xff" * size                      # violation
            elif alg == 4:
                d = th
            elif alg in padded:
                d = th + bytes(size - 20)               # zero-padded SHA-1
            else:
                d = hashlib.new(h, hashed).digest()
            cur = regs.setdefault(pcr, {}).get(alg, bytes(size))
            regs[pcr][alg] = hashlib.new(h, cur + d).digest()
    return regs


def same(got, want, what):
    for idx, banks in want.items():
        for alg, val in banks.items():
            g = got.get(idx, {}).get(alg)
            assert g == val, "%s: register %d bank %s: replay %s, expected %s" % (
                what, idx, NAME.get(alg, alg), g.hex() if g else None, val.hex())


# --- the captured boots: filters and pages of the whole boot's logs --------

WANT_PADDED = {"vm-6.1": (SHA384,), "vm-6.12": ()}
for k, want_padded in WANT_PADDED.items():
    d = os.path.join(top, "tests", "data", k)
    if not os.path.exists(os.path.join(d, "pcrs.txt")):
        check("%s: captured logs present" % k, lambda d=d: (_ for _ in ()).throw(
            AssertionError("missing " + d)))
        continue
    pcrs = read_pcrs(os.path.join(d, "pcrs.txt"))
    parts = [(blob(d, s + ".bin"), s) for s in ("firmware", "ima", "cima")]

    def ima_filter(k=k, pcrs=pcrs, parts=parts, want_padded=want_padded):
        ev = sdk.parse_eventlogs(parts)
        ima = [e for e in ev if e.source == "ima"]
        r = sdk.replay_cc_eventlog(ima)
        assert tuple(int(a) for a in r.ima_sha1_padded) == want_padded, \
            "padded banks %r, want %r" % (r.ima_sha1_padded, want_padded)
        assert sorted(r) == [10], sorted(r)
        assert sorted(r[10]) == [11, 12], sorted(r[10])   # the firmware log's banks
        for alg in (11, 12):
            assert r[10][alg] == pcrs[10][alg], "PCR 10 %s: replay %s, TPM %s" % (
                NAME[alg], r[10][alg].hex(), pcrs[10][alg].hex())
    check("%s: IMA events filtered from the boot's logs replay (libcima) to the TPM's "
          "PCR 10 in sha256 and sha384; padded banks %s" % (k, want_padded),
          ima_filter)

    def pages(k=k, pcrs=pcrs, parts=parts, want_padded=want_padded):
        # Two reads of the same boot's logs, pages taken from each.
        a, b = sdk.parse_eventlogs(parts), sdk.parse_eventlogs(parts)
        cut = len(a) // 3
        r = sdk.replay_cc_eventlog(a[:cut] + b[cut:])
        assert tuple(int(x) for x in r.ima_sha1_padded) == want_padded, r.ima_sha1_padded
        n = 0
        for idx, banks in r.items():
            for alg, val in banks.items():
                assert val == pcrs[idx][alg], "PCR %d %s: replay %s, TPM %s" % (
                    idx, NAME[alg], val.hex(), pcrs[idx][alg].hex())
                n += 1
        assert n >= 20, "only %d values" % n
    check("%s: pages of two reads of the logs replay to every tpm2_pcrread PCR" % k, pages)

    def slice_vs_hashlib(k=k, parts=parts, want_padded=want_padded):
        raw = parts[1][0]
        recs = ima_records(raw)
        ev = sdk.parse_eventlogs(parts)
        ima = [e for e in ev if e.source == "ima"]
        assert len(ima) == len(recs), (len(ima), len(recs))
        lo, hi = 3, min(len(recs), 60)
        r = sdk.replay_cc_eventlog(ima[lo:hi])
        want = ima_replay(recs[lo:hi], (11, 12), want_padded)
        same(r, want, "%s IMA events %d..%d" % (k, lo, hi))
        if want_padded:
            hashed = ima_replay(recs[lo:hi], (12,), ())
            assert r[10][12] != hashed[10][12], "sha384 replayed hashed"
    check("%s: a slice of the IMA events (starting mid-list) equals a hashlib replay of "
          "the raw records (sha384 %s)" % (k, "zero-padded SHA-1" if want_padded else "hashed"),
          slice_vs_hashlib)


# --- published data: ibmtss/imatest.log (violation, 'ima' template) --------

imatest = os.path.join(testdata, "ibmtss", "imatest.log")


def imatest_pages():
    raw = blob(imatest)
    exp = json.load(open(imatest + ".expected.json"))["expected"]["pcr10"]
    a, b = sdk.parse_eventlog(raw, "ima"), sdk.parse_eventlog(raw, "ima")
    recs = ima_records(raw)
    assert sum(1 for r in recs if not any(r[1])) == 1, "the list has one violation"
    r = sdk.replay_cc_eventlog(a[:7] + b[7:])
    for name, hx in exp.items():
        assert r[10][ALG[name]].hex() == hx, "PCR 10 %s: replay %s, published %s" % (
            name, r[10][ALG[name]].hex(), hx)
    assert r.ima_sha1_padded == (), r.ima_sha1_padded


check("ibmtss imatest.log (violation, 'ima' template): pages of two parses replay to "
      "the published PCR 10 in sha1, sha256, sha384, sha512", imatest_pages)


def imatest_slices():
    raw = blob(imatest)
    recs = ima_records(raw)
    ev = sdk.parse_eventlog(raw, "ima")
    viol = [i for i, r in enumerate(recs) if not any(r[1])][0]
    for lo, hi in ((1, len(recs)), (viol, viol + 1), (0, viol)):
        r = sdk.replay_cc_eventlog(ev[lo:hi])
        same(r, ima_replay(recs[lo:hi], (4, 11, 12, 13)), "imatest %d..%d" % (lo, hi))
    only = sdk.replay_cc_eventlog([ev[viol]])
    for alg, size in ((4, 20), (11, 32), (12, 48), (13, 64)):
        h = NAME[alg]
        assert only[10][alg] == hashlib.new(h, bytes(size) + b"\xff" * size).digest(), h
    forced = sdk.replay_cc_eventlog(ev[1:], ima_sha1_padded=True)
    assert [int(a) for a in forced.ima_sha1_padded] == [11, 12, 13], forced.ima_sha1_padded
    same(forced, ima_replay(recs[1:], (4, 11, 12, 13), (11, 12, 13)), "imatest forced padded")


check("ibmtss imatest.log: slices (the violation alone: ff..ff) equal a hashlib replay of "
      "the raw records in four banks; ima_sha1_padded=True pads a slice", imatest_slices)


# --- StartupLocality: only when that event is in the list ------------------

alex = os.path.join(testdata, "go-tpm-tools", "glinux-alex.bin")


def locality():
    raw = blob(alex)
    exp = json.load(open(alex + ".expected.json"))["expected"]["pcrs"]
    a, b = sdk.parse_eventlog(raw, "firmware"), sdk.parse_eventlog(raw, "firmware")
    assert a[1].event.startswith(b"StartupLocality\0"), a[1]
    r = sdk.replay_cc_eventlog(a[1:5] + b[5:])          # no Spec ID header
    for name, regs in exp.items():
        for idx, hx in regs.items():
            assert r[int(idx)][ALG[name]].hex() == hx, "PCR %s %s" % (idx, name)
    # Without the StartupLocality event PCR 0 starts at zero.
    r0 = sdk.replay_cc_eventlog(a[2:])
    pcr0 = [e for e in a[2:] if e.imr_index == 0 and e.measured]
    v = bytes(32)
    for e in pcr0:
        v = hashlib.sha256(v + e.digest(11)).digest()
    assert r0[0][11] == v and v.hex() != exp["sha256"]["0"], r0[0][11].hex()


check("glinux-alex (StartupLocality 3): pages replay to the published PCRs 0-7; "
      "without that event PCR 0 starts at zero", locality)


# --- the C call's own errors -----------------------------------------------

def c_errors():
    raw = blob(imatest)
    log = L.cima_eventlog_parse(raw, len(raw), 3)
    assert log
    try:
        ev = L.cima_eventlog_event(log, 0)
        o = L.ReplayOpts(sz=ctypes.sizeof(L.ReplayOpts))
        arr = (ctypes.c_void_p * 2)(ev, None)
        for args, what in (((None, arr, 1, ctypes.byref(o)), "NULL log"),
                           ((log, None, 1, ctypes.byref(o)), "NULL list"),
                           ((log, arr, 2, ctypes.byref(o)), "NULL event"),
                           ((log, arr, 1, ctypes.byref(L.ReplayOpts(sz=0))), "sz 0")):
            ctypes.set_errno(0)
            r = L.cima_replay_events(*args)
            assert not r, what + ": accepted"
            assert ctypes.get_errno() == errno.EINVAL, (what, ctypes.get_errno())
        r = L.cima_replay_events(log, arr, 0, None)
        assert r and L.cima_replay_count(r) == 0
        L.cima_replay_free(r)
        r = L.cima_replay_events(log, arr, 1, None)
        assert r and L.cima_replay_count(r) == 4, "one IMA event: PCR 10 in 4 banks"
        L.cima_replay_free(r)
    finally:
        L.cima_eventlog_free(log)


check("cima_replay_events: NULL log, list or event and an unset sz give EINVAL; "
      "0 events give no values", c_errors)


def bad_lists():
    ev = sdk.parse_eventlog(blob(imatest), "ima")
    for bad in (lambda: sdk.replay_cc_eventlog(ev[:2] + [b"x"]),
                lambda: sdk.replay_cc_eventlog(5),
                lambda: sdk.replay_cc_eventlog(ev[:2], ima_sha1_padded="yes")):
        try:
            bad()
        except ValueError as e:
            assert isinstance(e, CimaError)
            continue
        raise AssertionError("accepted")


check("replay_cc_eventlog: a non-event, a non-list, a non-bool option raise ValueError",
      bad_lists)

done()

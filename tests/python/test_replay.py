#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host tests of the Python binding (no VM): logs captured from the test VM
(tests/data/vm-*/) replay, through CimaSdk, to the PCRs tpm2_pcrread read in
the same boot (pcrs.txt), both through libcima's replay of a whole log and
its replay of an event list (cima_replay_events); digests of cima events
equal hashlib's over their data; bad input raises CimaError with a message.
Prints TAP."""
import glob
import hashlib
import os
import sys

from hosttest import ALG, bail, check, done, read_pcrs, top

try:
    from cima import CimaError, CimaSdk
except Exception as e:
    bail("import cima", e)

sdk = CimaSdk.inst()


def compare(replay, pcrs, what, need):
    assert replay, "%s: nothing replayed" % what
    compared = 0
    for idx, banks in replay.items():
        for alg, val in banks.items():
            want = pcrs.get(idx, {}).get(alg)
            assert want is not None, "%s: PCR %d bank %#x not in pcrs.txt" % (what, idx, alg)
            assert val == want, "%s: PCR %d bank %#x: replay %s, TPM %s" % (
                what, idx, alg, val.hex(), want.hex())
            compared += 1
    assert compared >= need, "%s: only %d values compared" % (what, compared)


dirs = sorted(d for d in glob.glob(os.path.join(top, "tests", "data", "vm-*"))
              if os.path.exists(os.path.join(d, "pcrs.txt")))
for d in dirs:
    k = os.path.basename(d)
    pcrs = read_pcrs(os.path.join(d, "pcrs.txt"))
    for src, need in (("firmware", 8), ("cima", 2)):
        blob = open(os.path.join(d, src + ".bin"), "rb").read()

        def whole(blob=blob, src=src, need=need):
            ev = sdk.parse_eventlog(blob, src)
            compare(sdk.replay_cc_eventlog(ev), pcrs, "%s %s" % (k, src), need)
        check("%s: %s log replays (libcima) to tpm2_pcrread PCRs" % (k, src), whole)

        def sliced(blob=blob, src=src, need=need):
            ev = sdk.parse_eventlog(blob, src)
            # Without the Spec ID header (an unmeasured EV_NO_ACTION) the
            # list is no longer one whole log: libcima replays it as a list
            # of events (cima_replay_events); it must reach the same PCRs.
            assert ev[0].event_type == 3 and not ev[0].measured, ev[0]
            compare(sdk.replay_cc_eventlog(ev[1:]), pcrs, "%s %s" % (k, src), need)
            part = sdk.replay_cc_eventlog(ev[:len(ev) // 2])
            assert part != sdk.replay_cc_eventlog(ev), "half a log gives the same values"
        check("%s: %s log: replay of an event list (not one whole log) agrees" % (k, src), sliced)

    def cima_digests(d=d):
        ev = sdk.parse_eventlog(open(os.path.join(d, "cima.bin"), "rb").read(), "cima")
        kinds = set()
        for e in ev[1:]:
            assert e.event.startswith(b"cima/1 "), e.event[:20]
            kinds.add(e.event.split()[1])
            assert e.event_type == 5 and e.event_type_name == "EV_ACTION"
            assert e.digest(11) == hashlib.sha256(e.event).digest(), e
            # sha384 is H(data), or (ABI: a bank the kernel could not
            # compute) the sha256 digest zero-padded to 48 bytes.
            assert e.digest("sha384") in (hashlib.sha384(e.event).digest(),
                                          hashlib.sha256(e.event).digest() + bytes(16)), e
        assert b"start" in kinds and b"exec" in kinds, kinds
        out = ev[1].dump_text()
        assert "EV_ACTION" in out and "cima/1" in out.replace("\n", ""), out
    check("%s: cima events: hashlib digests of the data, dump shows the type" % k,
          cima_digests)


def raises(fn, *want):
    try:
        fn()
    except CimaError as e:
        for w in want:
            assert w in str(e), "message %r lacks %r" % (str(e), w)
        return
    raise AssertionError("no CimaError")


check("truncated log: CimaError with the library's offset message", lambda: raises(
    lambda: sdk.parse_eventlog(open(os.path.join(dirs[0], "firmware.bin"), "rb").read()[:100],
                               "firmware"), "parse_eventlog(firmware)", "offset"))
check("bad base64 nonce: CimaError", lambda: raises(
    lambda: sdk.get_cc_report(nonce="not base64!"), "nonce", "base64"))
check("bad measurement selector: CimaError", lambda: raises(
    lambda: sdk.get_cc_measurement(3), "[index, alg_id]"))
check("unknown algorithm name: CimaError", lambda: raises(
    lambda: sdk.get_cc_measurement([0, "md5"]), "unknown hash algorithm"))
check("unknown source: CimaError", lambda: raises(
    lambda: sdk.parse_eventlog(b"", "nope"), "unknown source"))
check("replay of non-events: CimaError", lambda: raises(
    lambda: sdk.replay_cc_eventlog([1, 2]), "not an event"))



# IMA: the kernel extends a bank it cannot hash at IMA start with the SHA-1
# template digest zero-padded (6.1: sha384).  The whole boot's logs replay
# to every PCR with no option, and the replay names the padded banks.
SHA384 = 12
WANT_PADDED = {"vm-6.1": (SHA384,), "vm-6.12": ()}
for d in dirs:
    k = os.path.basename(d)
    if k not in WANT_PADDED:
        continue

    def blobs(*srcs, d=d):
        return [(open(os.path.join(d, s + ".bin"), "rb").read(), s) for s in srcs]

    def whole_boot(k=k, blobs=blobs):
        pcrs = read_pcrs(os.path.join(top, "tests", "data", k, "pcrs.txt"))
        ev = sdk.parse_eventlogs(blobs("firmware", "ima", "cima"))
        r = sdk.replay_cc_eventlog(ev)
        compare(r, pcrs, k + " firmware+ima+cima", 12)
        assert 10 in r and 15 in r, sorted(r)
        assert tuple(int(a) for a in r.ima_sha1_padded) == WANT_PADDED[k], r.ima_sha1_padded
    check("%s: firmware+IMA+cima logs replay to every PCR with no option; padded banks %s"
          % (k, WANT_PADDED[k]), whole_boot)

    def ima_alone(k=k, blobs=blobs):
        # Without the live PCRs or a cima event nothing shows the padding:
        # the replay must not invent it.
        r = sdk.replay_cc_eventlog(sdk.parse_eventlog(blobs("ima")[0][0], "ima"))
        assert r.ima_sha1_padded == (), r.ima_sha1_padded
        forced = sdk.replay_cc_eventlog(sdk.parse_eventlog(blobs("ima")[0][0], "ima"),
                                        ima_sha1_padded=True)
        assert SHA384 in [int(a) for a in forced.ima_sha1_padded]
    check("%s: IMA list alone: no padding guessed; ima_sha1_padded=True still forces it" % k,
          ima_alone)

    def ima_slice(k=k, blobs=blobs):
        pcrs = read_pcrs(os.path.join(top, "tests", "data", k, "pcrs.txt"))
        ev = sdk.parse_eventlogs(blobs("firmware", "ima", "cima"))
        ima = [e for e in ev if e.source == "ima"]
        assert all(e.event_type == 0x14 and e.event_type_name == "IMA_MEASUREMENT_EVENT"
                   for e in ima)
        r = sdk.replay_cc_eventlog(ima)      # a filter: cima_replay_events
        assert r[10][11] == pcrs[10][11], "PCR 10 sha256 from the IMA events alone"
        if k == "vm-6.12":
            assert r[10][SHA384] == pcrs[10][SHA384], "PCR 10 sha384 (hashed on 6.12)"
    check("%s: IMA events filtered from the log: their replay gives PCR 10 "
          "(template hashes per bank, IMA_MEASUREMENT_EVENT type)" % k, ima_slice)


def value_errors():
    for bad in (lambda: sdk.get_cc_measurement(3), lambda: sdk.get_cc_measurement([0, "md5"]),
                lambda: sdk.get_cc_report(nonce="not base64!"),
                lambda: sdk.get_cc_eventlog(start=-1),
                lambda: sdk.get_cc_report(extraArgs=5)):
        try:
            bad()
        except ValueError as e:
            assert isinstance(e, CimaError), type(e)
            continue
        raise AssertionError("no ValueError")
    assert sdk.replay_cc_eventlog(None) == {}
    # IMA ascii lists: a line that does not rebuild to its template hash
    bad = "10 " + "11" * 20 + " ima-ng sha256:" + "22" * 32 + " /bin/x\n"
    try:
        sdk.parse_eventlog(bad, "ima")
    except ValueError as e:
        assert "line 1" in str(e), e
    else:
        raise AssertionError("bad ascii line accepted")
def extra_args():
    # The original SDK's extraArgs: None, a list of register indexes (TPM:
    # the PCRs to quote) or a dict.  Valid ones change nothing: the call
    # ends as it does without them (here, with no platform, the same
    # platform error); wrong ones raise ValueError before the platform.
    def outcome(**kw):
        try:
            sdk.get_cc_report(nonce="MTIzNDU2Nzg=", **kw)
        except ValueError as e:
            return ("ValueError", str(e))
        except CimaError as e:
            return ("CimaError", e.errno)
        return ("ok", None)
    base = outcome()
    assert base[0] != "ValueError", base
    for good in ([], [0, 1, 10], (0, 7), {0, 3}, {}, {"pcrs": [0, 1]}):
        assert outcome(extraArgs=good) == base, (good, outcome(extraArgs=good), base)
    for bad in (5, "0,1", b"\x00", [1.0], [True], ["0"], [-1], {1: 2}, 2.5):
        got = outcome(extraArgs=bad)
        assert got[0] == "ValueError" and "extraArgs" in got[1], (bad, got)
check("extraArgs: None, index lists and dicts are accepted (same outcome as without); "
      "other types, non-int or negative indexes raise ValueError", extra_args)


check("bad arguments raise ValueError (a CimaError); replay_cc_eventlog(None) == {}; "
      "a forged IMA ascii line is refused",
      value_errors)


def ima_ascii():
    # ascii lines written the kernel's way from the captured binary list
    # (template hash, name, fields) parse back to the same events.
    import struct
    blob = open(os.path.join(dirs[0], "ima.bin"), "rb").read()
    ev = sdk.parse_eventlog(blob, "ima")
    lines = []
    for e in ev:
        d = e.event
        fields, off = [], 0
        while off < len(d):
            (n,) = struct.unpack_from("<I", d, off)
            fields.append(d[off + 4:off + 4 + n])
            off += 4 + n
        alg, _, dig = fields[0].partition(b":\0")
        line = "%d %s %s %s:%s %s" % (e.imr_index, e.digests[0].hash.hex(),
                                       "ima-sig", alg.decode(), dig.hex(),
                                       fields[1].rstrip(b"\0").decode())
        if len(fields) > 2 and fields[2]:
            line += " " + fields[2].hex()
        lines.append(line)
    back = sdk.parse_eventlog("\n".join(lines) + "\n", "ima")
    assert [(e.digests[0].hash, e.event) for e in back] == \
        [(e.digests[0].hash, e.event) for e in ev]
check("IMA ascii list (ima-sig lines) parses to the binary list's events", ima_ascii)

def installed():
    import subprocess
    import tempfile
    lib = os.path.realpath(os.environ.get("CIMA_LIBRARY") or
                           os.path.join(top, "build", "libcima.so.0"))
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["make", "-s", "-C", os.path.join(top, "lib", "python"), "install",
                        "DESTDIR=" + d, "PREFIX=/usr", "LIBDIR=" + os.path.dirname(lib)],
                       check=True, stdout=subprocess.DEVNULL)
        pkg = os.path.join(d, "usr", "lib", "python3", "dist-packages")
        env = {k: v for k, v in os.environ.items() if k not in ("CIMA_LIBRARY", "O")}
        env["PYTHONPATH"] = pkg
        code = "import cima, cima._lib as L; print(cima.__file__); print(L.path)"
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd="/",
                             check=True, capture_output=True, text=True).stdout.split()
        assert out[0].startswith(pkg), out
        assert os.path.realpath(out[1]) == lib, (out, lib)
        env["CIMA_LIBRARY"] = "/nonexistent/libcima.so.0"
        r = subprocess.run([sys.executable, "-c", "import cima"], env=env, cwd="/",
                           capture_output=True, text=True)
        assert r.returncode != 0 and "cannot load libcima" in r.stderr, r.stderr
check("make install: installed package loads the LIBDIR it was installed with; "
      "a bad CIMA_LIBRARY fails clearly", installed)

done()

# SPDX-License-Identifier: LGPL-2.1-or-later
"""VM checks of the cima Python binding (run by test_sdk.sh; prints TAP).

Expected values come from outside the library: the kernel's TPM sysfs
(/sys/class/tpm/tpm0/pcr-<bank>/<n>), hashlib, and the TPMS_ATTEST bytes
parsed here by hand (TPM 2.0 Part 2, 10.12.12)."""
import base64
import contextlib
import hashlib
import io
import os
import re
import struct
import sys

CID = sys.argv[1] if len(sys.argv) > 1 else ""
TPM = "/sys/class/tpm/tpm0"
results = []


def test(name):
    def wrap(fn):
        try:
            extra = fn()
            results.append(("ok", name + (" " + extra if extra else ""), None))
        except Skip as s:
            results.append(("skip", name, str(s)))
        except Exception as e:
            results.append(("not ok", name, "%s: %s" % (type(e).__name__, e)))
        return fn
    return wrap


class Skip(Exception):
    pass


def sysfs_pcr(bank, i):
    with open("%s/pcr-%s/%d" % (TPM, bank, i)) as f:
        return bytes.fromhex(f.read().strip())


def captured(fn):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fn()
    return buf.getvalue()


from cima import CimaError, CimaSdk, _lib  # noqa: E402

if not os.path.isdir(TPM + "/pcr-sha384"):
    print("1..1\nok 1 - python sdk # SKIP no TPM with an sha384 bank")
    sys.exit(0)

BANKS = {11: "sha256", 12: "sha384"}


@test("default algorithm is sha256 (documented rule: TPM with an sha256 bank), 24 registers")
def _():
    assert CimaSdk.inst() is CimaSdk.inst()
    assert os.path.isdir(TPM + "/pcr-sha256")
    assert CimaSdk.inst().get_default_algorithm() == 11
    assert CimaSdk.inst().get_measurement_count() == 24


@test("get_cc_measurement([i, alg]).hash equals sysfs pcr-<bank>/<i> for 24 PCRs x 2 banks")
def _():
    for i in range(24):
        for alg, bank in BANKS.items():
            m = CimaSdk.inst().get_cc_measurement([i, alg])
            assert m.alg == alg and m.alg.name == bank, m.alg
            assert m.hash == sysfs_pcr(bank, i), (i, bank, m.hash.hex())
    # The SDK snippet, unchanged.
    index = 0
    m = CimaSdk.inst().get_cc_measurement([index, 12]); m.hash.hex()  # noqa: E702
    assert m.hash.hex() == sysfs_pcr("sha384", 0).hex()


EVENTS = []


@test("for e in get_cc_eventlog(): e.dump() prints every event with its TCG type")
def _():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for e in CimaSdk.inst().get_cc_eventlog(): e.dump()  # noqa: E701
    text = out.getvalue()
    EVENTS.extend(CimaSdk.inst().get_cc_eventlog())
    types = {e.event_type for e in EVENTS}
    sources = {e.source for e in EVENTS}
    for t in (0x3, 0x4, 0x5, 0x80000008):       # NO_ACTION SEPARATOR ACTION FW BLOB
        assert t in types, hex(t)
    for name in ("EV_NO_ACTION", "EV_SEPARATOR", "EV_EFI_PLATFORM_FIRMWARE_BLOB",
                 "EV_ACTION", "cima/1"):
        assert name in text.replace("\n", ""), name
    assert {"firmware", "cima"} <= sources, sources
    assert text.count("\n") > len(EVENTS)
    return "(%d events from %s)" % (len(EVENTS), ",".join(sorted(sources)))


@test("replay_cc_eventlog(events) equals get_cc_measurement for every index replayed")
def _():
    events = EVENTS
    replay = CimaSdk.inst().replay_cc_eventlog(events)   # {index: {alg_id: bytes}}
    assert {0, 1, 2, 3, 4, 5, 6, 7, 15} <= set(replay), sorted(replay)
    # No option: the replay itself finds a bank the kernel extended with
    # zero-padded SHA-1 (6.1: sha384) and names it.
    n = 0
    bad = []
    for index, banks in replay.items():
        for alg, val in banks.items():
            live = CimaSdk.inst().get_cc_measurement([index, alg]).hash
            assert live == sysfs_pcr(BANKS[alg], index)
            if val != live:
                bad.append("%d/%s" % (index, BANKS[alg]))
            n += 1
    assert not bad, "differ: " + " ".join(bad)
    padded = [a.name for a in replay.ima_sha1_padded]
    if os.uname().release.startswith("6.1."):
        assert padded == ["sha384"], padded
    return "(%d values, PCRs %s; IMA banks replayed zero-padded SHA-1: %s)" % (
        n, ",".join(map(str, sorted(replay))), " ".join(padded) or "none")


@test("the seed README replay example runs unchanged and prints no mismatch")
def _():
    seed = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed_replay.py")
    import subprocess
    out = subprocess.run([sys.executable, seed], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-400:]
    assert "does not match" not in out.stdout, out.stdout[-600:]
    ok = out.stdout.count("successfully")
    assert ok >= 10, out.stdout[-600:]
    return "(%d IMR values verified)" % ok


@test("get_cc_eventlog(start, count) as the original SDK: 0-based, start == len gives [], bad values ValueError")
def _():
    sdk = CimaSdk.inst()
    n = len(sdk.get_cc_eventlog())
    two = sdk.get_cc_eventlog(start=1, count=2)
    assert len(two) == 2 and two[0].number == 1, two
    assert len(sdk.get_cc_eventlog(start=0)) >= n
    for bad in (dict(start=-1), dict(count=0), dict(start=n + 1000), dict(start=0, count=n + 1000)):
        try:
            sdk.get_cc_eventlog(**bad)
        except ValueError:
            continue
        raise AssertionError("no ValueError for %r" % bad)
    assert sdk.replay_cc_eventlog(None) == {}


@test("IMA ascii_runtime_measurements accepted as input: same events and PCR 10 as the binary list")
def _():
    sdk = CimaSdk.inst()
    base = "/sys/kernel/security/ima/"
    text = open(base + "ascii_runtime_measurements").read()
    binary = open(base + "binary_runtime_measurements", "rb").read()
    a = sdk.parse_eventlog(text, "ima")
    b = sdk.parse_eventlog(binary, "ima")
    n = min(len(a), len(b))
    assert n >= 1, n    # boot_aggregate at least (default policy)
    for x, y in zip(a[:n], b[:n]):
        assert (x.imr_index, x.digests[0].hash, x.event) == \
            (y.imr_index, y.digests[0].hash, y.event), (x, y)
    ra, rb = sdk.replay_cc_eventlog(a[:n]), sdk.replay_cc_eventlog(b[:n])
    assert ra == rb, "replays differ"
    return "(%d events)" % n


@test("consistent pair under a growing IMA log: log read between two equal register reads replays to it")
def _():
    sdk = CimaSdk.inst()
    for _ in range(20):
        before = sdk.get_cc_measurement([10, 12]).hash
        events = sdk.get_cc_eventlog()
        if sdk.get_cc_measurement([10, 12]).hash == before:
            break
    else:
        raise AssertionError("PCR 10 kept moving over 20 tries")
    assert sdk.replay_cc_eventlog(events)[10][12] == before


@test("replay of the firmware events alone (libcima's cima_replay_events) equals PCRs 0-7")
def _():
    fw = [e for e in EVENTS if e.source == "firmware"]
    replay = CimaSdk.inst().replay_cc_eventlog(fw)
    for i in range(8):
        for alg, bank in BANKS.items():
            assert replay[i][alg] == sysfs_pcr(bank, i), (i, bank)


@test("IMA events filtered from the live log (a list, not one log: cima_replay_events) replay "
      "to sysfs PCR 10 in both banks and name the padded banks as the whole log's replay")
def _():
    sdk = CimaSdk.inst()
    for _ in range(20):
        before = {alg: sysfs_pcr(bank, 10) for alg, bank in BANKS.items()}
        events = sdk.get_cc_eventlog()
        if {alg: sysfs_pcr(bank, 10) for alg, bank in BANKS.items()} == before:
            break
    else:
        raise AssertionError("PCR 10 kept moving over 20 tries")
    ima = [e for e in events if e.source == "ima"]
    assert ima and len(ima) < len(events), len(ima)
    part = sdk.replay_cc_eventlog(ima)
    whole = sdk.replay_cc_eventlog(events)
    assert sorted(part) == [10], sorted(part)
    for alg, bank in BANKS.items():
        assert part[10][alg] == before[alg], (bank, part[10][alg].hex(), before[alg].hex())
    assert part.ima_sha1_padded == whole.ima_sha1_padded, (part.ima_sha1_padded,
                                                          whole.ima_sha1_padded)
    return "(%d IMA events; padded: %s)" % (
        len(ima), ",".join(a.name for a in part.ima_sha1_padded) or "none")


@test("cima event digests are hashlib's of their data")
def _():
    cima = [e for e in EVENTS if e.source == "cima" and e.measured]
    assert cima
    for e in cima:
        assert e.event_type == 5 and e.event.startswith(b"cima/1 "), e
        assert e.digest(11) == hashlib.sha256(e.event).digest(), e
        assert e.digest(12) in (hashlib.sha384(e.event).digest(),
                                hashlib.sha256(e.event).digest() + bytes(16)), e
    return "(%d events)" % len(cima)


NONCE_RAW = os.urandom(32)
DATA_RAW = b"cima python selftest user data"


@test("get_cc_report(nonce=, data=).dump() and the nonce binding in the signed quote")
def _():
    nonce = base64.b64encode(NONCE_RAW).decode()       # str, as the SDK passes it
    user_data = base64.b64encode(DATA_RAW)              # bytes
    out = captured(lambda: CimaSdk.inst().get_cc_report(nonce=nonce, data=user_data).dump())
    assert out.strip(), "empty dump"
    r = CimaSdk.inst().get_cc_report(nonce=nonce, data=user_data)
    want = hashlib.sha512(NONCE_RAW + DATA_RAW).digest()
    assert r.report_data == want, r.report_data.hex()
    assert r.kind_name == "tpm-quote", r.kind_name
    # TPMS_ATTEST: magic, type, qualifiedSigner (TPM2B_NAME), extraData (TPM2B_DATA)
    b = r.blob
    magic, typ = struct.unpack(">IH", b[:6])
    assert magic == 0xFF544347 and typ == 0x8018, (hex(magic), hex(typ))
    (nlen,) = struct.unpack(">H", b[6:8])
    (elen,) = struct.unpack(">H", b[8 + nlen:10 + nlen])
    extra = b[10 + nlen:10 + nlen + elen]
    assert extra == want, "extraData %s, want %s" % (extra.hex(), want.hex())
    r.verify()
    # Another nonce binds other data: the check above can fail.
    r2 = CimaSdk.inst().get_cc_report(nonce=base64.b64encode(b"x" * 32), data=user_data)
    assert r2.report_data != want
    # The dump prints the parsed fields: the kind and the whole report data.
    assert "kind: tpm-quote" in out, out[:200]
    assert re.search(r"report_data\s+" + want.hex() + r"\b", out), out[:400]
    return "(%s, extraData = SHA-512(nonce||data))" % r.source


@test("extraArgs as the original SDK passes it (a PCR list, a dict) gives a quote binding "
      "the nonce; an index past the 24 PCRs or a wrong type raises ValueError")
def _():
    sdk = CimaSdk.inst()
    nonce = base64.b64encode(NONCE_RAW)
    want = hashlib.sha512(NONCE_RAW).digest()
    for extra in ([0, 1, 10], (7,), {}, {"pcrs": [0]}, None):
        r = sdk.get_cc_report(nonce=nonce, extraArgs=extra)
        assert r.kind_name == "tpm-quote" and r.report_data == want, extra
        r.verify()
    for bad in ([24], [0, 99], [-1], "0", 3, [0.5]):
        try:
            sdk.get_cc_report(nonce=nonce, extraArgs=bad)
        except ValueError as e:
            assert "extraArgs" in str(e), e
        else:
            raise AssertionError("extraArgs=%r accepted" % (bad,))


@test("bad input raises CimaError with the library's message, nothing else happens")
def _():
    # (call, words in the message, whether the library itself refuses it:
    # bad base64 is refused by the binding before libcima is called)
    for call, words, by_lib in (
            (lambda: CimaSdk.inst().get_cc_measurement([99, 12]), ["99"], True),
            (lambda: CimaSdk.inst().get_cc_measurement([0, 13]), ["get_cc_measurement"], True),
            (lambda: CimaSdk.inst().get_cc_report(nonce="%%%"), ["nonce", "base64"], False),
            (lambda: CimaSdk.inst().get_container_eventlog("no-such-container"),
             ["no-such-container"], True)):
        try:
            call()
        except CimaError as e:
            for w in words:
                assert w in str(e), (str(e), w)
            # The library's own text (cima_strerror_last() of this thread,
            # not the binding's prefix) is in the message.
            if by_lib:
                lib_msg = (_lib.cima_strerror_last() or b"").decode()
                assert lib_msg and lib_msg in str(e), (str(e), lib_msg)
        else:
            raise AssertionError("no CimaError for %s" % words)


@test("containers: list, view (others redacted), virtual register = replay of own events")
def _():
    if not CID:
        raise Skip("no container could be made (cima.ko not loaded?)")
    sdk = CimaSdk.inst()
    assert CID in sdk.get_container_list(), sdk.get_container_list()
    view = sdk.get_container_eventlog(CID)
    own = [e for e in view if (" id=%s " % CID).encode() in e.event]
    red = [e for e in view if e.event == b"cima/1 redacted"]
    assert len(own) >= 3 and red, (len(own), len(red))
    assert any(b" runtime " in e.event and b"name=image" in e.event for e in own)
    whole = sdk.replay_cc_eventlog(view)
    for alg, bank in BANKS.items():
        assert whole[15][alg] == sysfs_pcr(bank, 15), bank
    reg = sdk.get_container_measurement(CID)
    mine = sdk.replay_cc_eventlog(own)
    assert list(reg) == list(mine) and reg == mine, (reg, mine)
    for e in own:
        assert e.digest(11) == hashlib.sha256(e.event).digest()
    return "(%d own events, %d redacted)" % (len(own), len(red))


print("1..%d" % len(results))
for i, (st, name, why) in enumerate(results, 1):
    if st == "skip":
        print("ok %d - %s # SKIP %s" % (i, name, why))
    else:
        print("%s %d - %s" % (st, i, name))
        if why:
            print("# " + why.replace("\n", "\n# "))
sys.exit(0 if all(r[0] != "not ok" for r in results) else 1)

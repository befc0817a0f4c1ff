#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host tests: TDX reports in the original SDK's shape (cima.tdx, and
Report.header/.body/.sig/get_quoted_data()/dump(is_raw)) on the published
TDX quote (go-tdx-guest cos-113-tdx-quote.dat).

Expected values are read here from the raw bytes with struct at the
offsets of the DCAP quote layout (v4: header 48 bytes, body 584 at 0x30,
MRTD at 0xB8, RTMR0-3 at 0x178/0x1A8/0x1D8/0x208, REPORTDATA at 0x238,
signature data length at 0x278, signature data at 0x27C: ECDSA signature
64, attestation key 64, certification data type u16 + size u32 + data)
and from the values published with the quote (*.expected.json), never
from the code under test.  Prints TAP."""
import contextlib
import io
import json
import os
import struct

from hosttest import bail, check, done, testdata, top

try:
    from cima import CimaError, Report, TdReport, TdxQuote, TdxQuoteBody
except Exception as e:
    bail("import cima", e)

path = os.path.join(testdata, "go-tdx-guest", "cos-113-tdx-quote.dat")
raw = open(path, "rb").read()
pub = json.load(open(path + ".expected.json"))["expected"]["parsed"]

# Absolute offsets of the v4 layout.
BODY = {"tee_tcb_svn": (0x30, 16), "mrseam": (0x40, 48), "mrsignerseam": (0x70, 48),
        "seamattributes": (0xA0, 8), "tdattributes": (0xA8, 8), "xfam": (0xB0, 8),
        "mrtd": (0xB8, 48), "mrconfig": (0xE8, 48), "mrowner": (0x118, 48),
        "mrownerconfig": (0x148, 48), "rtmr0": (0x178, 48), "rtmr1": (0x1A8, 48),
        "rtmr2": (0x1D8, 48), "rtmr3": (0x208, 48), "reportdata": (0x238, 64)}
PUB_NAME = {"mrseam": "mr_seam", "mrsignerseam": "mr_signer_seam",
            "seamattributes": "seam_attributes", "tdattributes": "td_attributes",
            "mrtd": "mr_td", "mrconfig": "mr_config_id", "mrowner": "mr_owner",
            "mrownerconfig": "mr_owner_config", "reportdata": "report_data"}
(SIG_LEN,) = struct.unpack_from("<I", raw, 0x278)
SIG = 0x27C


def captured(fn):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fn()
    return buf.getvalue()


def header():
    q = TdxQuote(raw)
    ver, ak, tee = struct.unpack_from("<HHI", raw, 0)
    h = q.header
    assert (h.ver, h.ak_type, h.tee_type) == (ver, ak, tee) == (4, 2, 0x81), \
        (h.ver, h.ak_type, h.tee_type)
    assert h.qe_vendor == raw[12:28] and h.qe_vendor.hex() == pub["qe_vendor_id"]
    assert h.user_data == raw[28:48] and h.user_data.hex() == pub["user_data"]
    assert (h.pce_svn, h.qe_svn) == struct.unpack_from("<HH", raw, 8)
    assert h.reserved_1 == raw[8:10] and h.reserved_2 == raw[10:12]
    assert h.data == raw[:48]


check("header: version, key type, TEE type, QE vendor, user data as struct reads them "
      "and as published", header)


def body():
    q = TdxQuote(raw)
    b = q.body
    for name, (off, size) in BODY.items():
        want = raw[off:off + size]
        assert getattr(b, name) == want, "%s: %s, bytes at %#x: %s" % (
            name, getattr(b, name).hex(), off, want.hex())
        p = pub["td_quote_body"].get(PUB_NAME.get(name, name))
        assert p is None or p == want.hex(), "%s differs from the published value" % name
    assert b.rtmrs == [b.rtmr0, b.rtmr1, b.rtmr2, b.rtmr3]
    assert b.data == raw[0x30:0x278]
    assert b.tee_tcb_svn2 is None and b.mrservicetd is None
    assert q.get_quoted_data() is b and isinstance(b, TdxQuoteBody)


check("body: every field at its documented offset equals the published value; "
      "get_quoted_data() is the body", body)


def signature():
    q = TdxQuote(raw)
    assert SIG_LEN == pub["signed_data_size"] == 4299, SIG_LEN
    assert len(q.data) == SIG + SIG_LEN == pub["quote_total_used"], len(q.data)
    s = q.sig
    assert s is q.get_sig() and s is q.signature_data
    assert s.data == raw[SIG:SIG + SIG_LEN]
    assert s.sig == raw[SIG:SIG + 64] and s.ak == raw[SIG + 64:SIG + 128]
    ctype, csize = struct.unpack_from("<HI", raw, SIG + 128)
    assert (s.qe_cert.cert_type, len(s.qe_cert.cert_data)) == (ctype, csize) == (6, csize)
    c = SIG + 134                                  # QE report certification data
    qr = s.qe_cert.qe_report_cert
    assert qr.qe_report == raw[c:c + 384] and qr.qe_report_sig == raw[c + 384:c + 448]
    (alen,) = struct.unpack_from("<H", raw, c + 448)
    assert qr.qe_auth_data == raw[c + 450:c + 450 + alen]
    n = c + 450 + alen
    ntype, nsize = struct.unpack_from("<HI", raw, n)
    assert (qr.qe_cert_data.cert_type, len(qr.qe_cert_data.cert_data)) == (ntype, nsize)
    assert ntype == 5 and qr.qe_cert_data.cert_data.count(b"-----BEGIN CERTIFICATE-----") >= 2
    assert q.signed_data() == raw[:0x278]


check("signature data: ECDSA signature, attestation key, type-6 certification data (QE "
      "report, its signature, auth data, PCK chain) at their offsets", signature)


def dumps():
    q = TdxQuote(raw)
    out = captured(lambda: q.dump(is_raw=True)).splitlines()
    assert len(out) == (len(q.data) + 15) // 16, len(out)
    first = " ".join("%02x" % x for x in raw[:16])
    assert out[0].startswith("00000000  " + first), out[0]
    assert not any("MRTD" in line for line in out)
    text = captured(lambda: q.dump(is_raw=False))
    assert "MRTD: " + pub["td_quote_body"]["mr_td"] in text, text[:400]
    for i in range(4):
        assert "RTMR%d: %s" % (i, pub["td_quote_body"]["rtmr%d" % i]) in text
    assert "Type: 6" in text and "Type: 5" in text
    assert "00000000  04 00" not in text, "is_raw=False printed bytes"
    assert captured(lambda: q.dump()) == text, "dump() is the parsed form"


check("dump(is_raw=True) prints only the quote's bytes; dump(False) the parsed fields",
      dumps)


def v5():
    body = raw[0x30:0x278]
    tail = raw[0x278:SIG + SIG_LEN]
    hdr = struct.pack("<H", 5) + raw[2:48]
    q = TdxQuote(hdr + struct.pack("<HI", 2, 584) + body + tail)
    assert q.header.ver == 5 and q.body.mrtd == raw[0xB8:0xB8 + 48]
    assert q.body.tee_tcb_svn2 is None
    extra = bytes(range(16)) + bytes(range(100, 148))
    q = TdxQuote(hdr + struct.pack("<HI", 3, 648) + body + extra + tail)
    assert q.body.rtmr2 == raw[0x1D8:0x1D8 + 48]
    assert q.body.tee_tcb_svn2 == extra[:16] and q.body.mrservicetd == extra[16:]
    assert q.sig.ak == raw[SIG + 64:SIG + 128]


check("v5 quotes (TDX 1.0 and 1.5 bodies) built from the sample parse the same; 1.5 "
      "adds TEE_TCB_SVN_2 and MRSERVICETD", v5)


def bad():
    for data, words in ((raw[:600], "header, body and signature length"),
                        (raw[:4] + b"\0\0\0\0" + raw[8:], "not TDX"),
                        (struct.pack("<H", 3) + raw[2:], "version 3"),
                        ("quote", "bytes")):
        try:
            TdxQuote(data)
        except ValueError as e:
            assert isinstance(e, CimaError) and words in str(e), str(e)
            continue
        raise AssertionError("accepted %r" % (data[:8],))
    cut = bytearray(raw[:SIG + SIG_LEN])
    struct.pack_into("<I", cut, SIG + 130, 9999)     # certification data overruns
    q = TdxQuote(bytes(cut))
    assert q.body.mrtd == raw[0xB8:0xB8 + 48], "header and body stay readable"
    try:
        q.sig
    except ValueError as e:
        assert "certification data" in str(e), str(e)
    else:
        raise AssertionError("overrunning certification data accepted")


check("truncated, non-TDX, unknown-version quotes and overrunning certification data "
      "raise ValueError with the reason (the body stays readable)", bad)


def report_shape():
    # A Report whose blob is the sample quote (what get_cc_report returns
    # on TDX), without a TDX platform: its TDX parts come from the blob.
    r = Report.__new__(Report)
    r._h, r.blob, r.kind_name = None, raw[:SIG + SIG_LEN], "tdx-quote"
    assert r.header.ver == 4 and r.body.mrtd.hex() == pub["td_quote_body"]["mr_td"]
    assert r.get_quoted_data() is r.body and r.sig is r.signature_data is r.get_sig()
    assert r.sig.ak == raw[SIG + 64:SIG + 128]
    out = captured(lambda: r.dump(is_raw=True)).splitlines()
    assert out[0].startswith("00000000  04 00 02 00 81") and len(out) == (SIG + SIG_LEN + 15) // 16
    t = Report.__new__(Report)
    t._h, t.blob, t.kind_name = None, b"x" * 64, "tpm-quote"
    assert t.header is None and t.body is None and t.sig is None
    assert t.get_quoted_data() == t.blob


check("Report of a TDX quote: header, body, sig objects, get_quoted_data() the body; "
      "other kinds: None and the report bytes", report_shape)


def tdreport():
    rep = bytearray(1024)
    rep[0] = 0x81
    rep[128:192] = bytes(range(64))                  # REPORTMACSTRUCT.REPORTDATA
    rep[224:256] = b"\xaa" * 32                      # MAC
    rep[528:576] = b"\x11" * 48                      # TDINFO.MRTD
    for i in range(4):                               # TDINFO.RTMR0-3
        rep[720 + 48 * i:768 + 48 * i] = bytes([0x20 + i]) * 48
    t = TdReport(bytes(rep))
    assert t.header.reportdata == bytes(range(64)) and t.header.mac == b"\xaa" * 32
    assert t.body.mrtd == b"\x11" * 48 and t.body.reportdata == bytes(range(64))
    assert [x[0] for x in t.body.rtmrs] == [0x20, 0x21, 0x22, 0x23]
    assert t.sig is None and t.get_quoted_data() is t.body
    try:
        TdReport(bytes(rep[:1000]))
    except ValueError as e:
        assert "1024" in str(e), e
    else:
        raise AssertionError("short TDREPORT accepted")


check("TDREPORT: REPORTMACSTRUCT and TD fields at the TDX module ABI offsets; no "
      "signature; a short one raises ValueError", tdreport)

done()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TEST-ONLY signer and inputs for selftests/report/test_evidence_cc.sh.

There is no TDX or SNP hardware here.  fake_tsm.ko (signer=PATH) asks this
program for each configfs-tsm blob; it answers with a quote or report
signed by a TEST key chain made by "mkchain", so that cima verify
--evidence --root-ca runs the library's real vendor-signature code.  Nothing
it makes says anything about any hardware.

  cc_evidence_fake.py mkchain DIR
      DIR/tdx: root.pem (test "SGX root"), pckca.pem, pck.pem + keys, the
      quote's attestation key; DIR/snp: ark.pem, ask.pem, vcek.pem + key.
  cc_evidence_fake.py mkccel FILE
      a CC event log (crypto-agile, SHA-384, CC MR indexes 1-3 for RTMR0-2)
  cc_evidence_fake.py mkcima DIR N
      a cima securityfs directory as the module's tdx backend lays it out:
      binary_runtime_measurements (N events into CC MR index 4 = RTMR3,
      SHA-384), snapshot and register (backend tdx)
  cc_evidence_fake.py sign DIR tdx|snp REPORTDATA-HEX OUT
  cc_evidence_fake.py tdx|snp REPORTDATA-HEX OUT
      (the second form is fake_tsm.ko's signer=, with DIR /run/cima-cc-fake)
      TDX: a v4 quote whose RTMRs are the replay of
      the logs named in DIR/logs (ccel, ima, cima: paths), so the fake's
      registers are extended exactly as the logs say; SNP: a v2 report
      signed by the VCEK, with OUT.aux the certificate table (VCEK, ASK,
      ARK).  Both carry REPORTDATA-HEX as their report data.
"""
import datetime, hashlib, json, os, struct, sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID, ObjectIdentifier

SHA384 = 0x0C


def key_pem(k):
    return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                           serialization.NoEncryption())


def load_key(path):
    return serialization.load_pem_private_key(open(path, "rb").read(), None)


def cert(subject, key, issuer=None, issuer_key=None, ca=False, exts=()):
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    b = (x509.CertificateBuilder().subject_name(name)
         .issuer_name(issuer.subject if issuer else name)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(now - datetime.timedelta(days=1))
         .not_valid_after(now + datetime.timedelta(days=3650))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True,
                                          False, False), critical=True)
    for oid, value in exts:
        b = b.add_extension(x509.UnrecognizedExtension(ObjectIdentifier(oid), value),
                            critical=False)
    c = b.sign(issuer_key or key, hashes.SHA384() if isinstance(key.curve, ec.SECP384R1)
               else hashes.SHA256())
    return c


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def mkchain(d):
    t = os.path.join(d, "tdx")
    os.makedirs(t, exist_ok=True)
    root_k = ec.generate_private_key(ec.SECP256R1())
    ca_k = ec.generate_private_key(ec.SECP256R1())
    pck_k = ec.generate_private_key(ec.SECP256R1())
    root = cert("CIMA TEST SGX Root CA (not Intel)", root_k, ca=True)
    ca = cert("CIMA TEST SGX PCK Platform CA (not Intel)", ca_k, root, root_k, ca=True)
    pck = cert("CIMA TEST SGX PCK Certificate (not Intel)", pck_k, ca, ca_k)
    for n, c in (("root", root), ("pckca", ca), ("pck", pck)):
        write(os.path.join(t, n + ".pem"), c.public_bytes(serialization.Encoding.PEM))
    write(os.path.join(t, "pck.key"), key_pem(pck_k))
    write(os.path.join(t, "att.key"), key_pem(ec.generate_private_key(ec.SECP256R1())))
    s = os.path.join(d, "snp")
    os.makedirs(s, exist_ok=True)
    ark_k = ec.generate_private_key(ec.SECP384R1())
    ask_k = ec.generate_private_key(ec.SECP384R1())
    vcek_k = ec.generate_private_key(ec.SECP384R1())
    ark = cert("CIMA TEST ARK (not AMD)", ark_k, ca=True)
    ask = cert("CIMA TEST ASK (not AMD)", ask_k, ark, ark_k, ca=True)
    # hwID (1.3.6.1.4.1.3704.1.4) = the report's CHIP_ID, 64 x 0x44.
    vcek = cert("CIMA TEST VCEK (not AMD)", vcek_k, ask, ask_k,
                exts=[("1.3.6.1.4.1.3704.1.4", b"\x44" * 64)])
    for n, c in (("ark", ark), ("ask", ask), ("vcek", vcek)):
        write(os.path.join(s, n + ".pem"), c.public_bytes(serialization.Encoding.PEM))
    write(os.path.join(s, "vcek.key"), key_pem(vcek_k))


def spec_id_header(algs):
    ev = b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, len(algs))
    for a, size in algs:
        ev += struct.pack("<HH", a, size)
    ev += b"\0"
    return struct.pack("<II", 0, 3) + bytes(20) + struct.pack("<I", len(ev)) + ev


def event(index, typ, data, digest):
    return (struct.pack("<III", index, typ, 1) + struct.pack("<H", SHA384) + digest +
            struct.pack("<I", len(data)) + data)


def mkccel(path):
    out = spec_id_header([(SHA384, 48)])
    # CC MR index 1..3 = RTMR0..2 (EV_EFI_VARIABLE_DRIVER_CONFIG, EV_SEPARATOR, ...).
    for i, (mr, typ, data) in enumerate([(1, 0x80000001, b"test config variable"),
                                         (1, 4, b"\0\0\0\0"), (2, 0x80000003, b"test boot app"),
                                         (2, 4, b"\0\0\0\0"), (3, 0xd, b"test kernel cmdline"),
                                         (3, 4, b"\0\0\0\0")]):
        out += event(mr, typ, data, hashlib.sha384(data).digest())
    write(path, out)


def mkcima(d, n):
    os.makedirs(d, exist_ok=True)
    out = spec_id_header([(SHA384, 48)])
    reg = bytes(48)
    for i in range(n):
        text = ("cima/1 exec id=cctest cg=7 file=sha384:%s path=/usr/bin/tool%d" %
                (hashlib.sha384(b"%d" % i).hexdigest(), i)).encode()
        dig = hashlib.sha384(text).digest()
        out += event(4, 0x00cc0001, text, dig)
        reg = hashlib.sha384(reg + dig).digest()
    write(os.path.join(d, "binary_runtime_measurements"), out)
    write(os.path.join(d, "snapshot"), b"version 1\ncount %d\nsha384 %s\n" %
          (n, reg.hex().encode()))
    write(os.path.join(d, "register"), b"backend tdx\nindex 3\nsha384 %s\n" % reg.hex().encode())


def tcg_events(buf):
    """[(index, type, {alg: digest})] of a crypto-agile log (header skipped)."""
    size, = struct.unpack_from("<I", buf, 28)
    nalg, = struct.unpack_from("<I", buf, 32 + 24)
    sizes = dict(struct.unpack_from("<HH", buf, 32 + 28 + 4 * i) for i in range(nalg))
    off, out = 32 + size, []
    while off + 12 <= len(buf):
        idx, typ, cnt = struct.unpack_from("<III", buf, off)
        off += 12
        digs = {}
        for _ in range(cnt):
            a, = struct.unpack_from("<H", buf, off)
            digs[a] = buf[off + 2:off + 2 + sizes[a]]
            off += 2 + sizes[a]
        esz, = struct.unpack_from("<I", buf, off)
        off += 4 + esz
        out.append((idx, typ, digs))
    return out


def ima_events(buf):
    """[(pcr, sha1 template digest, template data)] of IMA's binary list."""
    off, out = 0, []
    while off < len(buf):
        pcr, = struct.unpack_from("<I", buf, off)
        dig = buf[off + 4:off + 24]
        nlen, = struct.unpack_from("<I", buf, off + 24)
        off += 28 + nlen
        dlen, = struct.unpack_from("<I", buf, off)
        out.append((pcr, dig, buf[off + 4:off + 4 + dlen]))
        off += 4 + dlen
    return out


def rtmrs(logs):
    """RTMR0..3 replayed from the CCEL (CC MR n -> RTMR n-1), IMA (PCR 10 ->
    RTMR2, SHA-384 of the template data) and cima (CC MR 4 -> RTMR3)."""
    r = [bytes(48)] * 4

    def ext(i, d):
        r[i] = hashlib.sha384(r[i] + d).digest()
    for key in ("ccel", "cima"):
        if logs.get(key) and os.path.exists(logs[key]):
            for idx, typ, digs in tcg_events(open(logs[key], "rb").read()):
                if typ != 3 and 1 <= idx <= 4 and SHA384 in digs:
                    ext(idx - 1, digs[SHA384])
    if logs.get("ima") and os.path.exists(logs["ima"]):
        for pcr, dig, data in ima_events(open(logs["ima"], "rb").read()):
            ext(2, b"\xff" * 48 if dig == bytes(20) else hashlib.sha384(data).digest())
    return r


def raw_sig(key, data, h, n):
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(h)))
    return r, s


def sign_tdx(d, rd, out):
    t = os.path.join(d, "tdx")
    logs = json.load(open(os.path.join(d, "logs")))
    hdr = struct.pack("<HHIHH", 4, 2, 0x81, 0, 0) + bytes(16) + bytes(20)
    body = bytearray(584)
    body[136:184] = b"\x11" * 48                      # MRTD
    for i, v in enumerate(rtmrs(logs)):
        body[328 + 48 * i:376 + 48 * i] = v           # RTMR0..3
    body[520:584] = rd                                # REPORTDATA
    signed = hdr + bytes(body)
    att = load_key(os.path.join(t, "att.key"))
    r, s = raw_sig(att, signed, hashes.SHA256(), 32)
    pub = att.public_key().public_bytes(serialization.Encoding.X962,
                                        serialization.PublicFormat.UncompressedPoint)[1:]
    auth = bytes(range(32))
    qe = bytearray(384)
    qe[320:352] = hashlib.sha256(pub + auth).digest()
    pck = load_key(os.path.join(t, "pck.key"))
    qr, qs = raw_sig(pck, bytes(qe), hashes.SHA256(), 32)
    chain = b"".join(open(os.path.join(t, n + ".pem"), "rb").read()
                     for n in ("pck", "pckca", "root"))
    inner = (bytes(qe) + qr.to_bytes(32, "big") + qs.to_bytes(32, "big") +
             struct.pack("<H", len(auth)) + auth + struct.pack("<HI", 5, len(chain)) + chain)
    sig = (r.to_bytes(32, "big") + s.to_bytes(32, "big") + pub +
           struct.pack("<HI", 6, len(inner)) + inner)
    write(out, signed + struct.pack("<I", len(sig)) + sig)


def sign_snp(d, rd, out):
    s = os.path.join(d, "snp")
    rep = bytearray(0x4A0)
    struct.pack_into("<I", rep, 0, 2)                 # VERSION
    struct.pack_into("<Q", rep, 8, 0x30000)           # POLICY
    struct.pack_into("<I", rep, 0x34, 1)              # SIGNATURE_ALGO: ECDSA P-384
    rep[0x50:0x90] = rd                               # REPORT_DATA
    rep[0x90:0xC0] = b"\x33" * 48                     # MEASUREMENT
    rep[0x1A0:0x1E0] = b"\x44" * 64                   # CHIP_ID
    vcek = load_key(os.path.join(s, "vcek.key"))
    r, sv = raw_sig(vcek, bytes(rep[:0x2A0]), hashes.SHA384(), 48)
    rep[0x2A0:0x2A0 + 72] = r.to_bytes(72, "little")
    rep[0x2E8:0x2E8 + 72] = sv.to_bytes(72, "little")
    write(out, bytes(rep))
    # Certificate table: GUID, offset, length entries, a zero entry, then DER.
    guids = {"vcek": "63da758d-e664-4564-adc5-f4b93be8accd",
             "ask": "4ab7b379-bbac-4fe4-a02f-05aef327c782",
             "ark": "c0b406a4-a803-4952-9743-3fb6014cd0ae"}
    ders = [(n, x509.load_pem_x509_certificate(open(os.path.join(s, n + ".pem"), "rb").read())
             .public_bytes(serialization.Encoding.DER)) for n in ("vcek", "ask", "ark")]
    off = 24 * (len(ders) + 1)
    table, blobs = b"", b""
    for n, der in ders:
        table += bytes.fromhex(guids[n].replace("-", "")) + struct.pack("<II", off, len(der))
        off += len(der)
        blobs += der
    write(out + ".aux", table + bytes(24) + blobs)


UMH_DIR = "/run/cima-cc-fake"


def sign(d, kind, rd_hex, out):
    rd = bytes.fromhex(rd_hex)
    if len(rd) != 64:
        sys.exit("report data must be 64 bytes")
    (sign_tdx if kind == "tdx" else sign_snp)(d, rd, out)


def main():
    a = sys.argv[1:]
    if a[:1] == ["mkchain"] and len(a) == 2:
        mkchain(a[1])
    elif a[:1] == ["mkccel"] and len(a) == 2:
        mkccel(a[1])
    elif a[:1] == ["mkcima"] and len(a) == 3:
        mkcima(a[1], int(a[2]))
    elif a[:1] == ["sign"] and len(a) == 5:
        sign(a[1], a[2], a[3], a[4])
    elif len(a) == 3 and a[0] in ("tdx", "snp"):
        # As fake_tsm.ko's signer (a usermode helper: no stderr, no
        # environment): the keys and log paths are in UMH_DIR.
        sys.stderr = open(os.path.join(UMH_DIR, "signer.err"), "a")
        sign(UMH_DIR, a[0], a[1], a[2])
    else:
        sys.exit(__doc__)


main()

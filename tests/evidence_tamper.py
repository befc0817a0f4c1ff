#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Make a copy of an evidence bundle with exactly one change, for
tests/test_tool_evidence.sh; or (--make-vendor SHARED OUT) bundles around
the published TDX quote and SNP report.

  evidence_tamper.py BUNDLE OUT flip FIELD OFFSET     (FIELD: a.b path to base64)
  evidence_tamper.py BUNDLE OUT snapshot-count DELTA
  evidence_tamper.py BUNDLE OUT ak-chain PEM         (unsigned field: no tampering)
  evidence_tamper.py BUNDLE OUT event-digest SOURCE K (K-th extended event)
  evidence_tamper.py BUNDLE OUT event-data SOURCE K|sep|own
  evidence_tamper.py BUNDLE OUT drop-last cima|view  (keep count-1 events)
  evidence_tamper.py BUNDLE OUT swap-view ID OTHER
  evidence_tamper.py BUNDLE OUT truncate SOURCE NBYTES
"""
import base64, json, struct, sys

SIZES = {4: 20, 11: 32, 12: 48, 13: 64, 18: 32}


def tcg_records(buf):
    """[(start, end, digest_offsets, data_start, data_end, type)] of a
    crypto-agile log; the first (Spec ID) record has no bank digests."""
    out = []
    pcr, typ, = struct.unpack_from("<II", buf, 0)
    size, = struct.unpack_from("<I", buf, 28)
    out.append((0, 32 + size, [8], 32, 32 + size, typ))
    nalg, = struct.unpack_from("<I", buf, 32 + 24)
    sizes = {}
    for i in range(nalg):
        a, s = struct.unpack_from("<HH", buf, 32 + 28 + 4 * i)
        sizes[a] = s
    off = 32 + size
    while off + 12 <= len(buf):
        start = off
        pcr, typ, cnt = struct.unpack_from("<III", buf, off)
        off += 12
        digs = []
        for _ in range(cnt):
            a, = struct.unpack_from("<H", buf, off)
            digs.append(off + 2)
            off += 2 + sizes[a]
        size, = struct.unpack_from("<I", buf, off)
        off += 4
        out.append((start, off + size, digs, off, off + size, typ))
        off += size
        if typ == 0 and cnt == 0:
            break
    return out


def ima_records(buf):
    out, off = [], 0
    while off < len(buf):
        start = off
        nlen, = struct.unpack_from("<I", buf, off + 24)
        off += 28 + nlen
        dlen, = struct.unpack_from("<I", buf, off)
        out.append((start, off + 4 + dlen, [start + 4], off + 4, off + 4 + dlen, 0))
        off += 4 + dlen
    return out


def get_log(b, src):
    if src == "view":
        return b["container"], "view"
    for l in b["logs"]:
        if l["source"] == src:
            return l, "content"
    sys.exit("no %s log" % src)


def records(src, buf):
    return ima_records(buf) if src == "ima" else tcg_records(buf)


def extended(src, recs):
    # The Spec ID record and EV_NO_ACTION (3) records extend nothing.
    return recs if src == "ima" else [r for r in recs[1:] if r[5] != 3]


def main():
    if sys.argv[1] == "--make-vendor":
        shared, out = sys.argv[2], sys.argv[3]
        q = open(shared + "/go-tdx-guest/cos-113-tdx-quote.dat", "rb").read()
        common = {"cima_evidence": 1, "nonce": base64.b64encode(b"n").decode(), "data": "",
                  "report_data": {"rule": "sha512-nonce-data", "rule_version": 1,
                                  "value": "00" * 64}, "logs": []}
        tdx = dict(common, platform="tdx", report={"kind": "tdx-quote",
                   "evidence": base64.b64encode(q).decode()})
        json.dump(tdx, open(out + "/tdx.json", "w"))
        rep = open(shared + "/go-sev-guest/attestation.bin", "rb").read()
        vcek = open(shared + "/go-sev-guest/vcek.testcer", "rb").read()
        # Certificate table: {GUID, u32 offset, u32 length}..., zero entry.
        guid = bytes.fromhex("63da758de6644564adc5f4b93be8accd")
        table = guid + struct.pack("<II", 48, len(vcek)) + bytes(24) + vcek
        snp = dict(common, platform="snp", report={"kind": "snp-report",
                   "evidence": base64.b64encode(rep).decode(),
                   "cert_table": base64.b64encode(table).decode()})
        json.dump(snp, open(out + "/snp.json", "w"))
        return
    src_path, out, op = sys.argv[1], sys.argv[2], sys.argv[3]
    args = sys.argv[4:]
    b = json.load(open(src_path))
    if op == "flip":
        obj = b
        keys = args[0].split(".")
        for k in keys[:-1]:
            obj = obj[k]
        v = bytearray(base64.b64decode(obj[keys[-1]]))
        v[int(args[1])] ^= 0x01
        obj[keys[-1]] = base64.b64encode(bytes(v)).decode()
    elif op == "ak-chain":
        b["report"]["ak_cert_chain"] = open(args[0]).read()
    elif op == "snapshot-count":
        b["snapshot"]["count"] = str(int(b["snapshot"]["count"]) + int(args[0]))
    elif op in ("event-digest", "event-data", "drop-last", "truncate"):
        src = args[0]
        holder, key = get_log(b, src)
        buf = bytearray(base64.b64decode(holder[key]))
        recs = records(src, buf)
        if op == "event-digest":
            r = extended(src, recs)[int(args[1])]
            buf[r[2][0]] ^= 0x01
        elif op == "event-data":
            if args[1] == "sep":
                r = [x for x in recs[1:] if x[5] == 4][0]
            elif args[1] == "own":
                tag = (" id=%s " % b["container"]["id"]).encode()
                r = [x for x in recs[1:] if tag in buf[x[3]:x[4]]][0]
            else:
                r = extended(src, recs)[int(args[1])]
            # IMA ima-sig data ends with an empty signature field (its
            # length, 4 zero bytes) after the name's NUL: flip a name byte.
            buf[r[4] - (6 if src == "ima" else 1)] ^= 0x01
        elif op == "drop-last":
            count = int(b["snapshot"]["count"])
            buf = buf[:recs[count][0]]   # header + count-1 events
        else:
            buf = buf[:len(buf) - int(args[1])]
        holder[key] = base64.b64encode(bytes(buf)).decode()
    elif op == "swap-view":
        own, other = (" id=%s " % args[0]).encode(), (" id=%s " % args[1]).encode()
        g = base64.b64decode(get_log(b, "cima")[0]["content"])
        count = int(b["snapshot"]["count"])
        grecs = tcg_records(g)[1:count + 1]
        i = [k for k, r in enumerate(grecs) if own in g[r[3]:r[4]]][0]
        j = [k for k, r in enumerate(grecs) if other in g[r[3]:r[4]]][0]
        v = base64.b64decode(b["container"]["view"])
        vr = tcg_records(v)
        ri, rj = vr[i + 1], vr[j + 1]
        lo, hi = sorted((ri, rj))
        nv = v[:lo[0]] + v[hi[0]:hi[1]] + v[lo[1]:hi[0]] + v[lo[0]:lo[1]] + v[hi[1]:]
        b["container"]["view"] = base64.b64encode(nv).decode()
    else:
        sys.exit("unknown operation " + op)
    json.dump(b, open(out, "w"), indent=1)


main()

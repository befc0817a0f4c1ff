#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host tests of cima.verify_evidence() (run by tests/test_python_evidence.sh) and the evidence report-data rule on
the bundle captured in the VM (tests/data/evidence/vm-6.12): it verifies with
the pinned AK and yields the container's own events; another nonce fails at
freshness; no nonce is a CimaValueError; the rule computed by the library
equals an implementation written here with hashlib from the documentation
(Documentation/ABI/evidence-v1.md).  Prints TAP."""
import base64
import hashlib
import json
import os
import struct

from hosttest import bail, check, done, skip_all, top
d = os.path.join(top, "tests", "data", "evidence", "vm-6.12")
try:
    import cima
    from cima.evidence import Evidence, evidence_report_data
except Exception as e:
    bail("import cima", e)

bundle = os.path.join(d, "bundle.json")
if not os.path.exists(bundle):
    skip_all("%s missing" % bundle)
nonce = open(os.path.join(d, "nonce")).read().strip()
cid = open(os.path.join(d, "container")).read().strip()
ak = os.path.join(d, "ak.pem")
ALG = {"sha1": 4, "sha256": 11, "sha384": 12, "sha512": 13}


def verifies():
    r = cima.verify_evidence(bundle, nonce=nonce, ak_pem=ak)
    assert r.verified and r.failed is None, r.to_json()
    assert r.events and all((" id=%s " % cid) in e["data"] for e in r.events)
    assert [c["check"] for c in r.checks][0] == "signature"


def other_nonce():
    r = cima.verify_evidence(bundle, nonce=base64.b64encode(b"other").decode(), ak_pem=ak)
    assert not r and r.failed == "freshness", r.to_json()


def no_nonce_refused():
    try:
        cima.verify_evidence(bundle, ak_pem=ak)
    except cima.CimaValueError:
        return
    raise AssertionError("no CimaValueError")


def no_nonce_explicit():
    r = cima.verify_evidence(Evidence.load(bundle), no_nonce=True, ak_pem=ak)
    assert r.verified
    assert [c for c in r.checks if c["check"] == "freshness"][0]["status"] == "skipped"


def rule_matches_hashlib():
    b = json.load(open(bundle))
    n, dt = base64.b64decode(b["nonce"]), base64.b64decode(b["data"])
    banks = [(ALG[x["alg"]], bytes.fromhex(x["value"])) for x in b["snapshot"]["banks"]]
    count = int(b["snapshot"]["count"])
    m = hashlib.sha512(b"CIMA-EVIDENCE-SNAPSHOT-V1\0")
    for x in (n, dt):
        m.update(struct.pack("<Q", len(x)) + x)
    m.update(struct.pack("<QI", count, len(banks)))
    for a, v in banks:
        m.update(struct.pack("<HH", a, len(v)) + v)
    assert m.hexdigest() == b["report_data"]["value"]
    assert evidence_report_data(n, dt, count, banks) == m.digest()
    assert evidence_report_data(n, dt, count + 1, banks) != m.digest()


def roundtrip():
    ev = Evidence.load(bundle)
    assert ev.platform == "tpm" and ev.container == cid
    again = Evidence.load(ev.to_json())
    assert again.to_json() == ev.to_json()


for name, fn in (("verifies_with_pinned_ak", verifies), ("other_nonce_fails_freshness", other_nonce),
                 ("no_nonce_is_value_error", no_nonce_refused),
                 ("no_nonce_explicit_skips_freshness", no_nonce_explicit),
                 ("report_data_rule_equals_hashlib", rule_matches_hashlib),
                 ("save_load_roundtrip", roundtrip)):
    check(name, fn)
done()

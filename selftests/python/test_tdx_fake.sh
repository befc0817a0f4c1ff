#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Python SDK's TDX report shape through the real get_cc_report() path,
# on the FAKE configfs-tsm TDX provider (selftests/fakes/fake_tsm.c, 6.12:
# quote v4 header, MRTD 48 x 0x11, RTMRn 48 x (0x20 + n), REPORTDATA =
# the inblob, 128 zero bytes of signature data).  Expected values are the
# fake's bytes and SHA-512(nonce || data) computed here with hashlib.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
export CIMA_LIBRARY="${CIMA_LIBRARY:-$O/libcima.so.0}"
export PYTHONPATH="$top/lib/python${PYTHONPATH:+:$PYTHONPATH}"
ko=$O/fakes/$(uname -r)/fake_tsm.ko
tsm=/sys/kernel/config/tsm/report

skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root"
[ -e /dev/tdx_guest ] || [ -e /dev/sev-guest ] && skip "a real CC guest device exists; not faking"
[ -f "$ko" ] || skip "no $ko (fake_tsm is built for 6.12: make fakes)"
if [ ! -d "$tsm" ]; then
	modprobe tsm 2>/dev/null
	mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config 2>/dev/null
fi
[ -d "$tsm" ] || skip "no configfs-tsm on this kernel"
insmod "$ko" kind=tdx || { echo "1..1"; echo "not ok 1 - insmod $ko"; exit 1; }
trap 'rmmod fake_tsm 2>/dev/null' EXIT

unset CIMA_PLATFORM
python3 - <<'PY'
import base64, contextlib, hashlib, io, os, sys
from cima import CimaSdk, CimaError, TdxQuoteBody, TdxQuoteHeader, TdxQuoteSignature

results = []
def check(name, fn):
    try:
        fn()
        results.append((True, name, None))
    except Exception as e:
        results.append((False, name, "%s: %s" % (type(e).__name__, e)))

def captured(fn):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fn()
    return buf.getvalue()

sdk = CimaSdk.inst()
NONCE, DATA = os.urandom(32), b"tdx fake python"
rep = []

def report():
    r = sdk.get_cc_report(nonce=base64.b64encode(NONCE), data=base64.b64encode(DATA))
    assert r.kind_name == "tdx-quote" and r.source == "configfs-tsm:tdx_guest", (
        r.kind_name, r.source)
    rep.append(r)
check("get_cc_report on the fake TDX provider gives a TDX quote from configfs-tsm", report)

def shape():
    r = rep[0]
    h, b, s = r.header, r.body, r.sig
    assert isinstance(h, TdxQuoteHeader) and isinstance(b, TdxQuoteBody)
    assert isinstance(s, TdxQuoteSignature)
    assert (h.ver, h.ak_type, h.tee_type) == (4, 2, 0x81), (h.ver, h.ak_type, h.tee_type)
    assert b.mrtd == b"\x11" * 48, b.mrtd.hex()
    assert b.rtmrs == [bytes([0x20 + i]) * 48 for i in range(4)]
    assert b.reportdata == hashlib.sha512(NONCE + DATA).digest() == r.report_data
    assert r.get_quoted_data() is b and b.data == r.blob[48:632]
    assert s.sig == bytes(64) and s.ak == bytes(64) and s.qe_cert is None
check("Report.header, .body (MRTD, RTMR0-3, REPORTDATA = SHA-512(nonce||data)), .sig and "
      "get_quoted_data() as the fake wrote them", shape)

def dumps():
    r = rep[0]
    raw = captured(lambda: r.dump(is_raw=True)).splitlines()
    assert len(raw) == (len(r.blob) + 15) // 16, len(raw)
    assert raw[0].startswith("00000000  04 00 02 00 81"), raw[0]
    text = captured(lambda: r.dump())
    assert "11" * 48 in text and "ECDSA signature" in text, text[:300]
    assert "00000000  04 00" not in text
check("dump(is_raw=True) prints the quote's bytes only, dump() the parsed fields", dumps)

def extra():
    assert sdk.get_measurement_count() == 4
    r = sdk.get_cc_report(nonce=base64.b64encode(NONCE), extraArgs=[0, 1, 3])
    assert r.body.reportdata == hashlib.sha512(NONCE).digest()
    try:
        sdk.get_cc_report(nonce=base64.b64encode(NONCE), extraArgs=[4])
    except ValueError as e:
        assert "extraArgs" in str(e), e
    else:
        raise AssertionError("extraArgs=[4] accepted on TDX (4 IMRs)")
check("extraArgs [0, 1, 3] accepted on TDX (4 IMRs), [4] raises ValueError", extra)

print("1..%d" % len(results))
for i, (ok, name, why) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
    if why:
        print("# " + why)
sys.exit(0 if all(r[0] for r in results) else 1)
PY

# SPDX-License-Identifier: LGPL-2.1-or-later
"""TDX reports in the original SDK's shape: a quote's header, body and
signature data as objects, get_quoted_data(), dump(is_raw).

Header and body fields come from libcima's quote parser
(cima_tdx_quote_parse, v4 and v5) and TDREPORT parser; the inside of the
signature data, which the C parser leaves as bytes, is read here from the
DCAP quote layout (ECDSA P-256 signature 64 bytes, attestation key 64,
certification data type u16, size u32, data; type 6 holds the QE report
384, its signature 64, the QE authentication data u16 size + bytes and the
nested certification data)."""
import ctypes
import struct
import sys

from . import _lib as L
from ._lib import CimaValueError

TEE_TDX = 0x81
AK_ECDSA_P256 = 2
QE_VENDOR_INTEL_SGX = "939a7233f79c4ca9940a0db3957f0607"
CERT_PCK_CERT_CHAIN = 5
CERT_QE_REPORT = 6


def _u8(n):
    return ctypes.c_uint8 * n


class _TdInfo(ctypes.Structure):
    """struct cima_tdx_td_info (report.h, frozen)."""
    _fields_ = [("tee_tcb_svn", _u8(16)), ("mr_seam", _u8(48)),
                ("mr_signer_seam", _u8(48)), ("seam_attributes", _u8(8)),
                ("td_attributes", _u8(8)), ("xfam", _u8(8)), ("mr_td", _u8(48)),
                ("mr_config_id", _u8(48)), ("mr_owner", _u8(48)),
                ("mr_owner_config", _u8(48)), ("rtmr", _u8(48) * 4),
                ("report_data", _u8(64)), ("has_tdx15", ctypes.c_bool),
                ("tee_tcb_svn2", _u8(16)), ("mr_servicetd", _u8(48))]


class _Quote(ctypes.Structure):
    """struct cima_tdx_quote (report.h, frozen)."""
    _fields_ = [("version", ctypes.c_uint16), ("att_key_type", ctypes.c_uint16),
                ("tee_type", ctypes.c_uint32), ("qe_svn", ctypes.c_uint16),
                ("pce_svn", ctypes.c_uint16), ("qe_vendor_id", _u8(16)),
                ("user_data", _u8(20)), ("body_type", ctypes.c_uint16),
                ("body", _TdInfo), ("signed_len", ctypes.c_size_t),
                ("sig_data_len", ctypes.c_uint32), ("total_len", ctypes.c_size_t),
                ("sig_data", ctypes.c_void_p)]


class _TdReport(ctypes.Structure):
    """struct cima_tdx_tdreport (report.h, frozen)."""
    _fields_ = [("report_type", _u8(4)), ("cpu_svn", _u8(16)),
                ("tee_tcb_info_hash", _u8(48)), ("tee_info_hash", _u8(48)),
                ("mac", _u8(32)), ("tee_tcb_valid", _u8(8)), ("body", _TdInfo)]


_parse_quote = L._fn("cima_tdx_quote_parse", ctypes.c_int, ctypes.c_char_p, L.c_size,
                     ctypes.POINTER(_Quote))
_parse_tdreport = L._fn("cima_tdx_tdreport_parse", ctypes.c_int, ctypes.c_char_p,
                        L.c_size, ctypes.POINTER(_TdReport))


def _b(arr):
    return bytes(arr)


def _hexdump(data, indent=""):
    out = []
    for off in range(0, len(data), 16):
        chunk = data[off:off + 16]
        hx = " ".join("%02x" % b for b in chunk)
        asc = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        out.append("%s%08x  %-47s  |%s|" % (indent, off, hx, asc))
    return "\n".join(out)


class _Part:
    """A part of a report: .data (its bytes) and dump(is_raw)."""

    title = "part"
    data = b""

    def _fields(self):
        return []

    def dump(self, is_raw=False, indent=""):
        """Print the part: is_raw=True its bytes (hex + ASCII), otherwise
        its parsed fields."""
        out = ["%s%s:" % (indent, self.title)]
        if is_raw:
            out.append(_hexdump(self.data, indent + "  "))
        else:
            for name, v in self._fields():
                if isinstance(v, _Part):
                    sys.stdout.write("\n".join(out) + "\n")
                    out = []
                    v.dump(False, indent + "  ")
                    continue
                if isinstance(v, (bytes, bytearray)):
                    v = v.hex() if v else "(empty)"
                out.append("%s  %s: %s" % (indent, name, v))
        if out:
            sys.stdout.write("\n".join(out) + "\n")

    def __repr__(self):
        return "%s(%d bytes)" % (type(self).__name__, len(self.data))


class TdxQuoteHeader(_Part):
    """The 48-byte quote header: .ver, .ak_type, .tee_type, .pce_svn
    (bytes 8-9, the original's .reserved_1), .qe_svn (10-11, .reserved_2),
    .qe_vendor, .user_data."""

    title = "TD Quote Header"

    def __init__(self, data, q):
        self.data = bytes(data)
        self.ver = q.version
        self.ak_type = q.att_key_type
        self.tee_type = q.tee_type
        self.pce_svn = q.pce_svn
        self.qe_svn = q.qe_svn
        self.reserved_1 = self.data[8:10]
        self.reserved_2 = self.data[10:12]
        self.qe_vendor = _b(q.qe_vendor_id)
        self.user_data = _b(q.user_data)

    def _fields(self):
        vendor = self.qe_vendor.hex()
        if vendor == QE_VENDOR_INTEL_SGX:
            vendor += " (Intel SGX QE vendor)"
        return [("Version", self.ver),
                ("Attestation key type", "%d%s" % (self.ak_type, " (ECDSA P-256)"
                                                  if self.ak_type == AK_ECDSA_P256 else "")),
                ("TEE type", "0x%x%s" % (self.tee_type, " (TDX)"
                                         if self.tee_type == TEE_TDX else "")),
                ("PCE SVN", self.pce_svn), ("QE SVN", self.qe_svn),
                ("QE vendor ID", vendor), ("User data", self.user_data)]


class TdxQuoteBody(_Part):
    """The TD quote body (TDX 1.0: 584 bytes; a v5 TDX 1.5 body: 648) or a
    TDREPORT's TD fields: .tee_tcb_svn, .mrseam, .mrsignerseam,
    .seamattributes, .tdattributes, .xfam, .mrtd, .mrconfig, .mrowner,
    .mrownerconfig, .rtmr0 - .rtmr3 (.rtmrs), .reportdata; TDX 1.5 also
    .tee_tcb_svn2 and .mrservicetd (else None)."""

    title = "TD Quote Body"

    def __init__(self, data, t):
        self.data = bytes(data)
        self.tee_tcb_svn = _b(t.tee_tcb_svn)
        self.mrseam = _b(t.mr_seam)
        self.mrsignerseam = _b(t.mr_signer_seam)
        self.seamattributes = _b(t.seam_attributes)
        self.tdattributes = _b(t.td_attributes)
        self.xfam = _b(t.xfam)
        self.mrtd = _b(t.mr_td)
        self.mrconfig = _b(t.mr_config_id)
        self.mrowner = _b(t.mr_owner)
        self.mrownerconfig = _b(t.mr_owner_config)
        self.rtmrs = [_b(t.rtmr[i]) for i in range(4)]
        self.rtmr0, self.rtmr1, self.rtmr2, self.rtmr3 = self.rtmrs
        self.reportdata = _b(t.report_data)
        self.tee_tcb_svn2 = _b(t.tee_tcb_svn2) if t.has_tdx15 else None
        self.mrservicetd = _b(t.mr_servicetd) if t.has_tdx15 else None

    def _fields(self):
        f = [("TEE_TCB_SVN", self.tee_tcb_svn), ("MRSEAM", self.mrseam),
             ("MRSIGNERSEAM", self.mrsignerseam), ("SEAMATTRIBUTES", self.seamattributes),
             ("TDATTRIBUTES", self.tdattributes), ("XFAM", self.xfam), ("MRTD", self.mrtd),
             ("MRCONFIGID", self.mrconfig), ("MROWNER", self.mrowner),
             ("MROWNERCONFIG", self.mrownerconfig)]
        f += [("RTMR%d" % i, v) for i, v in enumerate(self.rtmrs)]
        f.append(("REPORTDATA", self.reportdata))
        if self.tee_tcb_svn2 is not None:
            f += [("TEE_TCB_SVN_2", self.tee_tcb_svn2), ("MRSERVICETD", self.mrservicetd)]
        return f


def _take(data, off, n, what):
    if off + n > len(data):
        raise CimaValueError("tdx quote signature data: %s: %d bytes at offset %d, "
                             "only %d left" % (what, n, off, max(0, len(data) - off)))
    return data[off:off + n]


class TdxQuoteQeCert(_Part):
    """Certification data: .cert_type, .cert_data (bytes), and for type 6
    (QE report certification data) .qe_report_cert (TdxQuoteQeReportCert)."""

    title = "Certification data"

    def __init__(self, data):
        self.data = bytes(data)
        self.cert_type, size = struct.unpack("<HI", _take(self.data, 0, 6, "type and size"))
        self.cert_data = _take(self.data, 6, size, "certification data")
        self.qe_report_cert = None
        if self.cert_type == CERT_QE_REPORT:
            self.qe_report_cert = TdxQuoteQeReportCert(self.cert_data)

    def _fields(self):
        names = {CERT_PCK_CERT_CHAIN: " (PCK certificate chain)",
                 CERT_QE_REPORT: " (QE report certification data)"}
        f = [("Type", "%d%s" % (self.cert_type, names.get(self.cert_type, ""))),
             ("Size", len(self.cert_data))]
        if self.qe_report_cert is not None:
            f.append(("QE report certification data", self.qe_report_cert))
        elif self.cert_type == CERT_PCK_CERT_CHAIN:
            f.append(("Data", "%d PEM certificates (.cert_data)"
                      % self.cert_data.count(b"-----BEGIN CERTIFICATE-----")))
        else:
            f.append(("Data", self.cert_data))
        return f


class TdxQuoteQeReportCert(_Part):
    """Type 6 certification data: .qe_report (384 bytes), .qe_report_sig
    (64), .qe_auth_data, .qe_cert_data (TdxQuoteQeCert, usually type 5)."""

    title = "QE report certification data"

    def __init__(self, data):
        self.data = bytes(data)
        self.qe_report = _take(self.data, 0, 384, "QE report")
        self.qe_report_sig = _take(self.data, 384, 64, "QE report signature")
        (alen,) = struct.unpack("<H", _take(self.data, 448, 2, "QE authentication size"))
        self.qe_auth_data = _take(self.data, 450, alen, "QE authentication data")
        self.qe_cert_data = TdxQuoteQeCert(self.data[450 + alen:])

    def _fields(self):
        return [("QE report", self.qe_report), ("QE report signature", self.qe_report_sig),
                ("QE authentication data", self.qe_auth_data),
                ("Certification data", self.qe_cert_data)]


class TdxQuoteSignature(_Part):
    """The quote's signature data.  ECDSA P-256 (attestation key type 2):
    .sig (r || s, 64 bytes), .ak (the attestation public key x || y, 64),
    .qe_cert (TdxQuoteQeCert, None when the data ends after the key)."""

    title = "TD Quote Signature"

    def __init__(self, data, ak_type=AK_ECDSA_P256):
        self.data = bytes(data)
        self.sig = self.ak = self.qe_cert = None
        if ak_type == AK_ECDSA_P256:
            self.sig = _take(self.data, 0, 64, "ECDSA signature")
            self.ak = _take(self.data, 64, 64, "attestation key")
            if len(self.data) > 128:
                self.qe_cert = TdxQuoteQeCert(self.data[128:])

    def _fields(self):
        if self.sig is None:
            return [("Signature data", self.data)]
        f = [("ECDSA signature", self.sig), ("Attestation key", self.ak)]
        if self.qe_cert is not None:
            f.append(("Certification data", self.qe_cert))
        return f


class TdxQuote:
    """A TDX quote (v4 or v5) parsed by libcima: .header
    (TdxQuoteHeader), .body (TdxQuoteBody), .sig (TdxQuoteSignature; also
    .signature_data), .data (the quote's bytes, without trailing padding),
    get_quoted_data() (the body, as the original SDK), get_sig(),
    signed_data() (header + body bytes: what the QE key signs),
    dump(is_raw).  Bad bytes raise ValueError with the parser's message."""

    def __init__(self, data):
        if isinstance(data, (bytearray, memoryview)):
            data = bytes(data)
        if not isinstance(data, bytes):
            raise CimaValueError("TdxQuote: expected bytes, not %s" % type(data).__name__)
        q = _Quote()
        ret = _parse_quote(data, len(data), ctypes.byref(q))
        if ret < 0:
            e = L.last_error("tdx quote", ret)
            raise CimaValueError(str(e))
        body_off = 48 if q.version == 4 else 54
        self.data = data[:q.total_len]
        self.header = TdxQuoteHeader(data[:48], q)
        self.body = TdxQuoteBody(data[body_off:q.signed_len], q.body)
        self.body_type = q.body_type
        self._sig_bytes = data[q.signed_len + 4:q.total_len]
        self._ak_type = q.att_key_type
        self._sig = None
        self._signed_len = q.signed_len

    @property
    def sig(self):
        """TdxQuoteSignature, parsed on first use (its certification data
        may be malformed without the header and body being so)."""
        if self._sig is None:
            self._sig = TdxQuoteSignature(self._sig_bytes, self._ak_type)
        return self._sig

    @property
    def signature_data(self):
        return self.sig

    def get_quoted_data(self):
        """The TD quote body (TdxQuoteBody), as the original SDK returns."""
        return self.body

    def get_sig(self):
        return self.sig

    def signed_data(self):
        """Header + body bytes: what the quote's signature covers."""
        return self.data[:self._signed_len]

    def dump(self, is_raw=False):
        """Print the quote: is_raw=True its bytes (hex + ASCII) only,
        otherwise header, body and signature data field by field."""
        if is_raw:
            print(_hexdump(self.data))
            return
        print("TD Quote (version %d, %d bytes)" % (self.header.ver, len(self.data)))
        for part in (self.header, self.body, self.sig):
            part.dump(False, "  ")


class TdReportMac(_Part):
    """A TDREPORT's REPORTMACSTRUCT: .report_type, .cpu_svn,
    .tee_tcb_info_hash, .tee_info_hash, .reportdata, .mac."""

    title = "TDREPORT REPORTMACSTRUCT"

    def __init__(self, data, t):
        self.data = bytes(data)
        self.report_type = _b(t.report_type)
        self.cpu_svn = _b(t.cpu_svn)
        self.tee_tcb_info_hash = _b(t.tee_tcb_info_hash)
        self.tee_info_hash = _b(t.tee_info_hash)
        self.reportdata = _b(t.body.report_data)
        self.mac = _b(t.mac)

    def _fields(self):
        return [("Report type", self.report_type), ("CPUSVN", self.cpu_svn),
                ("TEE_TCB_INFO hash", self.tee_tcb_info_hash),
                ("TEE_INFO hash", self.tee_info_hash), ("REPORTDATA", self.reportdata),
                ("MAC", self.mac)]


class TdReport:
    """A TDREPORT (MACed, not signed): .header (TdReportMac), .body
    (TdxQuoteBody of its TD fields), .sig None, get_quoted_data() the
    body, dump(is_raw)."""

    sig = None
    signature_data = None

    def __init__(self, data):
        data = bytes(data)
        t = _TdReport()
        ret = _parse_tdreport(data, len(data), ctypes.byref(t))
        if ret < 0:
            raise CimaValueError(str(L.last_error("tdreport", ret)))
        self.data = data[:1024]
        self.header = TdReportMac(data[:256], t)
        self.body = TdxQuoteBody(data[256:1024], t.body)
        self.body.title = "TDREPORT TD fields"

    def get_quoted_data(self):
        return self.body

    def get_sig(self):
        return None

    def signed_data(self):
        return self.data[:256]

    def dump(self, is_raw=False):
        if is_raw:
            print(_hexdump(self.data))
            return
        print("TDREPORT (%d bytes, MACed by the TDX module, not signed)" % len(self.data))
        for part in (self.header, self.body):
            part.dump(False, "  ")

# SPDX-License-Identifier: LGPL-2.1-or-later
"""CimaSdk: the confidential-computing evidence SDK's calls over libcima."""
import base64
import binascii
import ctypes
import hashlib
import struct
import sys
import threading

from . import _lib as L
from ._lib import CimaError, CimaValueError

# The original SDK's type for IMA events (TcgEventType.IMA_MEASUREMENT_EVENT).
IMA_MEASUREMENT_EVENT = 0x14
SOURCE_IMA = 3


class TcgAlgorithm(int):
    """A TPM_ALG_ID (an int: 0xB sha256, 0xC sha384) that knows its name."""

    @property
    def alg_id(self):
        return int(self)

    @property
    def name(self):
        n = L.cima_alg_name(int(self))
        return n.decode() if n else "alg-0x%04x" % int(self)

    @property
    def digest_size(self):
        return L.cima_alg_digest_size(int(self))

    def __repr__(self):
        return "TcgAlgorithm(%s)" % self.name

    def __str__(self):
        return self.name


def _alg_id(alg):
    """Accept 12, TcgAlgorithm(12), "sha384", "0xc"."""
    if isinstance(alg, str):
        v = L.cima_alg_from_name(alg.encode())
        if v < 0:
            raise CimaValueError("unknown hash algorithm %r" % alg)
        return v
    if isinstance(alg, bool) or not isinstance(alg, int):
        raise CimaValueError("hash algorithm must be an int or a name, not %r" % (alg,))
    if not 0 <= alg <= 0xFFFF:
        raise CimaValueError("hash algorithm %d out of range" % alg)
    return alg


def _b64_arg(name, value):
    """The SDK passes nonce and user data base64-encoded (str or bytes)."""
    if value is None:
        return b""
    if isinstance(value, str):
        try:
            value = value.encode("ascii")
        except UnicodeEncodeError:
            raise CimaValueError("%s: not base64 (non-ASCII characters)" % name) from None
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise CimaValueError("%s must be base64 str or bytes, not %s"
                             % (name, type(value).__name__))
    try:
        raw = base64.b64decode(bytes(value), validate=True)
    except (binascii.Error, ValueError) as e:
        raise CimaValueError("%s: not valid base64: %s" % (name, e)) from None
    return raw


def _is_hex(s):
    return len(s) % 2 == 0 and all(c in "0123456789abcdefABCDEF" for c in s)


def _ima_ascii_to_binary(text):
    """IMA's ascii_runtime_measurements as the binary list the kernel
    writes (templates ima, ima-ng, ima-sig, ima-buf).  Each line is
    rebuilt into template data and checked against its SHA-1 template
    hash (violations: all zero); a line that does not rebuild to its hash
    raises ValueError naming it."""
    out = bytearray()

    def field(b):
        return struct.pack("<I", len(b)) + b

    def dng(tok):
        alg, _, hx = tok.partition(":")
        if not hx or not _is_hex(hx):
            raise ValueError("not <alg>:<hex>")
        return alg.encode() + b":\0" + bytes.fromhex(hx)

    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split(" ")
        try:
            if len(parts) < 4:
                raise ValueError("fewer than 4 fields")
            pcr, th, name = int(parts[0]), bytes.fromhex(parts[1]), parts[2]
            if len(th) != 20:
                raise ValueError("template hash is not SHA-1")
            rest = parts[3:]
            if name == "ima":
                if not _is_hex(rest[0]) or len(rest[0]) != 40:
                    raise ValueError("'ima' digest is not SHA-1 hex")
                path = " ".join(rest[1:]).encode()
                data = bytes.fromhex(rest[0]) + struct.pack("<I", len(path)) + path
                hashed = bytes.fromhex(rest[0]) + path.ljust(256, b"\0")[:256]
                rec = struct.pack("<I", pcr) + th + field(name.encode()) + data
            else:
                extra = b""
                if name in ("ima-sig", "ima-buf", "ima-modsig") and len(rest) > 2 and \
                        _is_hex(rest[-1]):
                    extra = bytes.fromhex(rest[-1])
                    rest = rest[:-1]
                elif name in ("ima-buf",):
                    raise ValueError("ima-buf line without buffer")
                path = " ".join(rest[1:]).encode() + b"\0"
                data = field(dng(rest[0])) + field(path)
                if name != "ima-ng":
                    data += field(extra)
                hashed = data
                rec = struct.pack("<I", pcr) + th + field(name.encode()) + field(data)
        except (ValueError, IndexError) as e:
            raise CimaValueError("IMA ascii line %d: %s" % (no, e)) from None
        if any(th) and hashlib.sha1(hashed).digest() != th:
            raise CimaValueError("IMA ascii line %d: the rebuilt template data does not "
                                 "hash to its template hash (template %s)" % (no, name))
        out += rec
    if not out:
        raise CimaValueError("IMA ascii list: no measurement lines")
    return bytes(out)


def _hexdump(data, indent="    "):
    out = []
    for off in range(0, len(data), 16):
        chunk = data[off:off + 16]
        hx = " ".join("%02x" % b for b in chunk)
        asc = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        out.append("%s%08x  %-47s  |%s|" % (indent, off, hx, asc))
    return "\n".join(out)


class Measurement:
    """One measurement register value: .index, .alg (TcgAlgorithm), .hash."""

    def __init__(self, index, alg, value):
        self.index = index
        self.alg = TcgAlgorithm(alg)
        self.hash = bytes(value)

    def dump(self):
        print("Measurement register %d %s: %s" % (self.index, self.alg.name,
                                                  self.hash.hex()))

    def __repr__(self):
        return "Measurement(%d, %s, %s)" % (self.index, self.alg.name, self.hash.hex())


class Report:
    """A signed (or, for a TDREPORT, MACed) report from the platform."""

    def __init__(self, handle, nonce, data):
        self._h = handle
        self.nonce = nonce          # decoded bytes
        self.user_data = data       # decoded bytes
        self.kind = L.cima_report_kind(handle)
        kn = L.cima_report_kind_name(self.kind)
        self.kind_name = kn.decode() if kn else "unknown"
        src = L.cima_report_source(handle)
        self.source = src.decode() if src else ""
        self.report_data = ctypes.string_at(L.cima_report_report_data(handle), 64)
        n = L.c_size()
        p = L.cima_report_blob(handle, ctypes.byref(n))
        self.blob = ctypes.string_at(p, n.value) if p else b""
        # From the report broker (inside a container): what the report
        # binds with the nonce, the container the kernel resolved, and the
        # container's view of the cima log the report covers.
        p = L.cima_report_binding(handle, ctypes.byref(n))
        self.binding = ctypes.string_at(p, n.value) if p else None
        c = L.cima_report_container(handle)
        self.container = c.decode() if c else None
        p = L.cima_report_container_view(handle, ctypes.byref(n))
        self.container_view = ctypes.string_at(p, n.value) if p else None
        # The cima snapshot the report data folds in: (count, [(alg, value)]).
        self.snapshot = None
        cnt = ctypes.c_uint64()
        algs = (ctypes.c_uint16 * 8)()
        vals = (L.c_u8p * 8)()
        k = L.cima_report_snapshot(handle, ctypes.byref(cnt), algs, vals, 8)
        if k > 0:
            self.snapshot = (cnt.value, [
                (algs[i], ctypes.string_at(vals[i], L.cima_alg_digest_size(algs[i])))
                for i in range(min(k, 8))])

    def __del__(self):
        h, self._h = getattr(self, "_h", None), None
        if h:
            L.cima_report_free(h)

    def dump_text(self):
        return L.capture(L.cima_report_dump, self._h)

    def dump(self, is_raw=False):
        """Print the report: with is_raw=True only the report bytes (hex +
        ASCII); otherwise its parsed fields (libcima's dump; a TDX quote
        then its signature data field by field)."""
        if is_raw:
            print(_hexdump(self.blob, ""))
            return
        sys.stdout.write(self.dump_text())
        t = self._tdx()
        if t is not None and t.sig is not None:
            t.sig.dump(False)

    # The original SDK's TDX report shape: header, body, signature data
    # as parsed objects (cima.tdx), get_quoted_data() the body.
    def _tdx(self):
        if not hasattr(self, "_tdx_obj"):
            from .tdx import TdReport, TdxQuote
            if self.kind_name.startswith("tdx-quote"):
                self._tdx_obj = TdxQuote(self.blob)
            elif self.kind_name.startswith("tdx-tdreport"):
                self._tdx_obj = TdReport(self.blob)
            else:
                self._tdx_obj = None
        return self._tdx_obj

    @property
    def header(self):
        """TDX: TdxQuoteHeader (a TDREPORT: its REPORTMACSTRUCT); else None."""
        t = self._tdx()
        return t.header if t else None

    @property
    def body(self):
        """TDX: TdxQuoteBody (MRTD, RTMRs, REPORTDATA, ...); else None."""
        t = self._tdx()
        return t.body if t else None

    @property
    def sig(self):
        """TDX quote: TdxQuoteSignature (ECDSA signature, attestation key,
        certification data); a TDREPORT (MACed only) and others: None."""
        t = self._tdx()
        return t.sig if t else None

    signature_data = sig

    def get_sig(self):
        return self.sig

    def get_quoted_data(self):
        """TDX: the quote body (TdxQuoteBody), as the original SDK; others:
        the report bytes (TPM: the signed TPMS_ATTEST)."""
        t = self._tdx()
        return t.get_quoted_data() if t else self.blob

    def to_json(self):
        return L.capture(L.cima_report_dump_json, self._h)

    def verify(self):
        """Check the report's signature and report data (TPM quotes)."""
        ret = L.cima_report_verify(self._h, None)
        if ret < 0:
            raise L.last_error("report verify", ret)


class Digest:
    """One digest of an event: .alg (TcgAlgorithm) and .hash (bytes)."""

    def __init__(self, alg, value):
        self.alg = TcgAlgorithm(alg)
        self.hash = bytes(value)

    def __repr__(self):
        return "Digest(%s, %s)" % (self.alg.name, self.hash.hex())


class _Log:
    """Owns one struct cima_eventlog; events keep it alive."""

    def __init__(self, handle):
        self.h = handle
        self.count = L.cima_eventlog_count(handle)

    def __del__(self):
        h, self.h = getattr(self, "h", None), None
        if h:
            L.cima_eventlog_free(h)


class Event:
    """One event: .imr_index, .event_type, .digests, .event (data bytes)."""

    def __init__(self, log, pos):
        self._log = log
        self._pos = pos
        ev = L.cima_eventlog_event(log.h, pos)
        if not ev:
            raise L.last_error("event %d" % pos, ctypes.get_errno())
        self._ev = ev
        self.number = L.cima_event_number(ev)
        self.imr_index = L.cima_event_index(ev)
        self.source = L.cima_source_name(L.cima_event_source(ev)).decode()
        if L.cima_event_source(ev) == SOURCE_IMA:
            # Named as the original SDK names IMA events (the C library
            # reports type 0 for them: IMA records carry no TCG type).
            self.event_type = IMA_MEASUREMENT_EVENT
            self.event_type_name = "IMA_MEASUREMENT_EVENT"
        else:
            self.event_type = L.cima_event_type(ev)
            self.event_type_name = L.cima_event_type_name(self.event_type).decode()
        self.measured = bool(L.cima_event_is_measured(ev))
        self.digests = []
        for i in range(L.cima_event_digest_count(ev)):
            alg = ctypes.c_uint16()
            n = L.c_size()
            p = L.cima_event_digest(ev, i, ctypes.byref(alg), ctypes.byref(n))
            if p:
                self.digests.append(Digest(alg.value, ctypes.string_at(p, n.value)))
        n = L.c_size()
        p = L.cima_event_data(ev, ctypes.byref(n))
        self.event = ctypes.string_at(p, n.value) if n.value else b""
        self.event_size = len(self.event)

    def digest(self, alg):
        """The digest in bank @alg (id or name), or None."""
        a = _alg_id(alg)
        for d in self.digests:
            if d.alg == a:
                return d.hash
        return None

    def dump_text(self):
        return L.capture(L.cima_event_dump, self._ev)

    def dump(self, is_raw=True):
        """Print the event: is_raw=True the data as hex + ASCII (the
        library's layout), False the data as text where it is text (IMA
        and cima events)."""
        text = self.dump_text()
        if not is_raw and self.source in ("ima", "cima"):
            head = text.split("\n    0000")[0].rstrip("\n")
            shown = self.event.decode("utf-8", "replace")
            shown = "".join(c if c.isprintable() else "." for c in shown)
            text = "%s\n    %s\n" % (head, shown)
        sys.stdout.write(text)

    def __repr__(self):
        return "Event(#%d %s index=%d %s)" % (self.number, self.source,
                                            self.imr_index, self.event_type_name)


def _events(handle, what):
    if not handle:
        raise L.last_error(what, ctypes.get_errno())
    log = _Log(handle)
    return [Event(log, i) for i in range(log.count)]


class Replay(dict):
    """{index: {alg_id: bytes}}, plus .ima_sha1_padded: the banks in which
    the replay extended IMA events as zero-padded SHA-1 template digests
    (as the kernel did for a bank it could not hash when IMA started);
    those IMA registers have SHA-1 strength."""

    ima_sha1_padded = ()


def _replay_dict(r, what):
    if not r:
        raise L.last_error(what, ctypes.get_errno())
    try:
        out = Replay()
        algs = (ctypes.c_uint16 * 8)()
        n = L.cima_replay_ima_padded(r, algs, 8)
        out.ima_sha1_padded = tuple(TcgAlgorithm(algs[i]) for i in range(max(0, min(n, 8))))
        for i in range(L.cima_replay_count(r)):
            idx = ctypes.c_uint32()
            alg = ctypes.c_uint16()
            val = L.c_u8p()
            n = L.c_size()
            ret = L.cima_replay_entry(r, i, ctypes.byref(idx), ctypes.byref(alg),
                                      ctypes.byref(val), ctypes.byref(n))
            if ret < 0:
                raise L.last_error(what, ret)
            out.setdefault(idx.value, {})[alg.value] = ctypes.string_at(val, n.value)
        return out
    finally:
        L.cima_replay_free(r)


class CimaSdk:
    """Evidence API of the confidential-computing SDK, backed by libcima.

    Use the shared instance: CimaSdk.inst()."""

    _inst = None
    _lock = threading.Lock()

    @classmethod
    def inst(cls):
        with cls._lock:
            if cls._inst is None:
                cls._inst = cls()
            return cls._inst

    @staticmethod
    def version():
        return L.cima_version().decode()

    # --- platform ----------------------------------------------------

    def get_default_algorithm(self):
        ret = L.cima_get_default_algorithm(None)
        if ret < 0:
            raise L.last_error("get_default_algorithm", ret)
        return TcgAlgorithm(ret)

    def get_default_algorithms(self):
        """The original SDK's name for get_default_algorithm()."""
        return self.get_default_algorithm()

    def get_measurement_count(self):
        ret = L.cima_get_measurement_count(None)
        if ret < 0:
            raise L.last_error("get_measurement_count", ret)
        return ret

    def get_algorithms(self):
        buf = (ctypes.c_uint16 * 16)()
        ret = L.cima_get_algorithms(buf, 16, None)
        if ret < 0:
            raise L.last_error("get_algorithms", ret)
        return [TcgAlgorithm(buf[i]) for i in range(min(ret, 16))]

    def get_cc_measurement(self, imr_select):
        """imr_select = [index, alg_id]: the register's current value."""
        if not isinstance(imr_select, (list, tuple)) or len(imr_select) != 2:
            raise CimaValueError("get_cc_measurement: expected [index, alg_id], got %r"
                            % (imr_select,))
        index, alg = imr_select
        if isinstance(index, bool) or not isinstance(index, int):
            raise CimaValueError("get_cc_measurement: index must be an int, not %r"
                            % (index,))
        if alg is None:
            alg = 0
        alg = _alg_id(alg)
        if not -2**31 <= index < 2**31:
            raise CimaValueError("get_cc_measurement: index %d out of range" % index)
        buf = (ctypes.c_uint8 * 64)()
        ret = L.cima_get_cc_measurement(index, alg, buf, None)
        if ret < 0:
            raise L.last_error("get_cc_measurement(%d, %#x)" % (index, alg), ret)
        if alg == 0:
            alg = self.get_default_algorithm()
        return Measurement(index, alg, bytes(buf[:ret]))

    # --- reports -----------------------------------------------------

    def get_cc_report(self, nonce=None, data=None, extraArgs=None):
        """A report binding SHA-512(nonce || data) of the base64-decoded
        nonce and data.

        extraArgs, as the original SDK takes it: None; for a TPM a list
        (or tuple, set) of the register (IMR/PCR) indexes to quote; or a
        dict of further arguments.  CIMA's report always covers every
        register the platform reports (TPM: all PCRs of the default bank;
        TDX and SNP: the whole report), so any valid list is covered and
        the report is the same; it is accepted, not used.  A wrong type, an
        index that is not an int, or an index outside 0..count-1 (when the
        count can be read) raises ValueError before the platform is
        asked."""
        self._check_extra_args(extraArgs)
        n = _b64_arg("nonce", nonce)
        d = _b64_arg("data", data)
        h = L.cima_get_cc_report(n, len(n), d, len(d), None)
        if not h:
            raise L.last_error("get_cc_report", ctypes.get_errno())
        return Report(h, n, d)

    def _check_extra_args(self, extra):
        if extra is None:
            return
        if isinstance(extra, dict):
            bad = [k for k in extra if not isinstance(k, str)]
            if bad:
                raise CimaValueError("get_cc_report: extraArgs keys must be str, not %r"
                                     % (bad[0],))
            return
        if not isinstance(extra, (list, tuple, set, frozenset)):
            raise CimaValueError("get_cc_report: extraArgs must be None, a list of register "
                                 "indexes or a dict, not %s" % type(extra).__name__)
        for i in extra:
            if isinstance(i, bool) or not isinstance(i, int):
                raise CimaValueError("get_cc_report: extraArgs: register index %r is not "
                                     "an int" % (i,))
            if i < 0:
                raise CimaValueError("get_cc_report: extraArgs: register index %d < 0" % i)
        if extra:
            count = L.cima_get_measurement_count(None)
            if count > 0 and max(extra) >= count:
                raise CimaValueError("get_cc_report: extraArgs: register index %d not in "
                                     "0..%d" % (max(extra), count - 1))

    # --- event logs --------------------------------------------------

    def get_cc_evidence(self, nonce=None, data=None, container=None):
        """An evidence bundle (cima.evidence.Evidence): report, snapshot,
        every log and the container's view."""
        from .evidence import get_cc_evidence
        return get_cc_evidence(nonce, data, container)

    def get_cc_eventlog(self, start=None, count=None):
        """Events of every live log (firmware or CCEL, IMA, cima).

        start and count as the original SDK: start is 0-based, start equal
        to the number of events gives [], a start past it or a count not in
        1..(events left) raises ValueError."""
        for name, v in (("start", start), ("count", count)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
                raise CimaValueError("get_cc_eventlog: %s must be an int, not %r"
                                     % (name, v))
        if (start is not None and start < 0) or (count is not None and count <= 0):
            raise CimaValueError("get_cc_eventlog: start must be >= 0 and count > 0, not %r, %r"
                                 % (start, count))
        events = _events(L.cima_get_cc_eventlog(0, 0), "get_cc_eventlog")
        if start is not None:
            if start == len(events):
                return []
            if not 0 <= start < len(events):
                raise CimaValueError("get_cc_eventlog: start %d not in 0..%d"
                                     % (start, len(events)))
            events = events[start:]
        if count is not None:
            if not 0 < count <= len(events):
                raise CimaValueError("get_cc_eventlog: count %d not in 1..%d"
                                     % (count, len(events)))
            events = events[:count]
        return events

    def parse_eventlog(self, blob, source):
        """Events of a captured log (bytes) from @source ("firmware", "ima",
        "cima", "ccel")."""
        s = L.cima_source_from_name(source.encode())
        if s <= 0:
            raise CimaValueError("parse_eventlog: unknown source %r" % (source,))
        if isinstance(blob, str):
            blob = blob.encode()
        blob = bytes(blob)
        # IMA's ascii_runtime_measurements is accepted too.
        if source == "ima" and blob[:1].isdigit() and b"\n" in blob[:400] and \
                blob.split(b" ", 1)[0].isdigit():
            blob = _ima_ascii_to_binary(blob.decode("utf-8", "surrogateescape"))
        return _events(L.cima_eventlog_parse(blob, len(blob), s),
                       "parse_eventlog(%s)" % source)

    def parse_eventlogs(self, parts):
        """Events of several captured logs as one log, in the order given
        (boot order: firmware or ccel, ima, cima): [(blob, source), ...]."""
        parts = list(parts)
        if not parts:
            raise CimaValueError("parse_eventlogs: no logs given")
        handle = None
        try:
            for blob, source in parts:
                s = L.cima_source_from_name(str(source).encode())
                if s <= 0:
                    raise CimaValueError("parse_eventlogs: unknown source %r" % (source,))
                blob = bytes(blob)
                h = L.cima_eventlog_parse(blob, len(blob), s)
                if not h:
                    raise L.last_error("parse_eventlogs(%s)" % source, ctypes.get_errno())
                if handle is None:
                    handle = h
                    continue
                ret = L.cima_eventlog_append(handle, h)
                if ret < 0:
                    raise L.last_error("parse_eventlogs(%s)" % source, ret)
        except BaseException:
            if handle:
                L.cima_eventlog_free(handle)
            raise
        return _events(handle, "parse_eventlogs")

    def replay_cc_eventlog(self, events, ima_sha1_padded=False):
        """Replay: {index: {alg_id: bytes}}, the register values the events
        give, and .ima_sha1_padded, the banks in which IMA events were
        extended as zero-padded SHA-1 template digests.

        Every replay is libcima's.  A list that is one whole log as
        returned is replayed as that log (cima_replay_eventlog); any other
        list (a slice, a filter, pages of the log read one after the other)
        is replayed event by event in the order given (cima_replay_events)
        with the decisions of the largest log its events come from: its
        banks and the IMA banks the kernel padded.  Registers start at zero
        (PCR 0 at the StartupLocality when that event is in the list).

        ima_sha1_padded=True: every bank but SHA-1 padded (libcima's
        cima_replay_opts), for a log whose padding nothing else shows."""
        if events is None:
            return {}
        if isinstance(events, (str, bytes, bytearray)) or not hasattr(events, "__iter__"):
            raise CimaValueError("replay_cc_eventlog: expected a list of events, not %r"
                                 % (events,))
        events = list(events)
        if not events:
            return {}
        for e in events:
            if not isinstance(e, Event):
                raise CimaValueError("replay: %r is not an event from get_cc_eventlog()"
                                     % (e,))
        if not isinstance(ima_sha1_padded, bool):
            raise CimaValueError("replay: ima_sha1_padded must be True or False, not %r"
                                 % (ima_sha1_padded,))
        o = L.ReplayOpts(sz=ctypes.sizeof(L.ReplayOpts), ima_sha1_padded=ima_sha1_padded)
        log = events[0]._log
        if (len(events) == log.count
                and all(e._log is log and e._pos == i for i, e in enumerate(events))):
            return _replay_dict(L.cima_replay_eventlog(log.h, ctypes.byref(o)),
                                "replay_cc_eventlog")
        # The events' logs stay alive: every Event holds its _Log.
        ref = max({id(e._log): e._log for e in events}.values(), key=lambda g: g.count)
        arr = (ctypes.c_void_p * len(events))(*[e._ev for e in events])
        return _replay_dict(L.cima_replay_events(ref.h, arr, len(events), ctypes.byref(o)),
                            "replay_cc_eventlog")

    # --- containers (cima module) --------------------------------------

    def get_container_list(self):
        ids = ctypes.POINTER(ctypes.c_char_p)()
        ret = L.cima_container_list(ctypes.byref(ids))
        if ret < 0:
            raise L.last_error("container list", ret)
        try:
            return [ids[i].decode() for i in range(ret)]
        finally:
            L.cima_container_ids_free(ids)

    @staticmethod
    def _cid(cid):
        if not isinstance(cid, str) or not cid:
            raise CimaValueError("container id must be a non-empty str, not %r" % (cid,))
        return cid.encode()

    def get_container_eventlog(self, cid):
        """The container's view of the cima log (others' data redacted)."""
        return _events(L.cima_container_eventlog(self._cid(cid)),
                       "container log %s" % cid)

    def get_container_measurement(self, cid):
        """The container's virtual register: {index: {alg_id: bytes}}."""
        return _replay_dict(L.cima_container_register(self._cid(cid)),
                            "container register %s" % cid)

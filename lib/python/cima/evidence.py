# SPDX-License-Identifier: LGPL-2.1-or-later
"""Evidence bundles (include/cima/evidence.h) from Python.

    from cima import CimaSdk, verify_evidence
    ev = CimaSdk.inst().get_cc_evidence(nonce=b64_nonce, container=cid)
    ev.save("bundle.json")
    # ...on the verifier, anywhere:
    res = verify_evidence("bundle.json", nonce=b64_nonce, ak_pem="ak.pem")
    res.verified, res.failed, res.checks, res.events

Nonce and user data are base64 (str or bytes), as in get_cc_report().
The bundle format is Documentation/ABI/evidence-v1.md.
"""
import ctypes
import errno
import json
import os

from . import _lib as L
from ._lib import CimaError, CimaValueError

_c = ctypes
_u8p = L.c_u8p
_void = L.c_void
_size = L.c_size


class _EvidenceOpts(_c.Structure):
    """struct cima_evidence_opts."""
    _fields_ = [("sz", _size), ("report", _void), ("container", _c.c_char_p),
                ("ak_cert_path", _c.c_char_p), ("cima_root", _c.c_char_p),
                ("no_firmware_log", _c.c_bool), ("no_ima_log", _c.c_bool)]


class _VerifyOpts(_c.Structure):
    """struct cima_evidence_verify_opts."""
    _fields_ = [("sz", _size), ("nonce", _c.c_char_p), ("nonce_len", _size),
                ("no_nonce", _c.c_bool), ("data", _c.c_char_p), ("data_len", _size),
                ("ak_pem_path", _c.c_char_p), ("root_ca_path", _c.c_char_p),
                ("container", _c.c_char_p), ("reference_path", _c.c_char_p),
                ("at_time", _c.c_long)]


_build = L._fn("cima_evidence_build", _void, _c.c_char_p, _size, _c.c_char_p, _size,
               _c.POINTER(_EvidenceOpts))
_free = L._fn("cima_evidence_free", None, _void)
_save = L._fn("cima_evidence_save", _c.c_int, _void, _void)
_save_file = L._fn("cima_evidence_save_file", _c.c_int, _void, _c.c_char_p)
_load = L._fn("cima_evidence_load", _void, _c.c_char_p, _size)
_platform = L._fn("cima_evidence_platform", _c.c_int, _void)
_container = L._fn("cima_evidence_container", _c.c_char_p, _void)
_verify = L._fn("cima_evidence_verify", _c.c_int, _void, _c.POINTER(_VerifyOpts),
                _c.POINTER(_void))
_res_free = L._fn("cima_evidence_result_free", None, _void)
_res_dump = L._fn("cima_evidence_result_dump_json", _c.c_int, _void, _void)
_report_data = L._fn("cima_evidence_report_data", _c.c_int, _c.c_char_p, _size,
                     _c.c_char_p, _size, _c.c_uint64, _c.POINTER(_c.c_uint16),
                     _c.POINTER(_u8p), _size, _u8p)
_platform_name = L._fn("cima_platform_name", _c.c_char_p, _c.c_int)


def _b64(name, value):
    from .sdk import _b64_arg
    return _b64_arg(name, value)


def _path(name, value):
    if value is None:
        return None
    if not isinstance(value, (str, bytes, os.PathLike)):
        raise CimaValueError("%s must be a path, not %r" % (name, value))
    return os.fsencode(value)


class Evidence:
    """An evidence bundle (held by the library)."""

    def __init__(self, handle):
        self._h = handle

    def __del__(self):
        if getattr(self, "_h", None):
            _free(self._h)
            self._h = None

    @property
    def platform(self):
        return _platform_name(_platform(self._h)).decode()

    @property
    def container(self):
        c = _container(self._h)
        return c.decode() if c else None

    def to_json(self):
        """The bundle as its JSON text."""
        return L.capture(_save, self._h)

    def save(self, path):
        ret = _save_file(self._h, os.fsencode(path))
        if ret:
            raise L.last_error("evidence save", ret)

    @classmethod
    def load(cls, src):
        """From JSON text (str/bytes) or a path."""
        if isinstance(src, os.PathLike) or (isinstance(src, str) and not src.lstrip().startswith("{")):
            with open(src, "rb") as f:
                src = f.read()
        if isinstance(src, str):
            src = src.encode()
        if not isinstance(src, (bytes, bytearray)):
            raise CimaValueError("evidence: a path, str or bytes, not %r" % type(src).__name__)
        h = _load(bytes(src), len(src))
        if not h:
            raise L.last_error("evidence load", _c.get_errno())
        return cls(h)


def get_cc_evidence(nonce=None, data=None, container=None):
    """Take a report binding nonce, data and the cima snapshot, read every
    log (and the container's view): an Evidence."""
    n = _b64("nonce", nonce)
    if not n:
        raise CimaValueError("get_cc_evidence: a nonce is required")
    d = _b64("data", data)
    if container is not None and not isinstance(container, str):
        raise CimaValueError("container must be a str, not %r" % (container,))
    o = _EvidenceOpts(sz=_c.sizeof(_EvidenceOpts))
    if container:
        o.container = container.encode()
    h = _build(n, len(n), d, len(d), _c.byref(o))
    if not h:
        raise L.last_error("get_cc_evidence", _c.get_errno())
    return Evidence(h)


class EvidenceResult:
    """Outcome of verify_evidence(): .verified, .failed (check name or
    None), .checks [{check, status, note}], .events, .uncovered."""

    def __init__(self, doc):
        self.doc = doc
        self.verified = doc["verified"]
        self.failed = doc["failed"]
        self.checks = doc["checks"]
        self.events = doc["events"]
        self.uncovered = doc["uncovered"]

    def __bool__(self):
        return self.verified

    def to_json(self):
        return json.dumps(self.doc)


def verify_evidence(bundle, nonce=None, data=None, no_nonce=False, ak_pem=None,
                    root_ca=None, container=None, reference=None, at_time=0):
    """Verify a bundle (Evidence, JSON text or path) offline.  Returns an
    EvidenceResult (verified or not, naming the failed check); raises
    CimaValueError for a bad request (no nonce without no_nonce) and
    CimaError when a given file cannot be read."""
    ev = bundle if isinstance(bundle, Evidence) else Evidence.load(bundle)
    o = _VerifyOpts(sz=_c.sizeof(_VerifyOpts), no_nonce=bool(no_nonce), at_time=int(at_time))
    if nonce is not None:
        n = _b64("nonce", nonce)
        o.nonce, o.nonce_len = n, len(n)
    if data is not None:
        d = _b64("data", data)
        o.data, o.data_len = d, len(d)
    o.ak_pem_path = _path("ak_pem", ak_pem)
    o.root_ca_path = _path("root_ca", root_ca)
    o.reference_path = _path("reference", reference)
    if container is not None:
        o.container = container.encode()
    res = _void()
    ret = _verify(ev._h, _c.byref(o), _c.byref(res))
    if ret and ret != -errno.EKEYREJECTED:
        if ret == -errno.EINVAL:
            raise CimaValueError("verify_evidence: %s" % L.cima_strerror_last().decode())
        raise L.last_error("verify_evidence", ret)
    try:
        text = L.capture(_res_dump, res.value)
    finally:
        _res_free(res)
    return EvidenceResult(json.loads(text))


def evidence_report_data(nonce, data, count, banks):
    """The cima-evidence-snapshot report data (64 bytes) of raw nonce and
    data bytes, the snapshot count and [(alg_id, value_bytes)...]."""
    algs = (_c.c_uint16 * max(1, len(banks)))(*[a for a, _ in banks])
    bufs = [(_c.c_uint8 * len(v)).from_buffer_copy(v) for _, v in banks]
    vals = (_u8p * max(1, len(banks)))(*[_c.cast(b, _u8p) for b in bufs])
    out = (_c.c_uint8 * 64)()
    ret = _report_data(bytes(nonce), len(nonce), bytes(data), len(data), count, algs, vals,
                       len(banks), out)
    if ret:
        raise L.last_error("evidence_report_data", ret)
    return bytes(out)

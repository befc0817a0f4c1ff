# SPDX-License-Identifier: LGPL-2.1-or-later
"""ctypes declarations of the libcima calls the SDK layer uses.

The library is looked up, in order, at:
  1. $CIMA_LIBRARY (a path to libcima.so.0);
  2. the directory recorded at install time in cima/_paths.py;
  3. the build directory of the source tree this package sits in
     (<top>/build/libcima.so.0, or $O/libcima.so.0);
  4. the dynamic linker's search path (libcima.so.0).
"""
import ctypes
import ctypes.util
import errno
import os

SONAME = "libcima.so.0"


class CimaError(Exception):
    """A libcima call failed.  .errno is the positive errno value and the
    message is the library's cima_strerror_last() text."""

    def __init__(self, message, err=0):
        super().__init__(message)
        self.errno = err


class CimaValueError(CimaError, ValueError):
    """A bad argument: a CimaError that is also a ValueError, as the
    original SDK raises for bad arguments."""

    def __init__(self, message):
        super().__init__(message, errno.EINVAL)


def _candidates():
    env = os.environ.get("CIMA_LIBRARY")
    if env:
        yield env
        return
    try:
        from . import _paths  # written by `make -C lib/python install`
        yield os.path.join(_paths.LIBDIR, SONAME)
    except ImportError:
        pass
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.normpath(os.path.join(here, "..", "..", ".."))
    if os.environ.get("O"):
        yield os.path.join(os.environ["O"], SONAME)
    yield os.path.join(top, "build", SONAME)
    yield SONAME
    found = ctypes.util.find_library("cima")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(path + " (missing)")
            continue
        try:
            return ctypes.CDLL(path, use_errno=True), path
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise CimaError("cannot load libcima: tried " + "; ".join(tried),
                    errno.ENOENT)


lib, path = _load()
libc = ctypes.CDLL(None, use_errno=True)

c_u8p = ctypes.POINTER(ctypes.c_uint8)
c_void = ctypes.c_void_p
c_size = ctypes.c_size_t


def _fn(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


cima_strerror_last = _fn("cima_strerror_last", ctypes.c_char_p)
cima_version = _fn("cima_version", ctypes.c_char_p)
cima_alg_name = _fn("cima_alg_name", ctypes.c_char_p, ctypes.c_uint16)
cima_alg_digest_size = _fn("cima_alg_digest_size", c_size, ctypes.c_uint16)
cima_alg_from_name = _fn("cima_alg_from_name", ctypes.c_int, ctypes.c_char_p)

cima_get_default_algorithm = _fn("cima_get_default_algorithm", ctypes.c_int, c_void)
cima_get_measurement_count = _fn("cima_get_measurement_count", ctypes.c_int, c_void)
cima_get_algorithms = _fn("cima_get_algorithms", ctypes.c_int,
                          ctypes.POINTER(ctypes.c_uint16), c_size, c_void)
cima_get_cc_measurement = _fn("cima_get_cc_measurement", ctypes.c_int,
                              ctypes.c_int, ctypes.c_uint16, c_u8p, c_void)

cima_get_cc_report = _fn("cima_get_cc_report", c_void, ctypes.c_char_p, c_size,
                         ctypes.c_char_p, c_size, c_void)
cima_report_free = _fn("cima_report_free", None, c_void)
cima_report_kind = _fn("cima_report_kind", ctypes.c_int, c_void)
cima_report_kind_name = _fn("cima_report_kind_name", ctypes.c_char_p, ctypes.c_int)
cima_report_report_data = _fn("cima_report_report_data", c_u8p, c_void)
cima_report_blob = _fn("cima_report_blob", c_u8p, c_void, ctypes.POINTER(c_size))
cima_report_source = _fn("cima_report_source", ctypes.c_char_p, c_void)
cima_report_dump = _fn("cima_report_dump", ctypes.c_int, c_void, c_void)
cima_report_dump_json = _fn("cima_report_dump_json", ctypes.c_int, c_void, c_void)
cima_report_binding = _fn("cima_report_binding", c_u8p, c_void, ctypes.POINTER(c_size))
cima_report_container = _fn("cima_report_container", ctypes.c_char_p, c_void)
cima_report_container_view = _fn("cima_report_container_view", c_u8p, c_void,
                                 ctypes.POINTER(c_size))
cima_report_snapshot = _fn("cima_report_snapshot", ctypes.c_int, c_void,
                           ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(ctypes.c_uint16),
                           ctypes.POINTER(c_u8p), c_size)
cima_report_verify = _fn("cima_report_verify", ctypes.c_int, c_void, c_u8p)
cima_report_data = _fn("cima_report_data", ctypes.c_int, ctypes.c_char_p, c_size,
                       ctypes.c_char_p, c_size, c_u8p)

cima_get_cc_eventlog = _fn("cima_get_cc_eventlog", c_void, ctypes.c_uint32,
                           ctypes.c_uint32)
cima_eventlog_parse = _fn("cima_eventlog_parse", c_void, ctypes.c_char_p, c_size,
                          ctypes.c_int)
cima_eventlog_append = _fn("cima_eventlog_append", ctypes.c_int, c_void, c_void)
cima_eventlog_free = _fn("cima_eventlog_free", None, c_void)
cima_eventlog_count = _fn("cima_eventlog_count", c_size, c_void)
cima_eventlog_event = _fn("cima_eventlog_event", c_void, c_void, c_size)
cima_event_source = _fn("cima_event_source", ctypes.c_int, c_void)
cima_source_name = _fn("cima_source_name", ctypes.c_char_p, ctypes.c_int)
cima_source_from_name = _fn("cima_source_from_name", ctypes.c_int, ctypes.c_char_p)
cima_event_index = _fn("cima_event_index", ctypes.c_uint32, c_void)
cima_event_type = _fn("cima_event_type", ctypes.c_uint32, c_void)
cima_event_type_name = _fn("cima_event_type_name", ctypes.c_char_p, ctypes.c_uint32)
cima_event_number = _fn("cima_event_number", c_size, c_void)
cima_event_digest_count = _fn("cima_event_digest_count", c_size, c_void)
cima_event_digest = _fn("cima_event_digest", c_u8p, c_void, c_size,
                        ctypes.POINTER(ctypes.c_uint16), ctypes.POINTER(c_size))
cima_event_data = _fn("cima_event_data", c_u8p, c_void, ctypes.POINTER(c_size))
cima_event_ima_template = _fn("cima_event_ima_template", ctypes.c_char_p, c_void)
cima_event_is_measured = _fn("cima_event_is_measured", ctypes.c_bool, c_void)
cima_event_dump = _fn("cima_event_dump", ctypes.c_int, c_void, c_void)

cima_replay_cc_eventlog = _fn("cima_replay_cc_eventlog", c_void, c_void)


class ReplayOpts(ctypes.Structure):
    """struct cima_replay_opts (eventlog.h)."""
    _fields_ = [("sz", c_size), ("banks", ctypes.POINTER(ctypes.c_uint16)),
                ("nbanks", c_size), ("container", ctypes.c_char_p),
                ("ima_sha1_padded", ctypes.c_bool)]


cima_replay_eventlog = _fn("cima_replay_eventlog", c_void, c_void,
                           ctypes.POINTER(ReplayOpts))
cima_replay_events = _fn("cima_replay_events", c_void, c_void,
                         ctypes.POINTER(c_void), c_size, ctypes.POINTER(ReplayOpts))
cima_replay_free = _fn("cima_replay_free", None, c_void)
cima_replay_ima_padded = _fn("cima_replay_ima_padded", ctypes.c_int, c_void,
                             ctypes.POINTER(ctypes.c_uint16), c_size)
cima_replay_count = _fn("cima_replay_count", c_size, c_void)
cima_replay_entry = _fn("cima_replay_entry", ctypes.c_int, c_void, c_size,
                        ctypes.POINTER(ctypes.c_uint32),
                        ctypes.POINTER(ctypes.c_uint16),
                        ctypes.POINTER(c_u8p), ctypes.POINTER(c_size))

cima_container_list = _fn("cima_container_list", ctypes.c_int,
                          ctypes.POINTER(ctypes.POINTER(ctypes.c_char_p)))
cima_container_ids_free = _fn("cima_container_ids_free", None,
                              ctypes.POINTER(ctypes.c_char_p))
cima_container_eventlog = _fn("cima_container_eventlog", c_void, ctypes.c_char_p)
cima_container_register = _fn("cima_container_register", c_void, ctypes.c_char_p)

open_memstream = libc.open_memstream
open_memstream.restype = c_void
open_memstream.argtypes = [ctypes.POINTER(c_void), ctypes.POINTER(c_size)]
fclose = libc.fclose
fclose.restype = ctypes.c_int
fclose.argtypes = [c_void]
free = libc.free
free.restype = None
free.argtypes = [c_void]


def last_error(what, err):
    """Build a CimaError from a negative return or errno value."""
    err = abs(err) if err else errno.EIO
    msg = (cima_strerror_last() or b"").decode("utf-8", "replace")
    if not msg:
        msg = os.strerror(err)
    return CimaError("%s: %s" % (what, msg), err)


def capture(fn, *args):
    """Run a dump function writing to a FILE * and return its text."""
    buf = c_void()
    size = c_size()
    f = open_memstream(ctypes.byref(buf), ctypes.byref(size))
    if not f:
        raise CimaError("open_memstream failed", ctypes.get_errno())
    ret = fn(*args, f)
    fclose(f)
    text = ctypes.string_at(buf, size.value).decode("utf-8", "replace")
    free(buf)
    if ret < 0:
        raise last_error(fn.__name__, ret)
    return text

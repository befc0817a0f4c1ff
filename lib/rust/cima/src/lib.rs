// SPDX-License-Identifier: LGPL-2.1-or-later
//! Safe binding of libcima in the shape of the confidential-computing
//! evidence SDK: [`API`] implements [`EvidenceApi`] (`get_cc_report`,
//! `get_cc_measurement`, `get_cc_eventlog`, `replay_cc_eventlog`,
//! `get_default_algorithm`, `get_measurement_count`), plus parsing, replay
//! and verification of captured logs and evidence from bytes
//! ([`EventLog`], [`parse_evidence`], [`verify_tpm_quote`]).
//!
//! Every value returned is owned Rust memory; every libcima handle is freed
//! by this crate (reports and results before the call returns, event logs
//! when the last [`EventLog`] or event that refers to them is dropped).
//! Errors are [`Error`] values carrying libcima's own message.

use cima_sys as sys;
use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;
use std::sync::Arc;

/// An options struct for libcima, zeroed first and kept in MaybeUninit so
/// its padding stays zero: libcima rejects a struct whose bytes after the
/// last field it knows (trailing padding included, up to `sz`) are not
/// zero.  A Rust struct literal leaves padding undefined.
macro_rules! c_opts {
    ($t:ty { $($f:ident : $v:expr),* $(,)? }) => {{
        let mut m = std::mem::MaybeUninit::<$t>::zeroed();
        let p = m.as_mut_ptr();
        // SAFETY: p points to zeroed memory of the right type; each write
        // initialises one field and touches nothing else.
        unsafe {
            std::ptr::addr_of_mut!((*p).sz).write(std::mem::size_of::<$t>());
            $( std::ptr::addr_of_mut!((*p).$f).write($v); )*
        }
        m
    }};
}

// --- errors -------------------------------------------------------------

/// A failed call: the operation, the errno and libcima's message
/// (`cima_strerror_last()`: file, byte offset, register or field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    op: String,
    errno: i32,
    message: String,
}

impl Error {
    /// The binding's operation, e.g. `"EventLog::parse(firmware)"`.
    pub fn op(&self) -> &str {
        &self.op
    }
    /// Positive errno (`libc::EBADMSG` = 74 ...).
    pub fn errno(&self) -> i32 {
        self.errno
    }
    /// The library's message (or the binding's, for bad arguments).
    pub fn message(&self) -> &str {
        &self.message
    }
    fn arg(op: &str, msg: String) -> Error {
        Error { op: op.to_string(), errno: EINVAL, message: msg }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}: {}", self.op, std::io::Error::from_raw_os_error(self.errno))
        } else {
            write!(f, "{}: {}", self.op, self.message)
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

pub const EINVAL: i32 = 22;
pub const ENOENT: i32 = 2;
pub const EBADMSG: i32 = 74;
pub const E2BIG: i32 = 7;
pub const EOPNOTSUPP: i32 = 95;

/// The error of the libcima call that just failed on this thread.
fn lib_err(op: &str, rc: i32) -> Error {
    let errno = if rc < 0 { -rc } else if rc == 0 { 5 } else { rc };
    // SAFETY: cima_strerror_last never returns NULL; the text is copied
    // before any other libcima call on this thread.
    let message = unsafe { cstr_to_string(sys::cima_strerror_last()) };
    Error { op: op.to_string(), errno, message }
}

fn errno_now() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(5)
}

unsafe fn cstr_to_string(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

unsafe fn copy_bytes(p: *const u8, len: usize) -> Vec<u8> {
    if p.is_null() || len == 0 {
        Vec::new()
    } else {
        std::slice::from_raw_parts(p, len).to_vec()
    }
}

fn cstring(op: &str, s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::arg(op, format!("{:?} contains a NUL byte", s)))
}

/// libcima's version ("0.1.0").
pub fn version() -> String {
    // SAFETY: a static string.
    unsafe { cstr_to_string(sys::cima_version()) }
}

// --- algorithms and digests --------------------------------------------

pub const TPM_ALG_ERROR: u16 = 0x0;
pub const TPM_ALG_RSA: u16 = 0x1;
pub const TPM_ALG_SHA1: u16 = 0x4;
pub const TPM_ALG_SHA256: u16 = 0xB;
pub const TPM_ALG_SHA384: u16 = 0xC;
pub const TPM_ALG_SHA512: u16 = 0xD;
pub const TPM_ALG_SM3_256: u16 = 0x12;
pub const TPM_ALG_ECDSA: u16 = 0x18;

/// libcima's name of an algorithm ("sha384"), or None.
pub fn alg_name(alg: u16) -> Option<String> {
    // SAFETY: returns a static string or NULL.
    let p = unsafe { sys::cima_alg_name(alg) };
    if p.is_null() {
        None
    } else {
        Some(unsafe { cstr_to_string(p) })
    }
}

/// Digest size of an algorithm, 0 when unknown.
pub fn alg_digest_size(alg: u16) -> usize {
    // SAFETY: pure function.
    unsafe { sys::cima_alg_digest_size(alg) }
}

/// Algorithm id for "sha384", "SHA384", "12" or "0xc".
pub fn alg_from_name(name: &str) -> Result<u16> {
    let op = format!("alg_from_name({})", name);
    let c = cstring(&op, name)?;
    // SAFETY: c is a valid C string for the call.
    let rc = unsafe { sys::cima_alg_from_name(c.as_ptr()) };
    if rc < 0 {
        return Err(lib_err(&op, rc));
    }
    Ok(rc as u16)
}

fn sdk_alg_str(alg: u16) -> String {
    match alg {
        TPM_ALG_ERROR => "TPM_ALG_ERROR".into(),
        TPM_ALG_RSA => "TPM_ALG_RSA".into(),
        TPM_ALG_ECDSA => "TPM_ALG_ECDSA".into(),
        a => match alg_name(a) {
            Some(n) => format!("TPM_ALG_{}", n.to_uppercase()),
            None => format!("TPM_ALG_{:#x}", a),
        },
    }
}

/// One digest of an event, or one register value (the SDK's TcgDigest).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcgDigest {
    pub algo_id: u16,
    pub hash: Vec<u8>,
}

impl TcgDigest {
    pub fn get_algorithm_id_str(&self) -> String {
        sdk_alg_str(self.algo_id)
    }
    pub fn get_hash(&self) -> Vec<u8> {
        self.hash.clone()
    }
}

/// An algorithm with the SDK's name for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Algorithm {
    pub algo_id: u16,
    pub algo_id_str: String,
}

// --- event logs ---------------------------------------------------------

/// Event type the SDK gives IMA entries (libcima reports 0).
pub const IMA_MEASUREMENT_EVENT: u32 = 0x14;
pub const EV_NO_ACTION: u32 = 0x3;
pub const EV_ACTION: u32 = 0x5;

/// TCG name of an event type ("EV_EFI_ACTION").
pub fn event_type_name(t: u32) -> String {
    if t == IMA_MEASUREMENT_EVENT {
        return "IMA_MEASUREMENT_EVENT".into();
    }
    // SAFETY: returns a static string.
    unsafe { cstr_to_string(sys::cima_event_type_name(t)) }
}

/// Owns one `struct cima_eventlog`; shared by the events made from it.
struct LogRef {
    h: ptr::NonNull<sys::cima_eventlog>,
    n: usize,
}

// SAFETY: libcima does not change a log after it is built; the calls made
// through a shared LogRef (accessors, check, replay, verify) only read it.
unsafe impl Send for LogRef {}
unsafe impl Sync for LogRef {}

impl Drop for LogRef {
    fn drop(&mut self) {
        // SAFETY: the handle is ours and freed once.
        unsafe { sys::cima_eventlog_free(self.h.as_ptr()) }
    }
}

impl fmt::Debug for LogRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LogRef({} events)", self.n)
    }
}

/// Where an event came from, and the library's facts about it.
#[derive(Clone, Debug, Default)]
pub struct EventInfo {
    pub source: String, // "firmware", "ccel", "ima", "cima"
    pub number: usize,  // position in the whole log
    pub offset: usize,  // byte offset in its source
    pub log_index: u32, // register number as written (CCEL: the CC MR index)
    pub raw_type: u32,  // type as libcima reports it (IMA: 0)
    pub measured: bool, // extended into a register
    pub template_name: Option<String>,
    pub violation: bool,
}

/// An event in the SDK's layout; `info` adds libcima's facts.
#[derive(Clone, Debug)]
pub struct TcgImrEvent {
    pub imr_index: u32,
    pub event_type: u32,
    pub digests: Vec<TcgDigest>,
    pub event_size: u32,
    pub event: Vec<u8>,
    pub info: EventInfo,
    log: Option<Arc<LogRef>>,
    pos: usize,
}

/// The TCG header event (Spec ID Event, SHA-1 layout) of a crypto-agile
/// log, as the SDK returns it.
#[derive(Clone, Debug)]
pub struct TcgPcClientImrEvent {
    pub imr_index: u32,
    pub event_type: u32,
    pub digest: [u8; 20],
    pub event_size: u32,
    pub event: Vec<u8>,
    pub info: EventInfo,
    log: Option<Arc<LogRef>>,
    pos: usize,
}

/// One event of a log (the SDK's EventLogEntry).
#[derive(Clone, Debug)]
pub enum EventLogEntry {
    TcgImrEvent(TcgImrEvent),
    TcgPcClientImrEvent(TcgPcClientImrEvent),
}

impl EventLogEntry {
    pub fn imr_index(&self) -> u32 {
        match self {
            EventLogEntry::TcgImrEvent(e) => e.imr_index,
            EventLogEntry::TcgPcClientImrEvent(e) => e.imr_index,
        }
    }
    pub fn event_type(&self) -> u32 {
        match self {
            EventLogEntry::TcgImrEvent(e) => e.event_type,
            EventLogEntry::TcgPcClientImrEvent(e) => e.event_type,
        }
    }
    /// Recorded digests (the header event has none that extend).
    pub fn digests(&self) -> &[TcgDigest] {
        match self {
            EventLogEntry::TcgImrEvent(e) => &e.digests,
            EventLogEntry::TcgPcClientImrEvent(_) => &[],
        }
    }
    pub fn event(&self) -> &[u8] {
        match self {
            EventLogEntry::TcgImrEvent(e) => &e.event,
            EventLogEntry::TcgPcClientImrEvent(e) => &e.event,
        }
    }
    pub fn info(&self) -> &EventInfo {
        match self {
            EventLogEntry::TcgImrEvent(e) => &e.info,
            EventLogEntry::TcgPcClientImrEvent(e) => &e.info,
        }
    }
    fn origin(&self) -> (Option<&Arc<LogRef>>, usize) {
        match self {
            EventLogEntry::TcgImrEvent(e) => (e.log.as_ref(), e.pos),
            EventLogEntry::TcgPcClientImrEvent(e) => (e.log.as_ref(), e.pos),
        }
    }
    /// The digest recorded for `alg`.
    pub fn digest(&self, alg: u16) -> Option<&[u8]> {
        self.digests().iter().find(|d| d.algo_id == alg).map(|d| d.hash.as_slice())
    }

    /// Recompute the digests the format defines from the data
    /// (`cima_event_check`); Err (EBADMSG) names the event otherwise.
    pub fn check(&self) -> Result<()> {
        let op = format!("check(event {})", self.info().number);
        let (log, pos) = self.origin();
        let log = log.ok_or_else(|| Error::arg(&op, "event not read by this crate".into()))?;
        // SAFETY: pos < log.n; the log lives as long as the Arc.
        let rc = unsafe { sys::cima_event_check(sys::cima_eventlog_event(log.h.as_ptr(), pos)) };
        if rc < 0 {
            return Err(lib_err(&op, rc));
        }
        Ok(())
    }

    /// Print the event (the SDK's show()).
    pub fn show(&self) {
        let i = self.info();
        println!("Event {} ({} offset {})", i.number, i.source, i.offset);
        println!("IMR               : {}", self.imr_index());
        println!("Type              : {:#x} ({})", self.event_type(), event_type_name(self.event_type()));
        for (k, d) in self.digests().iter().enumerate() {
            println!("Algorithm_id[{}]   : {} ({})", k, d.algo_id, d.get_algorithm_id_str());
            println!("Digest[{}]         : {}", k, hex(&d.hash));
        }
        println!("Event             : {}", hex(self.event()));
    }
}

/// Lower-case hex of bytes.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{:02x}", x)).collect()
}

const SPEC_ID: &[u8] = b"Spec ID Event03\0";

fn copy_events(log: &Arc<LogRef>) -> Vec<EventLogEntry> {
    let mut out = Vec::with_capacity(log.n);
    for i in 0..log.n {
        // SAFETY: i < count; every pointer read here points into the log,
        // which `log` keeps alive, and is copied before the loop goes on.
        unsafe {
            let ev = sys::cima_eventlog_event(log.h.as_ptr(), i);
            let mut info = EventInfo {
                source: cstr_to_string(sys::cima_source_name(sys::cima_event_source(ev))),
                number: sys::cima_event_number(ev),
                offset: sys::cima_event_offset(ev),
                log_index: sys::cima_event_log_index(ev),
                raw_type: sys::cima_event_type(ev),
                measured: sys::cima_event_is_measured(ev),
                template_name: None,
                violation: sys::cima_event_is_violation(ev),
            };
            let t = sys::cima_event_ima_template(ev);
            let mut event_type = info.raw_type;
            if !t.is_null() {
                info.template_name = Some(cstr_to_string(t));
                event_type = IMA_MEASUREMENT_EVENT;
            }
            let mut dl = 0usize;
            let event = copy_bytes(sys::cima_event_data(ev, &mut dl), dl);
            let mut digests = Vec::new();
            for k in 0..sys::cima_event_digest_count(ev) {
                let mut alg = 0u16;
                let mut n = 0usize;
                let p = sys::cima_event_digest(ev, k, &mut alg, &mut n);
                digests.push(TcgDigest { algo_id: alg, hash: copy_bytes(p, n) });
            }
            let imr_index = sys::cima_event_index(ev);
            let header = event_type == EV_NO_ACTION && event.starts_with(SPEC_ID) && info.source != "cima";
            if header {
                let mut digest = [0u8; 20];
                if let Some(d) = digests.first() {
                    let n = d.hash.len().min(20);
                    digest[..n].copy_from_slice(&d.hash[..n]);
                }
                out.push(EventLogEntry::TcgPcClientImrEvent(TcgPcClientImrEvent {
                    imr_index,
                    event_type,
                    digest,
                    event_size: event.len() as u32,
                    event,
                    info,
                    log: Some(log.clone()),
                    pos: i,
                }));
            } else {
                out.push(EventLogEntry::TcgImrEvent(TcgImrEvent {
                    imr_index,
                    event_type,
                    digests,
                    event_size: event.len() as u32,
                    event,
                    info,
                    log: Some(log.clone()),
                    pos: i,
                }));
            }
        }
    }
    out
}

/// Source of a log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    All,
    Firmware,
    Ccel,
    Ima,
    Cima,
}

impl Source {
    fn raw(self) -> c_int {
        match self {
            Source::All => sys::CIMA_SOURCE_ALL,
            Source::Firmware => sys::CIMA_SOURCE_FIRMWARE,
            Source::Ccel => sys::CIMA_SOURCE_CCEL,
            Source::Ima => sys::CIMA_SOURCE_IMA,
            Source::Cima => sys::CIMA_SOURCE_CIMA,
        }
    }
    /// From libcima's name ("firmware", "ccel", "ima", "cima", "all").
    pub fn from_name(name: &str) -> Result<Source> {
        let op = format!("Source::from_name({})", name);
        let c = cstring(&op, name)?;
        // SAFETY: valid C string.
        let rc = unsafe { sys::cima_source_from_name(c.as_ptr()) };
        match rc {
            sys::CIMA_SOURCE_ALL => Ok(Source::All),
            sys::CIMA_SOURCE_FIRMWARE => Ok(Source::Firmware),
            sys::CIMA_SOURCE_CCEL => Ok(Source::Ccel),
            sys::CIMA_SOURCE_IMA => Ok(Source::Ima),
            sys::CIMA_SOURCE_CIMA => Ok(Source::Cima),
            rc => Err(lib_err(&op, rc)),
        }
    }
    pub fn name(self) -> String {
        // SAFETY: static string.
        unsafe { cstr_to_string(sys::cima_source_name(self.raw())) }
    }
}

/// A parsed log (one or more sources in boot order).
#[derive(Clone, Debug)]
pub struct EventLog {
    log: Arc<LogRef>,
    events: Vec<EventLogEntry>,
}

/// Options of a libcima replay.
#[derive(Clone, Debug, Default)]
pub struct ReplayOptions {
    pub banks: Vec<u16>,            // empty: the banks the log declares
    pub container: Option<String>,  // only this container's own cima events
    pub ima_sha1_padded: bool,      // IMA extends zero-padded SHA-1 in other banks
}

/// Register values after a replay (the SDK's ReplayResult).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayResult {
    pub imr_index: u32,
    pub digests: Vec<TcgDigest>,
}

impl ReplayResult {
    pub fn show(&self) {
        for d in &self.digests {
            println!("Replay IMR[{}] {}: {}", self.imr_index, d.get_algorithm_id_str(), hex(&d.hash));
        }
    }
}

/// Find the value of (index, alg) in a replay.
pub fn replay_value(r: &[ReplayResult], index: u32, alg: u16) -> Option<&[u8]> {
    r.iter()
        .find(|x| x.imr_index == index)
        .and_then(|x| x.digests.iter().find(|d| d.algo_id == alg))
        .map(|d| d.hash.as_slice())
}

/// Options of [`EventLog::verify`].
#[derive(Clone, Debug, Default)]
pub struct VerifyOptions {
    pub expected: Option<Vec<ReplayResult>>, // None: the live registers
    pub tpm_sysfs: Option<String>,
    pub no_event_check: bool,
}

/// A register whose replay differs from its expected value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub index: u32,
    pub algo_id: u16,
    pub replayed: Vec<u8>,
    pub expected: Vec<u8>,
}

/// What a verification compared; `error` is set when something differed.
#[derive(Clone, Debug, Default)]
pub struct VerifyResult {
    pub compared: usize,
    pub unavailable: usize,
    pub mismatches: Vec<Mismatch>,
    pub bad_events: Vec<String>,
    /// Banks whose IMA values matched only as zero-padded SHA-1 digests.
    pub sha1_strength: Vec<u16>,
    pub error: Option<Error>,
}

/// A C replay set built from given values (freed on drop).
struct CReplay(*mut sys::cima_replay);

impl Drop for CReplay {
    fn drop(&mut self) {
        // SAFETY: ours, freed once (NULL accepted).
        unsafe { sys::cima_replay_free(self.0) }
    }
}

impl CReplay {
    fn from_values(op: &str, vals: &[ReplayResult]) -> Result<CReplay> {
        // SAFETY: a new handle owned by the CReplay.
        let r = CReplay(unsafe { sys::cima_replay_new() });
        if r.0.is_null() {
            return Err(lib_err(op, -errno_now()));
        }
        for v in vals {
            for d in &v.digests {
                // SAFETY: the slice is valid for the call; libcima copies it.
                let rc = unsafe { sys::cima_replay_set(r.0, v.imr_index, d.algo_id, d.hash.as_ptr(), d.hash.len()) };
                if rc < 0 {
                    return Err(lib_err(op, rc));
                }
            }
        }
        Ok(r)
    }

    fn to_results(&self, op: &str) -> Result<Vec<ReplayResult>> {
        let mut out: Vec<ReplayResult> = Vec::new();
        // SAFETY: self.0 is a valid replay; values are copied at once.
        unsafe {
            for i in 0..sys::cima_replay_count(self.0) {
                let (mut idx, mut alg, mut v, mut l) = (0u32, 0u16, ptr::null::<u8>(), 0usize);
                let rc = sys::cima_replay_entry(self.0, i, &mut idx, &mut alg, &mut v, &mut l);
                if rc < 0 {
                    return Err(lib_err(op, rc));
                }
                let d = TcgDigest { algo_id: alg, hash: copy_bytes(v, l) };
                match out.last_mut() {
                    Some(last) if last.imr_index == idx => last.digests.push(d),
                    _ => out.push(ReplayResult { imr_index: idx, digests: vec![d] }),
                }
            }
        }
        Ok(out)
    }
}

impl EventLog {
    fn wrap(op: &str, h: *mut sys::cima_eventlog) -> Result<EventLog> {
        match ptr::NonNull::new(h) {
            None => Err(lib_err(op, -errno_now())),
            Some(h) => {
                // SAFETY: a valid handle, owned from here by the LogRef.
                let n = unsafe { sys::cima_eventlog_count(h.as_ptr()) };
                let log = Arc::new(LogRef { h, n });
                let events = copy_events(&log);
                Ok(EventLog { log, events })
            }
        }
    }

    /// Parse a captured log (one source) from bytes; no platform is used.
    pub fn parse(data: &[u8], source: Source) -> Result<EventLog> {
        let op = format!("EventLog::parse({})", source.name());
        if source == Source::All {
            return Err(Error::arg(&op, "parse one source at a time".into()));
        }
        // SAFETY: the buffer is valid for the call; libcima copies it.
        let h = unsafe { sys::cima_eventlog_parse(data.as_ptr() as *const c_void, data.len(), source.raw()) };
        EventLog::wrap(&op, h)
    }

    /// Read a log file (`path` None: the live file; Source::All: every
    /// live source).
    pub fn open(path: Option<&str>, source: Source) -> Result<EventLog> {
        let op = format!("EventLog::open({}{})", source.name(), path.map(|p| format!(", {}", p)).unwrap_or_default());
        let cpath = match path {
            Some(p) => Some(cstring(&op, p)?),
            None => None,
        };
        let o = c_opts!(sys::cima_eventlog_opts {
            source: source.raw(),
            path: cpath.as_ref().map_or(ptr::null(), |c| c.as_ptr()),
        });
        // SAFETY: o and the strings it points to outlive the call.
        let h = unsafe { sys::cima_eventlog_open(o.as_ptr()) };
        EventLog::wrap(&op, h)
    }

    /// The events, in order (clones share the library's copy of the log).
    pub fn events(&self) -> Vec<EventLogEntry> {
        self.events.clone()
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Register indexes are CC MR indexes (a CCEL source is present).
    pub fn is_cc(&self) -> bool {
        // SAFETY: valid handle.
        unsafe { sys::cima_eventlog_is_cc(self.log.h.as_ptr()) }
    }

    /// Banks the log's headers declare.
    pub fn banks(&self) -> Vec<u16> {
        let mut a = [0u16; sys::CIMA_MAX_BANKS];
        // SAFETY: a has room for CIMA_MAX_BANKS ids.
        let n = unsafe { sys::cima_eventlog_banks(self.log.h.as_ptr(), a.as_mut_ptr(), a.len()) };
        a[..(n.max(0) as usize).min(a.len())].to_vec()
    }

    /// libcima's replay of the whole log.
    pub fn replay(&self, opts: &ReplayOptions) -> Result<Vec<ReplayResult>> {
        replay_log(&self.log, opts)
    }

    /// Replay and compare with expected (or live) values; Err when a value
    /// differs (EBADMSG, the library's message naming the first), nothing
    /// could be compared (ENODATA) or the call failed.
    pub fn verify(&self, opts: &VerifyOptions) -> Result<VerifyResult> {
        let r = self.verify_detailed(opts)?;
        match &r.error {
            Some(e) => Err(e.clone()),
            None => Ok(r),
        }
    }

    /// As verify, but a difference is reported in the result (`error`) with
    /// every mismatch, rather than as Err.
    pub fn verify_detailed(&self, opts: &VerifyOptions) -> Result<VerifyResult> {
        let op = "EventLog::verify";
        let exp = match &opts.expected {
            Some(v) => Some(CReplay::from_values(op, v)?),
            None => None,
        };
        let sysfs = match &opts.tpm_sysfs {
            Some(p) => Some(cstring(op, p)?),
            None => None,
        };
        let o = c_opts!(sys::cima_verify_opts {
            expected: exp.as_ref().map_or(ptr::null(), |r| r.0 as *const _),
            tpm_sysfs: sysfs.as_ref().map_or(ptr::null(), |c| c.as_ptr()),
            no_event_check: opts.no_event_check,
        });
        let mut res: *mut sys::cima_verify_result = ptr::null_mut();
        // SAFETY: o and what it points to outlive the call; res is ours.
        let rc = unsafe { sys::cima_verify_eventlog(self.log.h.as_ptr(), o.as_ptr(), &mut res) };
        let err = if rc < 0 { Some(lib_err(op, rc)) } else { None };
        if res.is_null() {
            return Err(err.unwrap_or_else(|| lib_err(op, -5)));
        }
        let mut out = VerifyResult { error: err, ..Default::default() };
        // SAFETY: res is valid until freed below; everything is copied.
        unsafe {
            out.compared = sys::cima_verify_compared(res);
            out.unavailable = sys::cima_verify_unavailable(res);
            for i in 0..sys::cima_verify_mismatches(res) {
                let (mut idx, mut alg, mut a, mut b, mut l) = (0u32, 0u16, ptr::null(), ptr::null(), 0usize);
                if sys::cima_verify_mismatch(res, i, &mut idx, &mut alg, &mut a, &mut b, &mut l) == 0 {
                    out.mismatches.push(Mismatch {
                        index: idx,
                        algo_id: alg,
                        replayed: copy_bytes(a, l),
                        expected: copy_bytes(b, l),
                    });
                }
            }
            for i in 0..sys::cima_verify_bad_events(res) {
                out.bad_events.push(cstr_to_string(sys::cima_verify_bad_event(res, i)));
            }
            let mut weak = [0u16; sys::CIMA_MAX_BANKS];
            let n = sys::cima_verify_sha1_strength(res, weak.as_mut_ptr(), weak.len());
            out.sha1_strength = weak[..(n.max(0) as usize).min(weak.len())].to_vec();
            sys::cima_verify_result_free(res);
        }
        Ok(out)
    }
}

fn replay_log(log: &Arc<LogRef>, opts: &ReplayOptions) -> Result<Vec<ReplayResult>> {
    let op = "replay";
    let container = match &opts.container {
        Some(c) => Some(cstring(op, c)?),
        None => None,
    };
    let o = c_opts!(sys::cima_replay_opts {
        banks: if opts.banks.is_empty() { ptr::null() } else { opts.banks.as_ptr() },
        nbanks: opts.banks.len(),
        container: container.as_ref().map_or(ptr::null(), |c| c.as_ptr()),
        ima_sha1_padded: opts.ima_sha1_padded,
    });
    // SAFETY: o and its pointers outlive the call; the result is owned by
    // the CReplay.
    let r = CReplay(unsafe { sys::cima_replay_eventlog(log.h.as_ptr(), o.as_ptr()) });
    if r.0.is_null() {
        return Err(lib_err(op, -errno_now()));
    }
    r.to_results(op)
}

fn whole_log(events: &[EventLogEntry]) -> Option<Arc<LogRef>> {
    let first = events.first()?.origin().0?.clone();
    if first.n != events.len() {
        return None;
    }
    for (i, e) in events.iter().enumerate() {
        match e.origin() {
            (Some(l), pos) if Arc::ptr_eq(l, &first) && pos == i => {}
            _ => return None,
        }
    }
    Some(first)
}

fn digest(alg: u16, data: &[u8]) -> Option<Vec<u8>> {
    let name: &[u8] = match alg {
        TPM_ALG_SHA1 => b"SHA1\0",
        TPM_ALG_SHA256 => b"SHA256\0",
        TPM_ALG_SHA384 => b"SHA384\0",
        TPM_ALG_SHA512 => b"SHA512\0",
        TPM_ALG_SM3_256 => b"SM3\0",
        _ => return None,
    };
    let mut out = [0u8; 64];
    let mut n: std::os::raw::c_uint = 0;
    // SAFETY: name is NUL-terminated; out holds any digest up to 64 bytes.
    unsafe {
        let md = sys::crypto::EVP_get_digestbyname(name.as_ptr() as *const c_char);
        if md.is_null()
            || sys::crypto::EVP_Digest(data.as_ptr() as *const c_void, data.len(), out.as_mut_ptr(), &mut n, md, ptr::null_mut()) != 1
        {
            return None;
        }
    }
    Some(out[..n as usize].to_vec())
}

/// Replay a list of events.  A list that is exactly one log as returned by
/// this crate is replayed by libcima; any other list (a slice, a filter,
/// several logs) here: every measured event extends each recorded digest,
/// R = H(R || digest), from zero (PCR 0 from a StartupLocality event in
/// the list).
pub fn replay_events(events: &[EventLogEntry]) -> Result<Vec<ReplayResult>> {
    if let Some(log) = whole_log(events) {
        return replay_log(&log, &ReplayOptions::default());
    }
    let mut regs: std::collections::BTreeMap<u32, std::collections::BTreeMap<u16, Vec<u8>>> = Default::default();
    let mut locality: Option<u8> = None;
    for (i, e) in events.iter().enumerate() {
        if e.event_type() == EV_NO_ACTION {
            let d = e.event();
            if e.imr_index() == 0 && d.len() >= 17 && d.starts_with(b"StartupLocality\0") {
                locality = Some(d[16]);
            }
            continue;
        }
        if (!e.info().measured && e.origin().0.is_some()) || e.imr_index() == sys::CIMA_IMR_NONE {
            continue;
        }
        for d in e.digests() {
            let size = alg_digest_size(d.algo_id);
            let ext = if e.info().violation { vec![0xff; size] } else { d.hash.clone() };
            let bank = regs.entry(e.imr_index()).or_default();
            let cur = bank.entry(d.algo_id).or_insert_with(|| {
                let mut z = vec![0u8; size];
                if e.imr_index() == 0 {
                    if let (Some(l), Some(last)) = (locality, z.last_mut()) {
                        *last = l;
                    }
                }
                z
            });
            let mut buf = cur.clone();
            buf.extend_from_slice(&ext);
            *cur = digest(d.algo_id, &buf).ok_or_else(|| Error {
                op: "replay_events".into(),
                errno: EOPNOTSUPP,
                message: format!("event {}: cannot replay algorithm {}", i, sdk_alg_str(d.algo_id)),
            })?;
        }
    }
    Ok(regs
        .into_iter()
        .map(|(idx, b)| ReplayResult {
            imr_index: idx,
            digests: b.into_iter().map(|(a, h)| TcgDigest { algo_id: a, hash: h }).collect(),
        })
        .collect())
}

// --- platforms and reports ---------------------------------------------

/// TEE type of a report, as the SDK names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeeType {
    PLAIN = -1,
    TPM = 0,
    TDX = 1,
    SEV = 2,
    CCA = 3,
}

/// No extra arguments exist; the SDK's type is kept for its signature.
#[derive(Clone, Debug, Default)]
pub struct ExtraArgs {}

/// TPM quote parts (kind tpm-quote).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TpmQuote {
    pub signature: Vec<u8>,  // TPMT_SIGNATURE
    pub ak_public: Vec<u8>,  // TPM2B_PUBLIC
    pub ak_pem: String,
    pub pcr_alg: u16,
    pub pcr_mask: u32,
    pub pcr_values: Vec<u8>, // selection order (tpm2_pcrread -o layout)
}

/// A report with every byte copied out of the library.
#[derive(Clone, Debug)]
pub struct CcReport {
    pub cc_report: Vec<u8>, // evidence; TPM: the signed TPMS_ATTEST
    pub cc_type: TeeType,
    pub kind_name: String,
    pub source: String,
    pub report_data: Vec<u8>, // the 64 bytes bound: SHA-512(nonce || data)
    pub aux: Vec<u8>,
    pub tpm: Option<TpmQuote>,
    /// Register values the report carries: quoted PCRs (TPM), RTMR0-3
    /// (TDX, IMR 0-3), MEASUREMENT (SNP).
    pub imrs: Vec<ReplayResult>,
    /// TDX: the TD's build-time measurement (not an IMR).
    pub mrtd: Option<Vec<u8>>,
}

impl CcReport {
    /// TPM: verify the quote (signature, report data, PCR digest) with the
    /// library, in software.  Other kinds: EOPNOTSUPP.
    pub fn verify(&self) -> Result<()> {
        match &self.tpm {
            Some(t) => verify_tpm_quote(&self.cc_report, &t.signature, &t.ak_public, Some(&self.report_data), Some(&t.pcr_values)),
            None => Err(Error {
                op: "CcReport::verify".into(),
                errno: EOPNOTSUPP,
                message: format!("only TPM quotes are verified by the library (this is {})", self.kind_name),
            }),
        }
    }
}

/// `cima_tpm_quote_verify` over captured bytes.  `qualifying_data` None
/// checks the signature without a nonce (`no_qualifying_data`).
pub fn verify_tpm_quote(
    attest: &[u8],
    signature: &[u8],
    ak_public: &[u8],
    qualifying_data: Option<&[u8]>,
    pcr_values: Option<&[u8]>,
) -> Result<()> {
    let c = c_opts!(sys::cima_tpm_quote_check {
        attest: attest.as_ptr(),
        attest_len: attest.len(),
        signature: signature.as_ptr(),
        signature_len: signature.len(),
        ak_public: ak_public.as_ptr(),
        ak_public_len: ak_public.len(),
        qualifying_data: qualifying_data.map_or(ptr::null(), |q| q.as_ptr()),
        qualifying_data_len: qualifying_data.map_or(0, |q| q.len()),
        pcr_values: pcr_values.map_or(ptr::null(), |q| q.as_ptr()),
        pcr_values_len: pcr_values.map_or(0, |q| q.len()),
        no_qualifying_data: qualifying_data.is_none(),
    });
    // SAFETY: every buffer outlives the call; libcima only reads them.
    let rc = unsafe { sys::cima_tpm_quote_verify(c.as_ptr()) };
    if rc < 0 {
        return Err(lib_err("verify_tpm_quote", rc));
    }
    Ok(())
}

/// IMR n = RTMR n, as the original SDK numbers them (MRTD is `mrtd`).
fn tdx_imrs(b: &sys::cima_tdx_td_info) -> Vec<ReplayResult> {
    let mut v = Vec::new();
    for (i, r) in b.rtmr.iter().enumerate() {
        v.push(ReplayResult { imr_index: i as u32, digests: vec![TcgDigest { algo_id: TPM_ALG_SHA384, hash: r.to_vec() }] });
    }
    v
}

fn kind_name(kind: c_int) -> String {
    // SAFETY: static string or NULL.
    unsafe { cstr_to_string(sys::cima_report_kind_name(kind)) }
}

/// Parse captured evidence (no platform): a TDX quote, a TDREPORT or an
/// SNP report, tried in that order.
pub fn parse_evidence(b: &[u8]) -> Result<CcReport> {
    let op = "parse_evidence";
    if b.is_empty() {
        return Err(Error::arg(op, "empty evidence".into()));
    }
    let p = b.as_ptr() as *const c_void;
    // SAFETY: the out structs are plain data the parsers fill; the buffer
    // is valid for each call; q.sig_data (a pointer into b) is not kept.
    unsafe {
        let mut q: sys::cima_tdx_quote = std::mem::zeroed();
        if sys::cima_tdx_quote_parse(p, b.len(), &mut q) == 0 {
            return Ok(CcReport {
                cc_report: b[..q.total_len.min(b.len())].to_vec(),
                cc_type: TeeType::TDX,
                kind_name: kind_name(sys::CIMA_REPORT_TDX_QUOTE),
                source: String::new(),
                report_data: q.body.report_data.to_vec(),
                aux: Vec::new(),
                tpm: None,
                imrs: tdx_imrs(&q.body),
                mrtd: Some(q.body.mr_td.to_vec()),
            });
        }
        if b.len() == sys::CIMA_TDX_TDREPORT_SIZE {
            let mut t: sys::cima_tdx_tdreport = std::mem::zeroed();
            let rc = sys::cima_tdx_tdreport_parse(p, b.len(), &mut t);
            if rc < 0 {
                return Err(lib_err(op, rc));
            }
            return Ok(CcReport {
                cc_report: b.to_vec(),
                cc_type: TeeType::TDX,
                kind_name: kind_name(sys::CIMA_REPORT_TDX_TDREPORT),
                source: String::new(),
                report_data: t.body.report_data.to_vec(),
                aux: Vec::new(),
                tpm: None,
                imrs: tdx_imrs(&t.body),
                mrtd: Some(t.body.mr_td.to_vec()),
            });
        }
        let mut s: sys::cima_snp_report = std::mem::zeroed();
        let rc = sys::cima_snp_report_parse(p, b.len(), &mut s);
        if rc < 0 {
            return Err(lib_err("parse_evidence (neither a TDX quote nor an SNP report)", rc));
        }
        Ok(CcReport {
            cc_report: b.to_vec(),
            cc_type: TeeType::SEV,
            kind_name: kind_name(sys::CIMA_REPORT_SNP),
            source: String::new(),
            report_data: s.report_data.to_vec(),
            aux: Vec::new(),
            tpm: None,
            imrs: vec![ReplayResult { imr_index: 0, digests: vec![TcgDigest { algo_id: TPM_ALG_SHA384, hash: s.measurement.to_vec() }] }],
            mrtd: None,
        })
    }
}

/// Decode an SDK nonce or data string strictly: RFC 4648 standard
/// alphabet, padding required, no whitespace, no stray bits.
pub fn decode_base64(what: &str, s: &str) -> Result<Vec<u8>> {
    let err = |m: &str| Error::arg("get_cc_report", format!("{}: base64: {}", what, m));
    let b = s.as_bytes();
    if b.len() % 4 != 0 {
        return Err(err("length is not a multiple of 4 (padding required)"));
    }
    let val = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some((c - b'A') as u32),
            b'a'..=b'z' => Some((c - b'a') as u32 + 26),
            b'0'..=b'9' => Some((c - b'0') as u32 + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(b.len() / 4 * 3);
    for (n, chunk) in b.chunks(4).enumerate() {
        let last = n == b.len() / 4 - 1;
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return Err(err("misplaced padding"));
        }
        let mut v = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            let x = if k >= 4 - pad {
                0
            } else {
                val(c).ok_or_else(|| err(&format!("invalid character {:?} at {}", c as char, n * 4 + k)))?
            };
            v = (v << 6) | x;
        }
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        if (pad == 1 && bytes[2] != 0) || (pad == 2 && bytes[1] != 0) {
            return Err(err("non-zero bits after the last byte"));
        }
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Ok(out)
}

/// Platform selection; `Platform::default()` detects (TDX, SNP, TPM;
/// $CIMA_PLATFORM and $CIMA_TPM_TCTI apply), as [`API`] does.
#[derive(Clone, Debug, Default)]
pub struct Platform {
    pub platform: Option<String>, // "tpm", "tdx", "snp", "auto"
    pub tpm_tcti: Option<String>, // e.g. "swtpm:port=2321"
    pub no_tsm: bool,
}

/// Options of [`Platform::get_cc_report_raw`].
#[derive(Clone, Debug, Default)]
pub struct ReportOptions {
    pub pcr_alg: u16,
    pub pcr_mask: u32,
    pub transient_ak: bool,
    pub evidence_snapshot: bool,
}

struct POpts {
    o: std::mem::MaybeUninit<sys::cima_platform_opts>,
    _tcti: Option<CString>,
}

impl Platform {
    fn opts(&self, op: &str) -> Result<POpts> {
        let mut plat = 0;
        if let Some(p) = &self.platform {
            let c = cstring(op, p)?;
            // SAFETY: valid C string.
            plat = unsafe { sys::cima_platform_from_name(c.as_ptr()) };
            if plat < 0 {
                return Err(lib_err(op, plat));
            }
        }
        let tcti = match &self.tpm_tcti {
            Some(t) => Some(cstring(op, t)?),
            None => None,
        };
        Ok(POpts {
            o: c_opts!(sys::cima_platform_opts {
                platform: plat,
                tpm_tcti: tcti.as_ref().map_or(ptr::null(), |c| c.as_ptr()),
                no_tsm: self.no_tsm,
            }),
            _tcti: tcti,
        })
    }

    fn int_call(&self, op: &str, f: impl FnOnce(*const sys::cima_platform_opts) -> c_int) -> Result<i32> {
        let o = self.opts(op)?;
        let rc = f(o.o.as_ptr());
        if rc < 0 {
            return Err(lib_err(op, rc));
        }
        Ok(rc)
    }

    pub fn get_default_algorithm(&self) -> Result<Algorithm> {
        // SAFETY: the options outlive the call.
        let a = self.int_call("get_default_algorithm", |o| unsafe { sys::cima_get_default_algorithm(o) })? as u16;
        Ok(Algorithm { algo_id: a, algo_id_str: sdk_alg_str(a) })
    }

    /// TDX 4 (RTMR0-3), SNP 1, TPM 24.
    pub fn get_measurement_count(&self) -> Result<u8> {
        // SAFETY: the options outlive the call.
        Ok(self.int_call("get_measurement_count", |o| unsafe { sys::cima_get_measurement_count(o) })? as u8)
    }

    pub fn get_algorithms(&self) -> Result<Vec<u16>> {
        let mut a = [0u16; 16];
        let ap = a.as_mut_ptr();
        // SAFETY: a has room for 16 ids.
        let n = self.int_call("get_algorithms", |o| unsafe { sys::cima_get_algorithms(ap, 16, o) })? as usize;
        Ok(a[..n.min(16)].to_vec())
    }

    /// Register `index` in bank `algo_id` (0: the default algorithm).
    pub fn get_cc_measurement(&self, index: u8, algo_id: u16) -> Result<TcgDigest> {
        let alg = if algo_id == 0 { self.get_default_algorithm()?.algo_id } else { algo_id };
        let mut buf = [0u8; sys::CIMA_MAX_DIGEST_SIZE];
        let bp = buf.as_mut_ptr();
        // SAFETY: buf has CIMA_MAX_DIGEST_SIZE bytes, as the call needs.
        let n = self.int_call("get_cc_measurement", |o| unsafe { sys::cima_get_cc_measurement(index as c_int, alg, bp, o) })?
            as usize;
        Ok(TcgDigest { algo_id: alg, hash: buf[..n.min(buf.len())].to_vec() })
    }

    /// A report binding SHA-512(nonce || data) of the raw bytes.
    pub fn get_cc_report_raw(&self, nonce: &[u8], data: &[u8], opts: &ReportOptions) -> Result<CcReport> {
        let op = "get_cc_report";
        let po = self.opts(op)?;
        let ro = c_opts!(sys::cima_report_opts {
            platform: po.o.as_ptr(),
            evidence_snapshot: opts.evidence_snapshot,
            pcr_alg: opts.pcr_alg,
            pcr_mask: opts.pcr_mask,
            transient_ak: opts.transient_ak,
        });
        let ptr_of = |b: &[u8]| if b.is_empty() { ptr::null() } else { b.as_ptr() as *const c_void };
        // SAFETY: inputs and options outlive the call; the handle is freed
        // below after everything is copied.
        unsafe {
            let h = sys::cima_get_cc_report(ptr_of(nonce), nonce.len(), ptr_of(data), data.len(), ro.as_ptr());
            if h.is_null() {
                return Err(lib_err(op, -errno_now()));
            }
            let kind = sys::cima_report_kind(h);
            let mut l = 0usize;
            let blob = copy_bytes(sys::cima_report_blob(h, &mut l), l);
            let aux = copy_bytes(sys::cima_report_aux(h, &mut l), l);
            let mut r = CcReport {
                cc_type: match kind {
                    sys::CIMA_REPORT_TPM_QUOTE => TeeType::TPM,
                    sys::CIMA_REPORT_SNP => TeeType::SEV,
                    _ => TeeType::TDX,
                },
                cc_report: blob,
                kind_name: kind_name(kind),
                source: cstr_to_string(sys::cima_report_source(h)),
                report_data: copy_bytes(sys::cima_report_report_data(h), sys::CIMA_REPORT_DATA_SIZE),
                aux,
                tpm: None,
                imrs: Vec::new(),
                mrtd: None,
            };
            if kind == sys::CIMA_REPORT_TPM_QUOTE {
                let mut t = TpmQuote {
                    signature: copy_bytes(sys::cima_report_tpm_signature(h, &mut l), l),
                    ak_public: copy_bytes(sys::cima_report_tpm_ak_public(h, &mut l), l),
                    ..Default::default()
                };
                t.pcr_values = copy_bytes(sys::cima_report_tpm_pcr_values(h, &mut l, &mut t.pcr_alg, &mut t.pcr_mask), l);
                let pem = sys::cima_report_tpm_ak_pem(h);
                t.ak_pem = cstr_to_string(pem);
                extern "C" {
                    fn free(p: *mut c_void);
                }
                free(pem as *mut c_void);
                let size = alg_digest_size(t.pcr_alg);
                let mut off = 0;
                for i in 0..24u32 {
                    if t.pcr_mask & (1 << i) != 0 && size > 0 && off + size <= t.pcr_values.len() {
                        r.imrs.push(ReplayResult {
                            imr_index: i,
                            digests: vec![TcgDigest { algo_id: t.pcr_alg, hash: t.pcr_values[off..off + size].to_vec() }],
                        });
                        off += size;
                    }
                }
                r.tpm = Some(t);
            }
            sys::cima_report_free(h);
            if r.tpm.is_none() {
                if let Ok(p) = parse_evidence(&r.cc_report) {
                    r.imrs = p.imrs;
                    r.mrtd = p.mrtd;
                }
            }
            Ok(r)
        }
    }

    /// The SDK's get_cc_report: base64 nonce and data (strict decoding).
    pub fn get_cc_report(&self, nonce: Option<String>, data: Option<String>, _extra_args: ExtraArgs) -> Result<CcReport> {
        let n = match nonce {
            Some(s) => decode_base64("nonce", &s)?,
            None => Vec::new(),
        };
        let d = match data {
            Some(s) => decode_base64("data", &s)?,
            None => Vec::new(),
        };
        self.get_cc_report_raw(&n, &d, &ReportOptions::default())
    }

    /// Every live log's events, from `start`, at most `count`.
    pub fn get_cc_eventlog(&self, start: Option<u32>, count: Option<u32>) -> Result<Vec<EventLogEntry>> {
        // SAFETY: returns an owned handle or NULL.
        let h = unsafe { sys::cima_get_cc_eventlog(start.unwrap_or(0), count.unwrap_or(0)) };
        Ok(EventLog::wrap("get_cc_eventlog", h)?.events)
    }
}

/// The SDK's API trait (associated functions, as in the original).
pub trait EvidenceApi {
    fn get_cc_report(nonce: Option<String>, data: Option<String>, extra_args: ExtraArgs) -> Result<CcReport>;
    fn dump_cc_report(report: &Vec<u8>);
    fn get_measurement_count() -> Result<u8>;
    fn get_cc_measurement(index: u8, algo_id: u16) -> Result<TcgDigest>;
    fn get_cc_eventlog(start: Option<u32>, count: Option<u32>) -> Result<Vec<EventLogEntry>>;
    fn replay_cc_eventlog(eventlogs: Vec<EventLogEntry>) -> Result<Vec<ReplayResult>>;
    fn get_default_algorithm() -> Result<Algorithm>;
}

/// The SDK's entry point, over libcima with the platform detected.
pub struct API {}

impl EvidenceApi for API {
    fn get_cc_report(nonce: Option<String>, data: Option<String>, extra_args: ExtraArgs) -> Result<CcReport> {
        Platform::default().get_cc_report(nonce, data, extra_args)
    }
    #[allow(clippy::ptr_arg)]
    fn dump_cc_report(report: &Vec<u8>) {
        for (i, c) in report.chunks(16).enumerate() {
            println!("{:08x}  {}", i * 16, c.iter().map(|b| format!("{:02x} ", b)).collect::<String>());
        }
    }
    fn get_measurement_count() -> Result<u8> {
        Platform::default().get_measurement_count()
    }
    fn get_cc_measurement(index: u8, algo_id: u16) -> Result<TcgDigest> {
        Platform::default().get_cc_measurement(index, algo_id)
    }
    fn get_cc_eventlog(start: Option<u32>, count: Option<u32>) -> Result<Vec<EventLogEntry>> {
        Platform::default().get_cc_eventlog(start, count)
    }
    fn replay_cc_eventlog(eventlogs: Vec<EventLogEntry>) -> Result<Vec<ReplayResult>> {
        replay_events(&eventlogs)
    }
    fn get_default_algorithm() -> Result<Algorithm> {
        Platform::default().get_default_algorithm()
    }
}

// --- evidence bundles ---------------------------------------------------

/// An evidence bundle (include/cima/evidence.h): report, nonce and data,
/// cima snapshot and every log as one JSON document.  The library's copy
/// is freed on drop.
pub struct Evidence {
    h: ptr::NonNull<sys::cima_evidence>,
}

// SAFETY: a bundle is not changed after it is loaded or built; every call
// made through &Evidence only reads it.
unsafe impl Send for Evidence {}
unsafe impl Sync for Evidence {}

impl Drop for Evidence {
    fn drop(&mut self) {
        // SAFETY: ours, freed once.
        unsafe { sys::cima_evidence_free(self.h.as_ptr()) }
    }
}

impl fmt::Debug for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Evidence({})", self.platform())
    }
}

/// The verifier's expectations (see Documentation/ABI/evidence-v1.md).
#[derive(Clone, Debug, Default)]
pub struct EvidenceVerifyOptions {
    pub nonce: Option<Vec<u8>>, // required unless no_nonce
    pub no_nonce: bool,
    pub data: Option<Vec<u8>>, // None: the bundle's
    pub ak_pem_path: Option<String>,
    pub root_ca_path: Option<String>,
    pub container: Option<String>,
    pub reference_path: Option<String>,
    pub at_time: i64,
}

/// One check's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceCheck {
    pub name: String,   // "signature", "freshness", "report-data", ...
    pub status: String, // "pass", "fail", "skipped", "not run"
    pub note: String,
}

/// Every check, the first that failed, and the uncovered events.
#[derive(Clone, Debug, Default)]
pub struct EvidenceResult {
    pub failed: Option<String>,
    pub checks: Vec<EvidenceCheck>,
    pub uncovered: Vec<String>,
    /// Set when a check failed (EKEYREJECTED, the library's message).
    pub error: Option<Error>,
}

impl Evidence {
    /// Parse a bundle strictly (nothing verified yet); EBADMSG names the field.
    pub fn load(b: &[u8]) -> Result<Evidence> {
        // SAFETY: the buffer is valid for the call; libcima copies what it keeps.
        let h = unsafe { sys::cima_evidence_load(b.as_ptr() as *const c_void, b.len()) };
        ptr::NonNull::new(h).map(|h| Evidence { h }).ok_or_else(|| lib_err("Evidence::load", -errno_now()))
    }

    /// "tpm", "tdx" or "snp".
    pub fn platform(&self) -> String {
        // SAFETY: valid handle; static string or NULL.
        unsafe { cstr_to_string(sys::cima_platform_name(sys::cima_evidence_platform(self.h.as_ptr()))) }
    }

    /// The bundle's log of one source, parsed but NOT verified.
    pub fn log(&self, source: Source) -> Result<EventLog> {
        // SAFETY: valid handle; the log returned is a new handle we own.
        let h = unsafe { sys::cima_evidence_log(self.h.as_ptr(), source.raw()) };
        EventLog::wrap(&format!("Evidence::log({})", source.name()), h)
    }

    /// Verify offline in the library's named checks.  Ok with every check
    /// when all passed; Err when a check failed (see verify_detailed) or
    /// the request is bad (EINVAL: no nonce) or a file unreadable.
    pub fn verify(&self, opts: &EvidenceVerifyOptions) -> Result<EvidenceResult> {
        let r = self.verify_detailed(opts)?;
        match &r.error {
            Some(e) => Err(e.clone()),
            None => Ok(r),
        }
    }

    /// As verify, but a failed check is reported in the result.
    pub fn verify_detailed(&self, opts: &EvidenceVerifyOptions) -> Result<EvidenceResult> {
        let op = "Evidence::verify";
        let cs = |s: &Option<String>| -> Result<Option<CString>> {
            match s {
                Some(v) => Ok(Some(cstring(op, v)?)),
                None => Ok(None),
            }
        };
        let (ak, root, cont, refp) = (cs(&opts.ak_pem_path)?, cs(&opts.root_ca_path)?, cs(&opts.container)?, cs(&opts.reference_path)?);
        let p = |c: &Option<CString>| c.as_ref().map_or(ptr::null(), |c| c.as_ptr());
        let o = c_opts!(sys::cima_evidence_verify_opts {
            nonce: opts.nonce.as_ref().map_or(ptr::null(), |n| n.as_ptr()),
            nonce_len: opts.nonce.as_ref().map_or(0, |n| n.len()),
            no_nonce: opts.no_nonce,
            data: opts.data.as_ref().map_or(ptr::null(), |n| n.as_ptr()),
            data_len: opts.data.as_ref().map_or(0, |n| n.len()),
            ak_pem_path: p(&ak),
            root_ca_path: p(&root),
            container: p(&cont),
            reference_path: p(&refp),
            at_time: opts.at_time,
        });
        let mut res: *mut sys::cima_evidence_result = ptr::null_mut();
        // SAFETY: o and what it points to outlive the call; res is ours.
        let rc = unsafe { sys::cima_evidence_verify(self.h.as_ptr(), o.as_ptr(), &mut res) };
        let err = if rc < 0 { Some(lib_err(op, rc)) } else { None };
        if res.is_null() {
            return Err(err.unwrap_or_else(|| lib_err(op, -5)));
        }
        let mut out = EvidenceResult { error: err, ..Default::default() };
        // SAFETY: res is valid until freed below; strings are copied.
        unsafe {
            let f = sys::cima_evidence_result_failed(res);
            if f >= 0 {
                out.failed = Some(cstr_to_string(sys::cima_evidence_check_name(f)));
            }
            for i in 0..sys::CIMA_ECHECK_COUNT {
                let mut note: *const c_char = ptr::null();
                let st = sys::cima_evidence_result_check(res, i, &mut note);
                out.checks.push(EvidenceCheck {
                    name: cstr_to_string(sys::cima_evidence_check_name(i)),
                    status: match st {
                        sys::CIMA_ESTATUS_PASS => "pass",
                        sys::CIMA_ESTATUS_FAIL => "fail",
                        sys::CIMA_ESTATUS_SKIPPED => "skipped",
                        _ => "not run",
                    }
                    .into(),
                    note: cstr_to_string(note),
                });
            }
            for i in 0..sys::cima_evidence_result_uncovered_count(res) {
                out.uncovered.push(cstr_to_string(sys::cima_evidence_result_uncovered(res, i)));
            }
            sys::cima_evidence_result_free(res);
        }
        Ok(out)
    }
}

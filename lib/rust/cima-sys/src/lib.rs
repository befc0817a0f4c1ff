// SPDX-License-Identifier: LGPL-2.1-or-later
//! Raw declarations of libcima's C API, written by hand from
//! `include/cima/{common,eventlog,report}.h` and `evidence.h` (nodes CIMA_0.1 to
//! CIMA_0.3; `verify.h`, the vendor checks, is not declared yet).  Everything
//! here is `unsafe` to call; the `cima` crate is the safe layer.
//!
//! Ownership, as the headers state it: handles returned by `*_open`,
//! `*_parse`, `cima_get_*`, `cima_replay_*` and `cima_verify_eventlog` are
//! the caller's and are freed with the matching `*_free`; pointers returned
//! by accessors (`cima_event_digest`, `cima_report_blob`, ...) point into
//! the handle and live as long as it; `cima_report_tpm_ak_pem` returns a
//! malloc'd string the caller frees with `free()`; `cima_strerror_last` is
//! a per-thread buffer valid until the next libcima call on that thread.
#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_int, c_uint, c_void};

/// Opaque `FILE` (stdio); the safe crate does not use the dump functions.
#[repr(C)]
pub struct FILE {
    _private: [u8; 0],
}

// --- common.h ---------------------------------------------------------

pub const CIMA_ALG_SHA1: u16 = 0x0004;
pub const CIMA_ALG_SHA256: u16 = 0x000B;
pub const CIMA_ALG_SHA384: u16 = 0x000C;
pub const CIMA_ALG_SHA512: u16 = 0x000D;
pub const CIMA_ALG_SM3_256: u16 = 0x0012;
pub const CIMA_MAX_DIGEST_SIZE: usize = 64;

pub const CIMA_LOG_ERROR: c_int = 0;
pub const CIMA_LOG_WARN: c_int = 1;
pub const CIMA_LOG_INFO: c_int = 2;
pub const CIMA_LOG_DEBUG: c_int = 3;

pub type cima_log_fn =
    Option<unsafe extern "C" fn(level: c_int, msg: *const c_char, ctx: *mut c_void)>;

// --- eventlog.h -------------------------------------------------------

pub const CIMA_SOURCE_ALL: c_int = 0;
pub const CIMA_SOURCE_FIRMWARE: c_int = 1;
pub const CIMA_SOURCE_CCEL: c_int = 2;
pub const CIMA_SOURCE_IMA: c_int = 3;
pub const CIMA_SOURCE_CIMA: c_int = 4;
pub const CIMA_MAX_BANKS: usize = 8;
/// Event index of a record no register replays (a CCEL MRTD record).
pub const CIMA_IMR_NONE: u32 = u32::MAX;

#[repr(C)]
pub struct cima_eventlog {
    _private: [u8; 0],
}
#[repr(C)]
pub struct cima_event {
    _private: [u8; 0],
}
#[repr(C)]
pub struct cima_replay {
    _private: [u8; 0],
}
#[repr(C)]
pub struct cima_verify_result {
    _private: [u8; 0],
}
#[repr(C)]
pub struct cima_report {
    _private: [u8; 0],
}
#[repr(C)]
pub struct cima_evidence {
    _private: [u8; 0],
}
#[repr(C)]
pub struct cima_evidence_result {
    _private: [u8; 0],
}

#[repr(C)]
#[derive(Debug)]
pub struct cima_eventlog_opts {
    pub sz: usize,
    pub source: c_int,
    pub path: *const c_char,
    pub container: *const c_char,
    pub start: u32,
    pub count: u32,
    pub ima_alg: u16,
}

#[repr(C)]
#[derive(Debug)]
pub struct cima_replay_opts {
    pub sz: usize,
    pub banks: *const u16,
    pub nbanks: usize,
    pub container: *const c_char,
    pub ima_sha1_padded: bool,
}

#[repr(C)]
#[derive(Debug)]
pub struct cima_verify_opts {
    pub sz: usize,
    pub expected: *const cima_replay,
    pub tpm_sysfs: *const c_char,
    pub cima_register: *const c_char,
    pub no_event_check: bool,
}

// --- report.h ---------------------------------------------------------

pub const CIMA_PLATFORM_AUTO: c_int = 0;
pub const CIMA_PLATFORM_TPM: c_int = 1;
pub const CIMA_PLATFORM_TDX: c_int = 2;
pub const CIMA_PLATFORM_SNP: c_int = 3;
pub const CIMA_REPORT_INPUT_MAX: usize = 4096;
pub const CIMA_REPORT_DATA_SIZE: usize = 64;
pub const CIMA_TPM_AK_HANDLE: u32 = 0x81010002;
pub const CIMA_REPORT_TPM_QUOTE: c_int = 1;
pub const CIMA_REPORT_TDX_QUOTE: c_int = 2;
pub const CIMA_REPORT_TDX_TDREPORT: c_int = 3;
pub const CIMA_REPORT_SNP: c_int = 4;
pub const CIMA_CC_MR_MRTD: c_int = 0;
pub const CIMA_CC_MR_RTMR0: c_int = 1;
pub const CIMA_CC_MR_RTMR1: c_int = 2;
pub const CIMA_CC_MR_RTMR2: c_int = 3;
pub const CIMA_CC_MR_RTMR3: c_int = 4;
pub const CIMA_CC_MR_COUNT: c_int = 5;
pub const CIMA_TDX_TDREPORT_SIZE: usize = 1024;
pub const CIMA_SNP_REPORT_SIZE: usize = 1184;

#[repr(C)]
#[derive(Debug)]
pub struct cima_platform_opts {
    pub sz: usize,
    pub platform: c_int,
    pub tpm_tcti: *const c_char,
    pub tsm_dir: *const c_char,
    pub no_tsm: bool,
    pub root: *const c_char,
}

#[repr(C)]
#[derive(Debug)]
pub struct cima_report_opts {
    pub sz: usize,
    pub platform: *const cima_platform_opts,
    pub evidence_snapshot: bool,
    pub snapshot_path: *const c_char,
    pub pcr_alg: u16,
    pub pcr_mask: u32,
    pub ak_handle: u32,
    pub transient_ak: bool,
    pub tsm_entry: *const c_char,
    pub tsm_retries: c_uint,
}

#[repr(C)]
#[derive(Debug)]
pub struct cima_tpm_quote_check {
    pub sz: usize,
    pub attest: *const u8,
    pub attest_len: usize,
    pub signature: *const u8,
    pub signature_len: usize,
    pub ak_public: *const u8,
    pub ak_public_len: usize,
    pub qualifying_data: *const u8,
    pub qualifying_data_len: usize,
    pub pcr_values: *const u8,
    pub pcr_values_len: usize,
    pub no_qualifying_data: bool,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct cima_tdx_td_info {
    pub tee_tcb_svn: [u8; 16],
    pub mr_seam: [u8; 48],
    pub mr_signer_seam: [u8; 48],
    pub seam_attributes: [u8; 8],
    pub td_attributes: [u8; 8],
    pub xfam: [u8; 8],
    pub mr_td: [u8; 48],
    pub mr_config_id: [u8; 48],
    pub mr_owner: [u8; 48],
    pub mr_owner_config: [u8; 48],
    pub rtmr: [[u8; 48]; 4],
    pub report_data: [u8; 64],
    pub has_tdx15: bool,
    pub tee_tcb_svn2: [u8; 16],
    pub mr_servicetd: [u8; 48],
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct cima_tdx_quote {
    pub version: u16,
    pub att_key_type: u16,
    pub tee_type: u32,
    pub qe_svn: u16,
    pub pce_svn: u16,
    pub qe_vendor_id: [u8; 16],
    pub user_data: [u8; 20],
    pub body_type: u16,
    pub body: cima_tdx_td_info,
    pub signed_len: usize,
    pub sig_data_len: u32,
    pub total_len: usize,
    pub sig_data: *const u8,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct cima_tdx_tdreport {
    pub report_type: [u8; 4],
    pub cpu_svn: [u8; 16],
    pub tee_tcb_info_hash: [u8; 48],
    pub tee_info_hash: [u8; 48],
    pub mac: [u8; 32],
    pub tee_tcb_valid: [u8; 8],
    pub body: cima_tdx_td_info,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct cima_snp_report {
    pub version: u32,
    pub guest_svn: u32,
    pub policy: u64,
    pub family_id: [u8; 16],
    pub image_id: [u8; 16],
    pub vmpl: u32,
    pub signature_algo: u32,
    pub current_tcb: u64,
    pub platform_info: u64,
    pub signer_info: u32,
    pub report_data: [u8; 64],
    pub measurement: [u8; 48],
    pub host_data: [u8; 32],
    pub id_key_digest: [u8; 48],
    pub author_key_digest: [u8; 48],
    pub report_id: [u8; 32],
    pub report_id_ma: [u8; 32],
    pub reported_tcb: u64,
    pub cpuid_fam_id: u8,
    pub cpuid_mod_id: u8,
    pub cpuid_step: u8,
    pub chip_id: [u8; 64],
    pub committed_tcb: u64,
    pub current_build: u8,
    pub current_minor: u8,
    pub current_major: u8,
    pub committed_build: u8,
    pub committed_minor: u8,
    pub committed_major: u8,
    pub launch_tcb: u64,
    pub signature_r: [u8; 72],
    pub signature_s: [u8; 72],
}

extern "C" {
    // common.h
    pub fn cima_alg_digest_size(alg: u16) -> usize;
    pub fn cima_alg_name(alg: u16) -> *const c_char;
    pub fn cima_alg_from_name(name: *const c_char) -> c_int;
    pub fn cima_set_log_fn(f: cima_log_fn, ctx: *mut c_void);
    pub fn cima_strerror_last() -> *const c_char;
    pub fn cima_version() -> *const c_char;

    // eventlog.h
    pub fn cima_source_name(source: c_int) -> *const c_char;
    pub fn cima_source_from_name(name: *const c_char) -> c_int;
    pub fn cima_eventlog_open(opts: *const cima_eventlog_opts) -> *mut cima_eventlog;
    pub fn cima_get_cc_eventlog(start: u32, count: u32) -> *mut cima_eventlog;
    pub fn cima_eventlog_parse(buf: *const c_void, len: usize, source: c_int) -> *mut cima_eventlog;
    pub fn cima_eventlog_append(log: *mut cima_eventlog, other: *mut cima_eventlog) -> c_int;
    pub fn cima_eventlog_free(log: *mut cima_eventlog);
    pub fn cima_eventlog_count(log: *const cima_eventlog) -> usize;
    pub fn cima_eventlog_event(log: *const cima_eventlog, i: usize) -> *const cima_event;
    pub fn cima_eventlog_banks(log: *const cima_eventlog, algs: *mut u16, max: usize) -> c_int;
    pub fn cima_eventlog_is_cc(log: *const cima_eventlog) -> bool;
    pub fn cima_eventlog_startup_locality(log: *const cima_eventlog) -> c_int;
    pub fn cima_event_source(ev: *const cima_event) -> c_int;
    pub fn cima_event_index(ev: *const cima_event) -> u32;
    pub fn cima_event_log_index(ev: *const cima_event) -> u32;
    pub fn cima_event_type(ev: *const cima_event) -> u32;
    pub fn cima_event_type_name(t: u32) -> *const c_char;
    pub fn cima_event_number(ev: *const cima_event) -> usize;
    pub fn cima_event_offset(ev: *const cima_event) -> usize;
    pub fn cima_event_digest_count(ev: *const cima_event) -> usize;
    pub fn cima_event_digest(ev: *const cima_event, i: usize, alg: *mut u16, len: *mut usize) -> *const u8;
    pub fn cima_event_digest_by_alg(ev: *const cima_event, alg: u16, len: *mut usize) -> *const u8;
    pub fn cima_event_data(ev: *const cima_event, len: *mut usize) -> *const u8;
    pub fn cima_event_ima_template(ev: *const cima_event) -> *const c_char;
    pub fn cima_event_is_violation(ev: *const cima_event) -> bool;
    pub fn cima_event_is_measured(ev: *const cima_event) -> bool;
    pub fn cima_event_check(ev: *const cima_event) -> c_int;
    pub fn cima_replay_cc_eventlog(log: *const cima_eventlog) -> *mut cima_replay;
    pub fn cima_replay_eventlog(log: *const cima_eventlog, opts: *const cima_replay_opts) -> *mut cima_replay;
    pub fn cima_replay_new() -> *mut cima_replay;
    pub fn cima_replay_set(r: *mut cima_replay, index: u32, alg: u16, value: *const u8, len: usize) -> c_int;
    pub fn cima_replay_free(r: *mut cima_replay);
    pub fn cima_replay_count(r: *const cima_replay) -> usize;
    pub fn cima_replay_entry(
        r: *const cima_replay,
        i: usize,
        index: *mut u32,
        alg: *mut u16,
        value: *mut *const u8,
        len: *mut usize,
    ) -> c_int;
    pub fn cima_replay_value(r: *const cima_replay, index: u32, alg: u16, len: *mut usize) -> *const u8;
    pub fn cima_replay_ima_padded(r: *const cima_replay, algs: *mut u16, max: usize) -> c_int;
    pub fn cima_replay_dump(r: *const cima_replay, out: *mut FILE) -> c_int;
    pub fn cima_replay_dump_json(r: *const cima_replay, out: *mut FILE) -> c_int;
    pub fn cima_verify_eventlog(
        log: *const cima_eventlog,
        opts: *const cima_verify_opts,
        res: *mut *mut cima_verify_result,
    ) -> c_int;
    pub fn cima_verify_result_free(res: *mut cima_verify_result);
    pub fn cima_verify_compared(res: *const cima_verify_result) -> usize;
    pub fn cima_verify_mismatches(res: *const cima_verify_result) -> usize;
    pub fn cima_verify_unavailable(res: *const cima_verify_result) -> usize;
    pub fn cima_verify_mismatch(
        res: *const cima_verify_result,
        i: usize,
        index: *mut u32,
        alg: *mut u16,
        replayed: *mut *const u8,
        expected: *mut *const u8,
        len: *mut usize,
    ) -> c_int;
    pub fn cima_verify_bad_events(res: *const cima_verify_result) -> usize;
    pub fn cima_verify_bad_event(res: *const cima_verify_result, i: usize) -> *const c_char;
    pub fn cima_verify_sha1_strength(res: *const cima_verify_result, algs: *mut u16, max: usize) -> c_int;
    pub fn cima_verify_dump(res: *const cima_verify_result, out: *mut FILE) -> c_int;
    pub fn cima_read_tpm_pcr(tpm_sysfs: *const c_char, index: u32, alg: u16, out: *mut u8, max: usize) -> c_int;
    pub fn cima_eventlog_dump(log: *const cima_eventlog, out: *mut FILE) -> c_int;
    pub fn cima_event_dump(ev: *const cima_event, out: *mut FILE) -> c_int;
    pub fn cima_eventlog_dump_json(log: *const cima_eventlog, out: *mut FILE) -> c_int;
    pub fn cima_eventlog_dump_cel_json(log: *const cima_eventlog, out: *mut FILE) -> c_int;
    pub fn cima_container_list(ids: *mut *mut *mut c_char) -> c_int;
    pub fn cima_container_ids_free(ids: *mut *mut c_char);
    pub fn cima_container_eventlog(id: *const c_char) -> *mut cima_eventlog;
    pub fn cima_container_register(id: *const c_char) -> *mut cima_replay;
    pub fn cima_container_find(fsroot: *const c_char, cgroup: *const c_char, id: *mut *mut c_char) -> c_int;

    // report.h
    pub fn cima_platform_name(platform: c_int) -> *const c_char;
    pub fn cima_platform_from_name(name: *const c_char) -> c_int;
    pub fn cima_detect_platform(opts: *const cima_platform_opts) -> c_int;
    pub fn cima_get_default_algorithm(opts: *const cima_platform_opts) -> c_int;
    pub fn cima_get_measurement_count(opts: *const cima_platform_opts) -> c_int;
    pub fn cima_get_algorithms(algs: *mut u16, max: usize, opts: *const cima_platform_opts) -> c_int;
    pub fn cima_get_cc_measurement(index: c_int, alg: u16, digest: *mut u8, opts: *const cima_platform_opts) -> c_int;
    pub fn cima_cc_mr_to_imr(mr: c_int) -> c_int;
    pub fn cima_imr_to_cc_mr(imr: c_int) -> c_int;
    pub fn cima_get_cc_mr(mr: c_int, alg: u16, digest: *mut u8, opts: *const cima_platform_opts) -> c_int;
    pub fn cima_report_data(
        nonce: *const c_void,
        nonce_len: usize,
        data: *const c_void,
        data_len: usize,
        out: *mut u8,
    ) -> c_int;
    pub fn cima_get_cc_report(
        nonce: *const c_void,
        nonce_len: usize,
        data: *const c_void,
        data_len: usize,
        opts: *const cima_report_opts,
    ) -> *mut cima_report;
    pub fn cima_report_free(r: *mut cima_report);
    pub fn cima_report_kind(r: *const cima_report) -> c_int;
    pub fn cima_report_kind_name(kind: c_int) -> *const c_char;
    pub fn cima_report_report_data(r: *const cima_report) -> *const u8;
    pub fn cima_report_blob(r: *const cima_report, len: *mut usize) -> *const u8;
    pub fn cima_report_aux(r: *const cima_report, len: *mut usize) -> *const u8;
    pub fn cima_report_source(r: *const cima_report) -> *const c_char;
    pub fn cima_report_snapshot(
        r: *const cima_report,
        count: *mut u64,
        algs: *mut u16,
        values: *mut *const u8,
        max_banks: usize,
    ) -> c_int;
    pub fn cima_report_tpm_signature(r: *const cima_report, len: *mut usize) -> *const u8;
    pub fn cima_report_tpm_ak_public(r: *const cima_report, len: *mut usize) -> *const u8;
    pub fn cima_report_tpm_pcr_values(
        r: *const cima_report,
        len: *mut usize,
        alg: *mut u16,
        mask: *mut u32,
    ) -> *const u8;
    pub fn cima_report_tpm_ak_pem(r: *const cima_report) -> *mut c_char;
    pub fn cima_report_dump(r: *const cima_report, out: *mut FILE) -> c_int;
    pub fn cima_report_dump_json(r: *const cima_report, out: *mut FILE) -> c_int;
    pub fn cima_tpm_quote_verify(chk: *const cima_tpm_quote_check) -> c_int;
    pub fn cima_report_verify(r: *const cima_report, report_data: *const u8) -> c_int;
    pub fn cima_tdx_quote_parse(buf: *const c_void, len: usize, out: *mut cima_tdx_quote) -> c_int;
    pub fn cima_tdx_quote_check_signature(buf: *const c_void, len: usize) -> c_int;
    pub fn cima_tdx_tdreport_parse(buf: *const c_void, len: usize, out: *mut cima_tdx_tdreport) -> c_int;
    pub fn cima_snp_report_parse(buf: *const c_void, len: usize, out: *mut cima_snp_report) -> c_int;
    pub fn cima_tdx_quote_dump(q: *const cima_tdx_quote, out: *mut FILE) -> c_int;
    pub fn cima_tdx_tdreport_dump(t: *const cima_tdx_tdreport, out: *mut FILE) -> c_int;
    pub fn cima_snp_report_dump(s: *const cima_snp_report, out: *mut FILE) -> c_int;
}

// --- evidence.h -------------------------------------------------------

pub const CIMA_EVIDENCE_VERSION: c_int = 1;
pub const CIMA_ECHECK_COUNT: c_int = 9;
pub const CIMA_ESTATUS_NOT_RUN: c_int = 0;
pub const CIMA_ESTATUS_PASS: c_int = 1;
pub const CIMA_ESTATUS_FAIL: c_int = 2;
pub const CIMA_ESTATUS_SKIPPED: c_int = 3;

#[repr(C)]
#[derive(Debug)]
pub struct cima_evidence_opts {
    pub sz: usize,
    pub report: *const cima_report_opts,
    pub container: *const c_char,
    pub ak_cert_path: *const c_char,
    pub cima_root: *const c_char,
    pub no_firmware_log: bool,
    pub no_ima_log: bool,
}

#[repr(C)]
#[derive(Debug)]
pub struct cima_evidence_verify_opts {
    pub sz: usize,
    pub nonce: *const u8,
    pub nonce_len: usize,
    pub no_nonce: bool,
    pub data: *const u8,
    pub data_len: usize,
    pub ak_pem_path: *const c_char,
    pub root_ca_path: *const c_char,
    pub container: *const c_char,
    pub reference_path: *const c_char,
    pub at_time: i64, // time_t (x86_64, aarch64)
}

extern "C" {
    pub fn cima_evidence_report_data(
        nonce: *const c_void,
        nonce_len: usize,
        data: *const c_void,
        data_len: usize,
        count: u64,
        algs: *const u16,
        values: *const *const u8,
        nbanks: usize,
        out: *mut u8,
    ) -> c_int;
    pub fn cima_evidence_build(
        nonce: *const c_void,
        nonce_len: usize,
        data: *const c_void,
        data_len: usize,
        opts: *const cima_evidence_opts,
    ) -> *mut cima_evidence;
    pub fn cima_evidence_free(ev: *mut cima_evidence);
    pub fn cima_evidence_save(ev: *const cima_evidence, out: *mut FILE) -> c_int;
    pub fn cima_evidence_save_file(ev: *const cima_evidence, path: *const c_char) -> c_int;
    pub fn cima_evidence_load(buf: *const c_void, len: usize) -> *mut cima_evidence;
    pub fn cima_evidence_load_file(path: *const c_char) -> *mut cima_evidence;
    pub fn cima_evidence_platform(ev: *const cima_evidence) -> c_int;
    pub fn cima_evidence_container(ev: *const cima_evidence) -> *const c_char;
    pub fn cima_evidence_snapshot_count(ev: *const cima_evidence, count: *mut u64) -> c_int;
    pub fn cima_evidence_log(ev: *const cima_evidence, source: c_int) -> *mut cima_eventlog;
    pub fn cima_evidence_check_name(check: c_int) -> *const c_char;
    pub fn cima_evidence_verify(
        ev: *const cima_evidence,
        opts: *const cima_evidence_verify_opts,
        res: *mut *mut cima_evidence_result,
    ) -> c_int;
    pub fn cima_evidence_result_free(res: *mut cima_evidence_result);
    pub fn cima_evidence_result_failed(res: *const cima_evidence_result) -> c_int;
    pub fn cima_evidence_result_check(res: *const cima_evidence_result, check: c_int, note: *mut *const c_char) -> c_int;
    pub fn cima_evidence_result_events(res: *const cima_evidence_result) -> *const cima_eventlog;
    pub fn cima_evidence_result_uncovered_count(res: *const cima_evidence_result) -> usize;
    pub fn cima_evidence_result_uncovered(res: *const cima_evidence_result, i: usize) -> *const c_char;
    pub fn cima_evidence_result_dump_json(res: *const cima_evidence_result, out: *mut FILE) -> c_int;
    pub fn cima_reference_from_log(
        log: *const cima_eventlog,
        count: usize,
        container: *const c_char,
        any_container: bool,
        out: *mut FILE,
    ) -> c_int;
}

/// The few libcrypto (OpenSSL 3) calls the safe crate uses to replay a list
/// of events that is not one whole log (libcima already links libcrypto).
pub mod crypto {
    use std::os::raw::{c_char, c_int, c_uint, c_void};

    #[repr(C)]
    pub struct EVP_MD {
        _private: [u8; 0],
    }

    extern "C" {
        pub fn EVP_get_digestbyname(name: *const c_char) -> *const EVP_MD;
        pub fn EVP_Digest(
            data: *const c_void,
            count: usize,
            md: *mut u8,
            size: *mut c_uint,
            type_: *const EVP_MD,
            engine: *mut c_void,
        ) -> c_int;
    }
}

// SPDX-License-Identifier: LGPL-2.1-or-later
// Print the size and alignment of every struct cima-sys declares, in the
// format tests/test_rust.sh prints them from the C headers: a difference
// is a transcription error.
use cima_sys::*;
use std::mem::{align_of, size_of};

macro_rules! show {
    ($($t:ident),*) => { $(println!("{} {} {}", stringify!($t), size_of::<$t>(), align_of::<$t>());)* };
}

fn main() {
    show!(cima_eventlog_opts, cima_replay_opts, cima_verify_opts, cima_platform_opts,
          cima_report_opts, cima_tpm_quote_check, cima_tdx_td_info, cima_tdx_quote,
          cima_tdx_tdreport, cima_snp_report, cima_evidence_opts, cima_evidence_verify_opts);
}

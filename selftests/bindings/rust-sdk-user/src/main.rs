// SPDX-License-Identifier: LGPL-2.1-or-later
// A program written as a user of the evidence SDK would write it, over
// lib/rust (crate cima).  selftests/bindings/test_bindings.sh runs it in the
// test VM and compares what it prints with the cima tool; the commands are
// those of go-sdk-user (info, measure, measure1, report, replay).
use cima::{EvidenceApi, ExtraArgs, API};
use std::process::exit;

fn die(msg: String) -> ! {
    eprintln!("rust-sdk-user: {}", msg);
    exit(1)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cmd = args.get(1).map(String::as_str).unwrap_or("");
    match cmd {
        "info" => {
            let alg = API::get_default_algorithm().unwrap_or_else(|e| die(e.to_string()));
            let count = API::get_measurement_count().unwrap_or_else(|e| die(e.to_string()));
            println!("{} {}", cima::alg_name(alg.algo_id).unwrap_or_default(), count);
        }
        "measure" | "measure1" => {
            let (first, last, name) = if cmd == "measure1" {
                let i: u8 = args[2].parse().unwrap_or_else(|_| die(format!("bad index {}", args[2])));
                (i, Some(i), &args[3])
            } else {
                (0, None, &args[2])
            };
            let alg = cima::alg_from_name(name).unwrap_or_else(|e| die(e.to_string()));
            let last = match last {
                Some(l) => l,
                None => API::get_measurement_count().unwrap_or_else(|e| die(e.to_string())) - 1,
            };
            for i in first..=last {
                let m = API::get_cc_measurement(i, alg).unwrap_or_else(|e| die(e.to_string()));
                println!("{} {} {}", i, cima::alg_name(m.algo_id).unwrap_or_default(), cima::hex(&m.get_hash()));
            }
        }
        "report" => {
            let report = API::get_cc_report(Some(args[2].clone()), Some(args[3].clone()), ExtraArgs {})
                .unwrap_or_else(|e| die(e.to_string()));
            let dir = std::path::Path::new(&args[4]);
            let tpm = report.tpm.clone().unwrap_or_else(|| die(format!("not a TPM quote: {}", report.kind_name)));
            let files: [(&str, &[u8]); 6] = [
                ("qualification", &report.report_data),
                ("message", &report.cc_report),
                ("signature", &tpm.signature),
                ("akpub", &tpm.ak_public),
                ("pcrs.values", &tpm.pcr_values),
                ("ak.pem", tpm.ak_pem.as_bytes()),
            ];
            for (n, b) in files {
                std::fs::write(dir.join(n), b).unwrap_or_else(|e| die(format!("{}: {}", n, e)));
            }
            report.verify().unwrap_or_else(|e| die(e.to_string()));
            println!("{} {} {}", report.kind_name, cima::alg_name(tpm.pcr_alg).unwrap_or_default(), report.imrs.len());
        }
        "replay" => {
            let events = API::get_cc_eventlog(None, None).unwrap_or_else(|e| die(e.to_string()));
            let replay = API::replay_cc_eventlog(events).unwrap_or_else(|e| die(e.to_string()));
            for r in replay {
                let mut d = r.digests.clone();
                d.sort_by_key(|x| x.algo_id);
                for x in d {
                    println!("{} {} {}", r.imr_index, cima::alg_name(x.algo_id).unwrap_or_default(), cima::hex(&x.hash));
                }
            }
        }
        _ => die("usage: rust-sdk-user info|measure|measure1|report|replay".into()),
    }
}

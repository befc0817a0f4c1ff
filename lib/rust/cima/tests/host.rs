// SPDX-License-Identifier: LGPL-2.1-or-later
// Host tests of the Rust binding: captured logs (tests/data/vm-*, and the
// published logs under $CIMA_TESTDATA) replay to values that came from
// elsewhere (tpm2_pcrread in the same boot; the publishing projects'
// expected.json, flattened to text by tests/test_rust.sh into
// $CIMA_RUST_EXPECTED); bad input gives Err(cima::Error) with libcima's
// text.  Run under valgrind by tests/test_rust.sh.
use cima::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

type Values = BTreeMap<(u32, u16), Vec<u8>>;

fn top() -> PathBuf {
    match std::env::var("CIMA_TOP") {
        Ok(t) => PathBuf::from(t),
        Err(_) => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.."),
    }
}

fn testdata() -> PathBuf {
    match std::env::var("CIMA_TESTDATA") {
        Ok(t) => PathBuf::from(t),
        Err(_) => top().join("../shared/testdata"),
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn alg(name: &str) -> Option<u16> {
    match name {
        "sha1" => Some(TPM_ALG_SHA1),
        "sha256" => Some(TPM_ALG_SHA256),
        "sha384" => Some(TPM_ALG_SHA384),
        "sha512" => Some(TPM_ALG_SHA512),
        _ => None,
    }
}

fn vm_dirs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(top().join("tests/data"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("vm-"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no tests/data/vm-*");
    v
}

fn read_pcrs(p: &Path) -> Values {
    let mut v = Values::new();
    for line in std::fs::read_to_string(p).unwrap().lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() == 3 {
            if let (Ok(i), Some(a)) = (w[0].parse::<u32>(), alg(w[1])) {
                v.insert((i, a), unhex(w[2]));
            }
        }
    }
    v
}

fn flat(r: &[ReplayResult]) -> Values {
    let mut v = Values::new();
    for x in r {
        for d in &x.digests {
            v.insert((x.imr_index, d.algo_id), d.hash.clone());
        }
    }
    v
}

fn to_results(v: &Values) -> Vec<ReplayResult> {
    let mut out: Vec<ReplayResult> = Vec::new();
    for ((i, a), h) in v {
        match out.last_mut() {
            Some(l) if l.imr_index == *i => l.digests.push(TcgDigest { algo_id: *a, hash: h.clone() }),
            _ => out.push(ReplayResult { imr_index: *i, digests: vec![TcgDigest { algo_id: *a, hash: h.clone() }] }),
        }
    }
    out
}

fn compare(what: &str, got: &Values, want: &Values, need: usize) {
    let mut n = 0;
    for (k, v) in got {
        let w = want.get(k).unwrap_or_else(|| panic!("{}: {:?} replayed but not expected", what, k));
        assert_eq!(hex(v), hex(w), "{}: {:?}", what, k);
        n += 1;
    }
    assert!(n >= need, "{}: only {} values compared", what, n);
}

#[test]
fn vm_logs_replay_to_tpm() {
    for d in vm_dirs() {
        let pcrs = read_pcrs(&d.join("pcrs.txt"));
        for (src, source, need) in [("firmware", Source::Firmware, 8), ("cima", Source::Cima, 2)] {
            let what = format!("{} {}", d.display(), src);
            let data = std::fs::read(d.join(format!("{}.bin", src))).unwrap();
            let log = EventLog::parse(&data, source).unwrap();
            let ev = log.events();
            // The SDK call: a whole log goes through libcima.
            compare(&what, &flat(&API::replay_cc_eventlog(ev.clone()).unwrap()), &pcrs, need);
            // Without the header, the list is replayed by the binding.
            assert_eq!(ev[0].event_type(), EV_NO_ACTION, "{}", what);
            compare(&format!("{} (slice)", what), &flat(&replay_events(&ev[1..]).unwrap()), &pcrs, need);
            let half = flat(&replay_events(&ev[..ev.len() / 2]).unwrap());
            assert!(half.iter().any(|(k, v)| pcrs.get(k) != Some(v)), "{}: half a log replays the same", what);
            // Verify against the TPM's values, then with one value changed.
            let res = log.verify(&VerifyOptions { expected: Some(to_results(&pcrs)), ..Default::default() }).unwrap();
            assert!(res.compared >= need && res.mismatches.is_empty(), "{}: {:?}", what, res);
            let idx = ev.last().unwrap().imr_index();
            let mut bad = pcrs.clone();
            bad.get_mut(&(idx, TPM_ALG_SHA256)).unwrap()[0] ^= 1;
            let opts = VerifyOptions { expected: Some(to_results(&bad)), ..Default::default() };
            let err = log.verify(&opts).unwrap_err();
            assert_eq!(err.errno(), EBADMSG, "{}: {}", what, err);
            assert!(err.message().contains(&idx.to_string()), "{}: {}", what, err);
            let det = log.verify_detailed(&opts).unwrap();
            assert!(det.error.is_some() && det.mismatches.iter().any(|m| m.index == idx), "{}: {:?}", what, det);
        }
    }
}

#[test]
fn cima_events_check_and_types() {
    for d in vm_dirs() {
        let log = EventLog::parse(&std::fs::read(d.join("cima.bin")).unwrap(), Source::Cima).unwrap();
        let mut kinds = std::collections::BTreeSet::new();
        for e in &log.events()[1..] {
            assert!(e.event().starts_with(b"cima/1 ") && e.event_type() == EV_ACTION, "{:?}", e);
            assert_eq!(e.info().source, "cima");
            let s = String::from_utf8_lossy(e.event()).to_string();
            kinds.insert(s.split_whitespace().nth(1).unwrap().to_string());
            e.check().unwrap();
        }
        assert!(kinds.contains("start") && kinds.contains("exec"), "{:?}", kinds);
        // The firmware log's first event is the Spec ID header.
        let fw = EventLog::parse(&std::fs::read(d.join("firmware.bin")).unwrap(), Source::Firmware).unwrap();
        assert!(matches!(fw.events()[0], EventLogEntry::TcgPcClientImrEvent(_)));
        assert_eq!(fw.banks(), vec![TPM_ALG_SHA256, TPM_ALG_SHA384]);
    }
}

#[test]
fn published_logs() {
    let exp = std::env::var("CIMA_RUST_EXPECTED").expect("CIMA_RUST_EXPECTED (set by tests/test_rust.sh)");
    let mut want: BTreeMap<String, (String, Values, Option<usize>)> = BTreeMap::new();
    for line in std::fs::read_to_string(exp).unwrap().lines() {
        // "<file> <source> <index> <alg> <hex>" or "<file> <source> records <n>"
        let w: Vec<&str> = line.split_whitespace().collect();
        let ent = want.entry(w[0].to_string()).or_insert((w[1].to_string(), Values::new(), None));
        if w[2] == "records" {
            ent.2 = Some(w[3].parse().unwrap());
        } else {
            ent.1.insert((w[2].parse().unwrap(), alg(w[3]).unwrap()), unhex(w[4]));
        }
    }
    assert!(want.len() >= 7, "expected values for {} logs only", want.len());
    for (file, (src, vals, records)) in &want {
        let log = EventLog::parse(&std::fs::read(testdata().join(file)).unwrap(), Source::from_name(src).unwrap())
            .unwrap_or_else(|e| panic!("{}: {}", file, e));
        if let Some(n) = records {
            assert_eq!(log.len(), *n, "{}", file);
        }
        let got = flat(&log.replay(&ReplayOptions::default()).unwrap());
        assert!(vals.len() >= 3, "{}", file);
        for (k, w) in vals {
            let g = got.get(k).cloned().unwrap_or_else(|| {
                // A register never extended is still zero.
                assert!(w.iter().all(|&b| b == 0), "{}: {:?} not replayed", file, k);
                w.clone()
            });
            assert_eq!(hex(&g), hex(w), "{}: {:?}", file, k);
        }
    }
}

#[test]
fn tdx_quote_matches_ccel_replay_and_snp() {
    let td = testdata();
    let q = parse_evidence(&std::fs::read(td.join("go-tdx-guest/cos-113-tdx-quote.dat")).unwrap()).unwrap();
    assert_eq!(q.cc_type, TeeType::TDX);
    assert_eq!(q.cc_report.len(), 4935);
    assert!(hex(q.mrtd.as_ref().unwrap()).starts_with("dae67181"));
    let log = EventLog::parse(&std::fs::read(td.join("go-eventlog/cos-113-intel-tdx.bin")).unwrap(), Source::Ccel).unwrap();
    assert!(log.is_cc());
    let rep = flat(&API::replay_cc_eventlog(log.events()).unwrap());
    assert_eq!(q.imrs.len(), 4);
    for r in &q.imrs {
        let v = rep.get(&(r.imr_index, TPM_ALG_SHA384)).cloned().unwrap_or_else(|| vec![0; 48]);
        assert_eq!(hex(&v), hex(&r.digests[0].hash), "RTMR{}", r.imr_index);
    }
    let s = parse_evidence(&std::fs::read(td.join("go-sev-guest/attestation.bin")).unwrap()).unwrap();
    assert_eq!(s.cc_type, TeeType::SEV);
    assert_eq!(
        hex(&s.imrs[0].digests[0].hash),
        "b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01"
    );
    assert_eq!(s.verify().unwrap_err().errno(), EOPNOTSUPP);
}

fn want_err<T: std::fmt::Debug>(what: &str, r: Result<T>, errno: i32, parts: &[&str]) {
    let e = r.expect_err(what);
    if errno != 0 {
        assert_eq!(e.errno(), errno, "{}: {}", what, e);
    }
    for p in parts {
        assert!(e.to_string().contains(p), "{}: {:?} lacks {:?}", what, e.to_string(), p);
    }
}

#[test]
fn errors_carry_library_text() {
    let td = testdata();
    let bogus = std::fs::read(td.join("keylime/binary_bios_measurements-bogus")).unwrap();
    want_err("bogus log", EventLog::parse(&bogus, Source::Firmware), EBADMSG, &["EventLog::parse(firmware)", "offset", "overruns"]);
    let fw = std::fs::read(vm_dirs()[0].join("firmware.bin")).unwrap();
    want_err("truncated", EventLog::parse(&fw[..100], Source::Firmware), EBADMSG, &["offset"]);
    want_err("source all", EventLog::parse(&fw, Source::All), EINVAL, &[]);
    want_err("unknown source", Source::from_name("nope"), EINVAL, &[]);
    want_err("missing file", EventLog::open(Some("/nonexistent/log"), Source::Ima), ENOENT, &["/nonexistent/log"]);
    want_err("NUL in path", EventLog::open(Some("a\0b"), Source::Ima), EINVAL, &["NUL"]);
    want_err("unknown alg", alg_from_name("md5"), EINVAL, &["md5"]);
    want_err("bad evidence", parse_evidence(b"not a quote"), 0, &["parse_evidence"]);
    want_err("bad nonce", API::get_cc_report(Some("not base64!".into()), None, ExtraArgs {}), EINVAL, &["nonce", "base64"]);
    want_err("whitespace", decode_base64("data", "YWJj\n"), EINVAL, &["data"]);
    want_err("stray bits", decode_base64("data", "YWJjZA=="[..7].to_string().as_str()), EINVAL, &[]);
    want_err("stray bits 2", decode_base64("data", "YR=="), EINVAL, &["non-zero bits"]);
    assert_eq!(decode_base64("d", "YWJjZA==").unwrap(), b"abcd");
    assert_eq!(decode_base64("d", "").unwrap(), b"");
    want_err("oversize nonce", Platform::default().get_cc_report_raw(&[0u8; 5000], &[], &ReportOptions::default()), E2BIG, &[]);
    want_err(
        "unknown platform",
        Platform { platform: Some("vax".into()), ..Default::default() }.get_measurement_count(),
        EINVAL,
        &[],
    );
    let log = EventLog::parse(&fw, Source::Firmware).unwrap();
    want_err("unknown bank", log.replay(&ReplayOptions { banks: vec![0x99], ..Default::default() }), 0, &["replay"]);
    want_err("garbage quote", verify_tpm_quote(&[1, 2, 3], &[1], &[1], Some(&[0u8; 64]), None), EBADMSG, &["verify_tpm_quote"]);
}

#[test]
fn threads_share_logs() {
    let fw = std::fs::read(vm_dirs()[0].join("firmware.bin")).unwrap();
    let log = EventLog::parse(&fw, Source::Firmware).unwrap();
    let want = flat(&log.replay(&ReplayOptions::default()).unwrap());
    let ev = log.events();
    drop(log);
    let hs: Vec<_> = (0..4)
        .map(|_| {
            let ev = ev.clone();
            let fw = fw.clone();
            let want = want.clone();
            std::thread::spawn(move || {
                for _ in 0..10 {
                    assert_eq!(flat(&API::replay_cc_eventlog(ev.clone()).unwrap()), want);
                    let e = EventLog::parse(&fw[..64], Source::Firmware).unwrap_err();
                    assert!(e.message().contains("offset"), "{}", e);
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
}

#[test]
fn evidence_bundle() {
    let d = top().join("tests/data/evidence/vm-6.12");
    let raw = std::fs::read(d.join("bundle.json")).unwrap();
    let nonce = decode_base64("nonce", std::fs::read_to_string(d.join("nonce")).unwrap().trim()).unwrap();
    let ev = Evidence::load(&raw).unwrap();
    assert_eq!(ev.platform(), "tpm");
    let ak = Some(d.join("ak.pem").to_string_lossy().into_owned());
    let r = ev.verify(&EvidenceVerifyOptions { nonce: Some(nonce.clone()), ak_pem_path: ak.clone(), ..Default::default() }).unwrap();
    assert!(r.failed.is_none() && r.checks.len() == 9 && r.checks[0].status == "pass", "{:?}", r);
    let mut stale = nonce.clone();
    stale[0] ^= 1;
    let opts = EvidenceVerifyOptions { nonce: Some(stale), ak_pem_path: ak, ..Default::default() };
    let e = ev.verify(&opts).unwrap_err();
    assert!(e.op() == "Evidence::verify" && !e.message().is_empty(), "{}", e);
    assert_eq!(ev.verify_detailed(&opts).unwrap().failed.as_deref(), Some("freshness"));
    assert_eq!(ev.verify(&EvidenceVerifyOptions::default()).unwrap_err().errno(), EINVAL);
    let fw = ev.log(Source::Firmware).unwrap();
    assert!(fw.len() > 10);
    let s = String::from_utf8(raw).unwrap().replacen("\"platform\"", "\"platfrom\"", 1);
    let e = Evidence::load(s.as_bytes()).unwrap_err();
    assert_eq!(e.errno(), EBADMSG, "{}", e);
    assert_eq!(Evidence::load(b"{").unwrap_err().errno(), EBADMSG);
}

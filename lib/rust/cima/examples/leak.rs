// SPDX-License-Identifier: LGPL-2.1-or-later
// Negative control for tests/test_rust.sh: leaks a parsed log on purpose
// (std::mem::forget), so valgrind must report a definite leak; a harness
// that does not is not checking anything.
fn main() {
    let path = std::env::args().nth(1).expect("usage: leak LOG");
    let data = std::fs::read(path).expect("read");
    let log = cima::EventLog::parse(&data, cima::Source::Firmware).expect("parse");
    std::mem::forget(log);
}

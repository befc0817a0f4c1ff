#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Host tests of the Rust binding (lib/rust: crates cima-sys and cima), TAP:
# it builds offline with Debian's rustc and cargo (pinned by path) and no
# crate from any registry; the hand-written cima-sys structs have the C
# headers' sizes; the crate's tests (lib/rust/cima/tests/host.rs: captured
# and published logs replay to their expected values, errors carry
# libcima's text) pass under valgrind (memcheck, no definite leak, no
# error), and valgrind does report a leak made on purpose.
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
export CIMA_TOP="$top" O
export CIMA_TESTDATA="${CIMA_TESTDATA:-$top/../shared/testdata}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
quote() { sed 's/^/# /' "$1"; }
res() { if [ "$1" = 0 ]; then ok "$2"; else nok "$2"; [ -n "${3:-}" ] && quote "$3"; fi; }

if [ ! -x /usr/bin/cargo ] || [ ! -x /usr/bin/rustc ]; then
	echo "1..0 # SKIP /usr/bin/cargo or /usr/bin/rustc missing (make deps installs them)"
	exit 0
fi
# Debian's toolchain, whatever else is on PATH (rustup's cargo would pick
# its own rustc); nothing from ~/.cargo.
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc CARGO_HOME="$O/rust/cargo-home"
export CIMA_LIBDIR="$O" LD_LIBRARY_PATH="$O${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CARGO_TARGET_DIR="$O/rust/target"
unset RUSTUP_TOOLCHAIN
cargo() { /usr/bin/cargo "$@"; }

/usr/bin/rustc --version | grep -q '^rustc 1\.63\.'
res $? "Debian's rustc 1.63 is the compiler (/usr/bin/rustc)"

cd "$top/lib/rust" || exit 1
cargo build --offline --all-targets > "$tmp/build" 2>&1
res $? "cima-sys and cima build offline (cargo --offline, Debian's toolchain)" "$tmp/build"
! grep -q '^source = ' Cargo.lock "$top/selftests/bindings/rust-sdk-user/Cargo.lock" 2>/dev/null
res $? "no crate from a registry (Cargo.lock has no 'source =')"
make --no-print-directory -s -C "$top/lib/rust" O="$O" > "$tmp/user" 2>&1
res $? "an SDK user's program builds against the cima crate (make -C lib/rust)" "$tmp/user"

# Struct layouts: the C compiler's sizes and alignments, then cima-sys's.
cat > "$tmp/layout.c" <<'C'
#include <stdalign.h>
#include <stdio.h>
#include <cima/cima.h>
#define S(t) printf("%s %zu %zu\n", #t, sizeof(struct t), alignof(struct t));
int main(void)
{
	S(cima_eventlog_opts) S(cima_replay_opts) S(cima_verify_opts)
	S(cima_platform_opts) S(cima_report_opts) S(cima_tpm_quote_check)
	S(cima_tdx_td_info) S(cima_tdx_quote) S(cima_tdx_tdreport) S(cima_snp_report)
	S(cima_evidence_opts) S(cima_evidence_verify_opts)
	return 0;
}
C
cc -I"$top/include" -o "$tmp/layout" "$tmp/layout.c" && "$tmp/layout" > "$tmp/c.txt" &&
	"$CARGO_TARGET_DIR/debug/examples/layout" > "$tmp/rs.txt" &&
	diff "$tmp/c.txt" "$tmp/rs.txt" > "$tmp/layout.diff" 2>&1
res $? "cima-sys structs have the C headers' size and alignment (12 structs)" "$tmp/layout.diff"

# The crate's tests, each binary under valgrind.
python3 - "$tmp/exes" > /dev/null 2>&1 <<PY
import json, subprocess, sys
out = subprocess.run(["/usr/bin/cargo", "test", "--offline", "--no-run", "--message-format=json"],
                     capture_output=True, text=True).stdout
exes = [m["executable"] for m in map(json.loads, out.splitlines())
        if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]]
open(sys.argv[1], "w").write("\n".join(exes) + "\n")
PY
python3 - > "$tmp/expected.txt" <<'PY'
# The published projects' expected values (<file>.expected.json), flattened
# to "<file> <source> <index> <alg> <hex>" / "<file> <source> records <n>".
import json, os
td = os.environ["CIMA_TESTDATA"]
logs = {"go-tpm-tools/glinux-alex.bin": "firmware",
        "tpm2-tools/event-gce-ubuntu-2104-log.bin": "firmware",
        "tpm2-tools/event-sd-boot-fedora37.bin": "firmware",
        "tpm2-tools/event-uefi-sha1-log.bin": "firmware",
        "go-eventlog/cos-113-intel-tdx.bin": "ccel",
        "ibmtss/sha1.log": "ima", "ibmtss/imatest.log": "ima"}
for f, s in sorted(logs.items()):
    d = json.load(open(os.path.join(td, f + ".expected.json")))
    e = d["expected"]
    for alg, m in e.get("pcrs", {}).items():
        for i, v in m.items():
            print(f, s, i, alg, v)
    for alg, m in e.get("rtmrs", {}).items():
        for i, v in m.items():
            print(f, s, int(i[len("RTMR"):]), alg, v)   # IMR n = RTMR n
    for alg, v in e.get("pcr10", {}).items():
        print(f, s, 10, alg, v)
    if d.get("parse", {}).get("records_total"):
        print(f, s, "records", d["parse"]["records_total"])
PY
export CIMA_RUST_EXPECTED="$tmp/expected.txt"
[ -s "$tmp/exes" ] || nok "cargo test --no-run found test binaries"
vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99"
while read -r exe; do
	[ -n "$exe" ] || continue
	$vg "$exe" --test-threads=2 > "$tmp/out" 2>&1
	rc=$?
	grep -E '^test .* \.\.\. ' "$tmp/out" | while read -r _ name _ r; do
		[ "$r" = ok ] && echo "ok - $(basename "$exe" | sed 's/-[0-9a-f]*$//'): $name" ||
			echo "not ok - $(basename "$exe" | sed 's/-[0-9a-f]*$//'): $name"
	done
	n=$((n + $(grep -cE '^test .* \.\.\. ' "$tmp/out")))
	grep -vE '^test .* \.\.\. ok$' "$tmp/out" | sed 's/^/# /'
	if [ $rc = 99 ] || grep -q '^==[0-9]*==' "$tmp/out"; then
		nok "valgrind: $(basename "$exe"): no definite leak, no memory error"
	else
		ok "valgrind: $(basename "$exe"): no definite leak, no memory error"
	fi
done < "$tmp/exes"

$vg "$CARGO_TARGET_DIR/debug/examples/leak" "$top/tests/data/vm-6.12/firmware.bin" > "$tmp/leak" 2>&1
[ $? = 99 ] && grep -q 'definitely lost' "$tmp/leak"
res $? "valgrind reports a log leaked on purpose (the harness can fail)" "$tmp/leak"
echo "1..$n"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the seed corpus of fuzz target $1 in $2 from real logs: the shared
# published test data (logs, the TDX quote, the SNP report) and the logs
# captured from our VM (tests/data/).
# fuzz_tcg inputs carry one leading byte choosing the source (0 firmware,
# 1 ccel, 2 cima).
target=$1 dir=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
td=${CIMA_TESTDATA:-$top/../shared/testdata}
mkdir -p "$dir"
add() { # prefix-byte-or-empty file
	[ -f "$2" ] || return 0
	name=$dir/seed-$(basename "$(dirname "$2")")-$(basename "$2")
	if [ -n "$1" ]; then
		{ printf "\\$1"; head -c 65536 "$2"; } > "$name"
	else
		head -c 65536 "$2" > "$name"
	fi
}
case $target in
fuzz_tcg)
	for f in "$td"/tpm2-tools/*.bin "$td"/go-tpm-tools/*.bin "$td"/keylime/*bogus \
		 "$top"/tests/data/vm-*/firmware.bin; do add 000 "$f"; done
	add 001 "$td/go-eventlog/cos-113-intel-tdx.bin"
	for f in "$top"/tests/data/vm-*/cima.bin; do add 002 "$f"; done
	;;
fuzz_ima)
	for f in "$td"/ibmtss/*.log "$top"/tests/data/vm-*/ima.bin; do add "" "$f"; done
	;;
fuzz_report_tdx)
	add "" "$td/go-tdx-guest/cos-113-tdx-quote.dat"
	;;
fuzz_report_snp)
	add "" "$td/go-sev-guest/attestation.bin"
	;;
fuzz_vendor_tdx)
	add "" "$td/go-tdx-guest/cos-113-tdx-quote.dat"
	;;
fuzz_vendor_snp)
	# The report followed by a certificate table holding its VCEK.
	[ -f "$td/go-sev-guest/vcek.testcer" ] && python3 -c '
import struct, sys
r = open(sys.argv[1], "rb").read(); v = open(sys.argv[2], "rb").read()
guid = bytes.fromhex("63da758de6644564adc5f4b93be8accd")
t = guid + struct.pack("<II", 48, len(v)) + bytes(24) + v
open(sys.argv[3], "wb").write(r + t)' "$td/go-sev-guest/attestation.bin" \
		"$td/go-sev-guest/vcek.testcer" "$dir/seed-snp-report-vcek-table"
	add "" "$td/go-sev-guest/attestation.bin"
	;;
fuzz_evidence)
	# The VM bundle, and bundles around the published TDX quote and SNP
	# report (made from the shared data, not kept in the tree).
	cp "$top"/tests/fuzz/seeds/fuzz_evidence/* "$dir"/ 2>/dev/null
	# TDX and SNP bundles made on the fakes (test chains, logs to replay).
	for f in tdx snp; do
		cp "$top/tests/data/evidence/vm-6.12-cc/$f.json" "$dir/seed-cc-$f.json" 2>/dev/null
	done
	[ -r "$td/go-tdx-guest/cos-113-tdx-quote.dat" ] &&
		python3 "$top/tests/evidence_tamper.py" --make-vendor "$td" "$dir"
	;;
*)
	# Other targets (added by other parts of the library) bring their own
	# seeds in tests/fuzz/seeds/<target>/ when they have any.
	[ -d "$top/tests/fuzz/seeds/$target" ] && cp "$top/tests/fuzz/seeds/$target"/* "$dir"/ 2>/dev/null
	;;
esac
exit 0

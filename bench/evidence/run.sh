#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Evidence bundles verified per second on one core, beside the bundle's own
# hashing floor and the three-tool pipeline on the same input.
#   bench/evidence/run.sh [N]        (N verifications, default 50)
# A private swtpm (sha256 + sha384) gets the firmware log captured in the
# VM (tests/data/vm-6.12/firmware.bin), 2,000 IMA ima-ng events and 1,000
# cima events extended; the library quotes PCR 0-7 and 10 (sha256) with a
# scratch cima snapshot (sim backend), and the bundle is written.  Then:
#   bundle      cima_evidence_load + cima_evidence_verify, in one process
#   floor       the signature checked once, each event's data hashed once
#               per needed bank and extended, the IMA template digests
#               (see Documentation/benchmarks.md for what a verifier must hash)
#   pipeline    tpm2_checkquote, then cima verify -e once per log
#               (firmware, IMA, cima), one process each, as an offline
#               verifier without bundles does it
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
export LD_LIBRARY_PATH="$O${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
N=${1:-50}
work=$(mktemp -d /tmp/cima-bench-evidence.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# pkg-config prints lists of flags: split them into words on purpose.
read -r -a cflags <<< "$(pkg-config --cflags json-c)"
read -r -a libs <<< "$(pkg-config --libs libcrypto tss2-esys tss2-tctildr tss2-mu json-c)"
${CC:-cc} -O2 -Wall -Wextra -I"$top/include" "${cflags[@]}" \
	-o "$work/bench_evidence" "$top/bench/evidence/bench_evidence.c" "$O/libcima.a" \
	"${libs[@]}"
port=$((20000 + $$ % 20000))
mkdir "$work/tpm"
swtpm_setup --tpm2 --tpmstate "$work/tpm" --pcr-banks sha256,sha384 >/dev/null
swtpm socket --tpm2 --tpmstate dir="$work/tpm" --flags not-need-init,startup-clear \
	--server type=tcp,port=$port --ctrl type=tcp,port=$((port + 1)) &
pid=$!
sleep 1
export CIMA_TPM_TCTI=swtpm:port=$port TSS2_LOG=all+NONE
"$work/bench_evidence" make "$work" "$top/tests/data/vm-6.12/firmware.bin"
# Wall time: verify and floor alternately in one process, best of N (the
# figure least moved by other load; the median is printed beside it).
read -r bus bmed floor fmed < <("$work/bench_evidence" both "$work" "$N")
bps=$(awk -v u="$bus" 'BEGIN { printf "%.1f", 1e6 / u }')
# Instructions per bundle (valgrind's callgrind, when installed): runs of 1
# and 3 iterations, the difference halved, so start-up and the one-time
# loads cancel out.  Not moved by load at all.
icount() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$work/bench_evidence" "$@" 2>&1 |
		sed -n 's/.*I *refs: *//p' | tr -d ,
}
icount_cmd() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		sed -n 's/.*I *refs: *//p' | tr -d ,
}
iv="" ifl="" iq=""
if command -v valgrind >/dev/null; then
	iv=$(( ($(icount verify "$work" 3) - $(icount verify "$work" 1)) / 2 ))
	ifl=$(( ($(icount floor "$work" 3) - $(icount floor "$work" 1)) / 2 ))
	iq=$(( ($(icount floor-quoted "$work" 3) - $(icount floor-quoted "$work" 1)) / 2 ))
fi

# The pipeline's inputs, taken from the same bundle.
python3 - "$work" <<'PY'
import base64, json, struct, sys
d = sys.argv[1]; b = json.load(open(d + "/bundle.json")); r = b["report"]
open(d + "/message", "wb").write(base64.b64decode(r["evidence"]))
open(d + "/signature", "wb").write(base64.b64decode(r["signature"]))
open(d + "/qualification", "wb").write(bytes.fromhex(b["report_data"]["value"]))
mask = int(r["pcr_mask"], 16); vals = base64.b64decode(r["pcr_values"])
idx = [i for i in range(24) if mask >> i & 1]
with open(d + "/pcrs.txt", "w") as f:
    for k, i in enumerate(idx):
        f.write("%d sha256 %s\n" % (i, vals[32 * k:32 * k + 32].hex()))
with open(d + "/snap.txt", "w") as f:
    for x in b["snapshot"]["banks"]:
        f.write("15 %s %s\n" % (x["alg"], x["value"]))
sel = struct.pack("<I", 1) + struct.pack("<HB3sx", 11, 3, mask.to_bytes(3, "little"))
sel += bytes(132 - len(sel)); groups = [idx[i:i + 8] for i in range(0, len(idx), 8)]
out = sel + struct.pack("<I", len(groups))
for g in groups:
    t = struct.pack("<I", len(g)) + b"".join(struct.pack("<H", 32) + vals[32 * idx.index(i):32 * idx.index(i) + 32] + bytes(32) for i in g)
    out += t + bytes(532 - len(t))
open(d + "/pcrs", "wb").write(out)
PY
grep -E '^[0-7] ' "$work/pcrs.txt" > "$work/fw.txt"
grep -E '^10 ' "$work/pcrs.txt" > "$work/ima.txt"
pipeline() {
	tpm2_checkquote -u "$work/ak.pem" -m "$work/message" -s "$work/signature" \
		-f "$work/pcrs" -q "$work/qualification" >/dev/null &&
	"$O/cima" verify -s firmware -f "$work/firmware.bin" -e "$work/fw.txt" >/dev/null &&
	"$O/cima" verify -s ima -f "$work/ima.bin" -e "$work/ima.txt" >/dev/null &&
	"$O/cima" verify -s cima -f "$work/cima.bin" -e "$work/snap.txt" >/dev/null
}
pipeline || { echo "bench/evidence: the pipeline does not verify" >&2; exit 1; }
M=$((N < 10 ? N : 10))
pus=
for ((i = 0; i < M; i++)); do
	t0=$(date +%s%N)
	pipeline
	t1=$(date +%s%N)
	t=$(((t1 - t0) / 1000))
	[ -z "$pus" ] || [ "$t" -lt "$pus" ] && pus=$t
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# The pipeline's instructions: its four processes under callgrind, summed
# (start-up, dynamic linking and all).
ip=""
if [ -n "$iv" ]; then
	ip=$(( $(icount_cmd tpm2_checkquote -u "$work/ak.pem" -m "$work/message" -s "$work/signature" \
			-f "$work/pcrs" -q "$work/qualification") +
		$(icount_cmd "$O/cima" verify -s firmware -f "$work/firmware.bin" -e "$work/fw.txt") +
		$(icount_cmd "$O/cima" verify -s ima -f "$work/ima.bin" -e "$work/ima.txt") +
		$(icount_cmd "$O/cima" verify -s cima -f "$work/cima.bin" -e "$work/snap.txt") ))
fi
echo "## Evidence verification: firmware log, 2,000 IMA and 1,000 cima events"
echo
echo "Wall time, best of $N (verify, floor) and of $M (pipeline); median in brackets."
echo
echo "| | per bundle (us) | bundles/s | vs floor | pipeline/bundle |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| cima_evidence_verify (load + 9 checks, one core) | $bus ($bmed) | $bps | $(ratio "$bus" "$floor") | $(ratio "$pus" "$bus") |"
echo "| floor (signature, quoted banks, IMA template digests) | $floor ($fmed) | | 1.00 | |"
echo "| tpm2_checkquote + 3 x cima verify -e (processes) | $pus | | $(ratio "$pus" "$floor") | 1.00 |"
if [ -n "$iv" ]; then
	echo
	echo "Instructions per bundle (callgrind):"
	echo
	echo "| | instructions | vs floor | vs quoted-register floor | pipeline/bundle |"
	echo "| --- | ---: | ---: | ---: | ---: |"
	echo "| cima_evidence_verify | $iv | $(ratio "$iv" "$ifl") | $(ratio "$iv" "$iq") | $(ratio "$ip" "$iv") |"
	echo "| floor | $ifl | 1.00 | $(ratio "$ifl" "$iq") | |"
	echo "| floor without the IMA template digests | $iq | | 1.00 | |"
	echo "| tpm2_checkquote + 3 x cima verify -e (4 processes) | $ip | $(ratio "$ip" "$ifl") | | 1.00 |"
fi

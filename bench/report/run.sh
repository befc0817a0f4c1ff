#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# TPM latency of libcima against tpm2-tools on one swtpm, in one run.
#   bench/report/run.sh [N]        (N calls per figure, default 30)
# Starts a private swtpm (TPM 2.0, sha256 + sha384 banks) on a local TCP
# port unless CIMA_TPM_TCTI names a TPM already (in the test VM:
# CIMA_TPM_TCTI=device:/dev/tpmrm0).  Figures: median wall time per call.
#   pcr read     cima_get_cc_measurement (in process)  vs  tpm2_pcrread
#   quote        cima_get_cc_report, transient AK: CreatePrimary + PCR read
#                + Quote + ReadPublic  vs  tpm2_createprimary (same ECC AK
#                template) + tpm2_pcrread + tpm2_quote + tpm2_flushcontext
#   quote (AK)   with a persistent AK at 0x81010002  vs  tpm2_quote -c it
# The tool rows run `cima` once per call (process start included), like
# the tpm2-tools rows; the library rows call in a loop in one process.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
export LD_LIBRARY_PATH="$O${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
N=${1:-30}
work=$(mktemp -d /tmp/cima-bench-report.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

make -C "$top" --no-print-directory lib tools >/dev/null
${CC:-cc} -O2 -Wall -Wextra -I"$top/include" -o "$work/bench_report" \
	"$top/bench/report/bench_report.c" "$O/libcima.a" \
	$(pkg-config --libs libcrypto tss2-esys tss2-tctildr tss2-mu)

if [ -z "${CIMA_TPM_TCTI:-}" ]; then
	port=$((20000 + $$ % 20000))
	swtpm_setup --tpm2 --tpmstate "$work" --pcr-banks sha256,sha384 >/dev/null
	swtpm socket --tpm2 --tpmstate dir="$work" --flags not-need-init,startup-clear \
		--server type=tcp,port=$port --ctrl type=tcp,port=$((port + 1)) &
	pid=$!
	sleep 1
	export CIMA_TPM_TCTI=swtpm:port=$port
fi
export TPM2TOOLS_TCTI=$CIMA_TPM_TCTI
cima=$O/cima

# Median wall time of N runs of a shell command, in microseconds.
med() {
	local i t0 t1
	for ((i = 0; i < N; i++)); do
		t0=$(date +%s%N)
		eval "$1" >/dev/null 2>&1 || { echo "bench/report: failed: $1" >&2; exit 1; }
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
	done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

tpm2_quote_seq() {
	tpm2_createprimary -Q -C e -G ecc256:ecdsa-sha256:null -g sha256 \
		-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign' \
		-c "$work/ak.ctx" &&
	tpm2_pcrread -Q sha256:all -o "$work/p" &&
	tpm2_quote -Q -c "$work/ak.ctx" -l sha256:all -q 11223344 -m "$work/m" -s "$work/s" &&
	tpm2_flushcontext -t
}

lib_pcr=$("$work/bench_report" pcr "$N" | cut -d' ' -f1)
tool_pcr=$(med "'$cima' measurement --platform tpm --index 7 --alg sha256")
t2_pcr=$(med "tpm2_pcrread sha256:7")
lib_q=$("$work/bench_report" quote "$N" | cut -d' ' -f1)
tool_q=$(med "'$cima' report --platform tpm --nonce AAAA -o $work/o")
t2_q=$(med tpm2_quote_seq)

# Persistent AK at the documented handle, for both sides.
tpm2_evictcontrol -Q -C o -c 0x81010002 >/dev/null 2>&1 || true
tpm2_createprimary -Q -C e -G ecc256:ecdsa-sha256:null -g sha256 \
	-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign' -c "$work/ak.ctx"
tpm2_evictcontrol -Q -C o -c "$work/ak.ctx" 0x81010002 >/dev/null
tpm2_flushcontext -t
lib_qp=$("$work/bench_report" quote-persistent "$N" | cut -d' ' -f1)
tool_qp=$(med "'$cima' report --platform tpm --nonce AAAA -o $work/o")
t2_qp=$(med "tpm2_quote -Q -c 0x81010002 -l sha256:all -q 11223344 -m $work/m -s $work/s")
tpm2_evictcontrol -Q -C o -c 0x81010002 >/dev/null

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "## TPM latency, median of $N calls, microseconds ($CIMA_TPM_TCTI)"
echo
echo "| operation | libcima (in process) | cima tool | tpm2-tools | lib/tpm2 | tool/tpm2 |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
echo "| PCR read (1 PCR) | $lib_pcr | $tool_pcr | $t2_pcr | $(ratio $lib_pcr $t2_pcr) | $(ratio $tool_pcr $t2_pcr) |"
echo "| quote, transient AK (24 PCRs) | $lib_q | $tool_q | $t2_q | $(ratio $lib_q $t2_q) | $(ratio $tool_q $t2_q) |"
echo "| quote, persistent AK (24 PCRs) | $lib_qp | $tool_qp | $t2_qp | $(ratio $lib_qp $t2_qp) | $(ratio $tool_qp $t2_qp) |"

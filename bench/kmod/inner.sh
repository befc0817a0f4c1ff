#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside one test VM boot (started with --no-module by bench/kmod/run.sh):
# measure without cima.ko, with only empty probes on cima.ko's hooks
# (bench/kmod/floor: the "floor" column, what any module hooked there
# costs), with backend=sim, with backend=tpm, then without
# cima.ko but with IMA measuring exec and executable mmap (its policy can be
# written only once per boot, so it runs last), and print a markdown table
# of the figures (best of CIMA_BENCH_ROUNDS rounds, default 3) and the
# ratios to the no-module run and to IMA.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${O:-$top/build}/bench/kmod/bench_kmod
args=${CIMA_BENCH_ARGS:-}
fs=/sys/kernel/security/cima
out=$(mktemp -d /tmp/cima-bench-out.XXXXXX)

[ -x "$bin" ] || { echo "bench/kmod: $bin not built" >&2; exit 1; }
[ -f "${CIMA_KO:-}" ] || { echo "bench/kmod: CIMA_KO not set" >&2; exit 1; }
if grep -q '^cima ' /proc/modules; then
	echo "bench/kmod: cima.ko is loaded; run the VM with --no-module" >&2
	exit 1
fi
floor_ko=${O:-$top/build}/bench/kmod/floor/$(uname -r)/cima_floor.ko
[ -f "$floor_ko" ] || { echo "bench/kmod: $floor_ko not built" >&2; exit 1; }
modprobe sha512_generic 2>/dev/null
# CIMA_BENCH_CPU_MODULES=1: load the modules matching this CPU's features
# (accelerated sha256/sha512 among them), as udev does on a booted system;
# the test VM has no udev, so by default the kernel hashes in generic C.
if [ "${CIMA_BENCH_CPU_MODULES:-0}" = 1 ]; then
	modprobe -qa "$(cat /sys/devices/system/cpu/modalias)" 2>/dev/null
fi
for a in sha256 sha384; do
	echo "# $a: $(awk -v a="$a" '$1 == "name" { n = $3 } $1 == "driver" && n == a { d = $3 }
		$1 == "priority" && n == a && d != "" { if ($3 + 0 > best) { best = $3 + 0; drv = d }; d = "" }
		END { print drv }' /proc/crypto)"
done

# Rounds interleave the module states, and each figure is the best of
# its rounds: another load on the host slows a round, never speeds it up.
rounds=${CIMA_BENCH_ROUNDS:-3}
for r in $(seq "$rounds"); do
	"$bin" $args > "$out/none.$r" || exit 1
	insmod "$floor_ko" || exit 1
	"$bin" $args > "$out/floor.$r" || exit 1
	rmmod cima_floor || exit 1
	# CIMA_BENCH_SIM_ARGS: more module options for the sim state
	# (banks=sha384: one bank, as the tdx backend has).
	# shellcheck disable=SC2086  # options, split on purpose
	insmod "$CIMA_KO" backend=sim ${CIMA_BENCH_SIM_ARGS:-} || exit 1
	"$bin" $args > "$out/sim.$r" || exit 1
	echo "# round $r sim: $(cat $fs/runtime_measurements_count) events, $(cat $fs/violations) violations"
	rmmod cima || exit 1
	insmod "$CIMA_KO" backend=tpm allow_unload=1 || exit 1
	"$bin" $args > "$out/tpm.$r" || exit 1
	echo "# round $r tpm: $(cat $fs/runtime_measurements_count) events, $(cat $fs/violations) violations"
	rmmod cima || exit 1
done
ima=/sys/kernel/security/ima
if [ -w $ima/policy ] && [ "$(wc -l < $ima/ascii_runtime_measurements)" -le 1 ]; then
	printf 'measure func=BPRM_CHECK\nmeasure func=MMAP_CHECK mask=MAY_EXEC\n' > $ima/policy || exit 1
	for r in $(seq "$rounds"); do
		"$bin" $args > "$out/ima.$r" || exit 1
	done
	echo "# ima: $(wc -l < $ima/ascii_runtime_measurements) records"
else
	echo "# ima: policy not writable or already set (boot without ima_policy=); no IMA column"
fi

# The best (smallest) figure of key $2 over the rounds of state $1.
get() {
	cat "$out/$1".* 2> /dev/null |
		awk -v k="$2" '$1 == k && (m == "" || $2 + 0 < m + 0) { m = $2 } END { print m }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

ratios=
echo "kernel $(uname -r), $(nproc) vCPUs, QEMU TCG; bench_kmod $args; best of $rounds rounds${CIMA_BENCH_SIM_ARGS:+; sim: $CIMA_BENCH_SIM_ARGS}"
echo
echo "| operation | no module | floor | sim | tpm | IMA (exec+mmap, tpm) | floor/none | sim/none | sim/floor | tpm/none | IMA/none | tpm/IMA |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for k in mkdir_rmdir_us rmdir_us exec_us exec_new_us; do
	n=$(get none $k) f=$(get floor $k) s=$(get sim $k) t=$(get tpm $k) i=$(get ima $k)
	fn=$(ratio "$f" "$n") sn=$(ratio "$s" "$n") tn=$(ratio "$t" "$n")
	in=$(ratio "${i:-0}" "$n") ti=$(ratio "$t" "${i:-0}")
	echo "| $k | $n | $f | $s | $t | ${i:--} | $fn | $sn | $(ratio "$s" "$f") | $tn | $in | $ti |"
	# For run.sh's summary over boots (CIMA_BENCH_BOOTS).
	ratios="$ratios@ratio $k floor/none $fn
@ratio $k sim/none $sn
@ratio $k tpm/none $tn
@ratio $k IMA/none $in
@ratio $k tpm/IMA $ti
"
done
printf '%s' "$ratios"
echo
echo "| memory | sim | tpm |"
echo "| --- | --- | --- |"
echo "| bytes per runtime event (Slab delta) | $(get sim event_bytes) | $(get tpm event_bytes) |"
cn=$(get none container_bytes)
share() { awk -v a="$(get "$1" container_bytes)" -v b="$cn" 'BEGIN { printf "%.0f", a - b }'; }
c_sim=$(share sim) c_tpm=$(share tpm)
echo "| bytes per container, module's share (Slab delta minus no-module $cn) | $c_sim | $c_tpm |"
rm -rf "$out"

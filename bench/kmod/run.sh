#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark of cima.ko (not a timed test): builds bench_kmod and runs
# bench/kmod/inner.sh in one test VM boot per kernel, with the floor module
# (bench/kmod/floor, empty probes on cima.ko's hooks) built per kernel.
#   bench/kmod/run.sh [6.1|6.12 ...]      (default: 6.1 6.12)
# Environment: CIMA_BENCH_BOOTS, boots per kernel (1); with more than one,
# a summary of each ratio over the boots (median, min, max) follows.
# Passed into the VM: CIMA_BENCH_ARGS, options to bench_kmod;
# CIMA_BENCH_ROUNDS, rounds per state (3); CIMA_BENCH_CPU_MODULES=1, load
# the modules for the CPU's features first, as udev would; CIMA_BENCH_SIM_ARGS,
# more options for the sim state (bench/kmod/inner.sh).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
mkdir -p "$O/bench/kmod"
boots=${CIMA_BENCH_BOOTS:-1}
ratios=$(mktemp -d)/ratios
trap 'rm -rf "$(dirname "$ratios")"' EXIT
${CC:-cc} -O2 -Wall -Wextra -o "$O/bench/kmod/bench_kmod" "$top/bench/kmod/bench_kmod.c"
for k in ${*:-6.1 6.12}; do
	make -C "$top" --no-print-directory module bench-floor KVER=$k >/dev/null
	for b in $(seq "$boots"); do
		echo "## kernel $k, boot $b of $boots"
		"$top/tools/vm/run" --kernel "$k" --no-module --timeout 900 -- \
			env CIMA_BENCH_ARGS="${CIMA_BENCH_ARGS:-}" CIMA_BENCH_ROUNDS="${CIMA_BENCH_ROUNDS:-3}" \
			CIMA_BENCH_CPU_MODULES="${CIMA_BENCH_CPU_MODULES:-0}" \
			CIMA_BENCH_SIM_ARGS="${CIMA_BENCH_SIM_ARGS:-}" bench/kmod/inner.sh |
			tee "$ratios.$k.$b" | grep -v '^@ratio '
		[ "${PIPESTATUS[0]}" = 0 ] || exit 1
	done
	[ "$boots" -gt 1 ] || continue
	# Each boot's ratio (of its best rounds), then the median over boots.
	echo
	echo "kernel $k: ratios over $boots boots (median, then min-max)"
	echo
	echo "| operation | ratio | median | min | max |"
	echo "| --- | --- | ---: | ---: | ---: |"
	cat "$ratios.$k".* | awk '$1 == "@ratio" && $4 != "-" { print $2, $3, $4 }' |
		sort -k1,1 -k2,2 -k3,3g |
		awk '{ key = $1 " " $2; v[key, ++n[key]] = $3; if (!(key in seen)) { seen[key] = 1; order[++m] = key } }
			END { for (j = 1; j <= m; j++) { key = order[j]; c = n[key]
				med = c % 2 ? v[key, (c + 1) / 2] : (v[key, c / 2] + v[key, c / 2 + 1]) / 2
				split(key, kk, " ")
				printf "| %s | %s | %.2f | %.2f | %.2f |\n", kk[1], kk[2], med, v[key, 1], v[key, c] } }'
done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark of cima.ko (not a timed test): builds bench_kmod and runs
# bench/kmod/inner.sh in one test VM boot per kernel, with the floor module
# (bench/kmod/floor, empty probes on cima.ko's hooks) built per kernel.
#   bench/kmod/run.sh [6.1|6.12 ...]      (default: 6.1 6.12)
# Environment (passed into the VM): CIMA_BENCH_ARGS, options to bench_kmod;
# CIMA_BENCH_ROUNDS, rounds per state (3); CIMA_BENCH_CPU_MODULES=1, load
# the modules for the CPU's features first, as udev would; CIMA_BENCH_SIM_ARGS,
# more options for the sim state (bench/kmod/inner.sh).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
mkdir -p "$O/bench/kmod"
${CC:-cc} -O2 -Wall -Wextra -o "$O/bench/kmod/bench_kmod" "$top/bench/kmod/bench_kmod.c"
for k in ${*:-6.1 6.12}; do
	make -C "$top" --no-print-directory module KVER=$k >/dev/null
	rel=$(cd /lib/modules && ls -d "$k".*cloud-amd64 | sort -V | tail -n 1)
	fl="$O/bench/kmod/floor/$rel"
	mkdir -p "$fl"
	ln -sf "$top/bench/kmod/floor/cima_floor.c" "$top/bench/kmod/floor/Kbuild" "$fl/"
	make -s -C "/lib/modules/$rel/build" M="$fl" modules >/dev/null
	echo "## kernel $k"
	"$top/tools/vm/run" --kernel "$k" --no-module --timeout 900 -- \
		env CIMA_BENCH_ARGS="${CIMA_BENCH_ARGS:-}" CIMA_BENCH_ROUNDS="${CIMA_BENCH_ROUNDS:-3}" \
		CIMA_BENCH_CPU_MODULES="${CIMA_BENCH_CPU_MODULES:-0}" \
		CIMA_BENCH_SIM_ARGS="${CIMA_BENCH_SIM_ARGS:-}" bench/kmod/inner.sh
done

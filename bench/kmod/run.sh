#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark of cima.ko (not a timed test): builds bench_kmod and runs
# bench/kmod/inner.sh in one test VM boot per kernel.
#   bench/kmod/run.sh [6.1|6.12 ...]      (default: 6.1 6.12)
# Environment: CIMA_BENCH_ARGS passes options to bench_kmod.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
mkdir -p "$O/bench/kmod"
${CC:-cc} -O2 -Wall -Wextra -o "$O/bench/kmod/bench_kmod" "$top/bench/kmod/bench_kmod.c"
for k in ${*:-6.1 6.12}; do
	make -C "$top" --no-print-directory module KVER=$k >/dev/null
	echo "## kernel $k"
	"$top/tools/vm/run" --kernel "$k" --no-module --timeout 900 -- bench/kmod/inner.sh
done

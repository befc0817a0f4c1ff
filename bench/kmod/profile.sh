#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Where cima.ko's share of a container start and stop goes: a CPU profile
# of bench_kmod's mkdir+rmdir loop (not a timed test; see
# Documentation/benchmarks.md, item 7).  One test VM boot of kernel KVER
# (default 6.12) runs bench/kmod/profile-inner.sh: perf records the whole
# guest (cpu-clock, call stacks) around the loop with no module and with
# each module given, in the same boot, and prints folded stacks; then
# bench/kmod/profile-summary.py prints the module's parts in µs a pair.
#   bench/kmod/profile.sh [KVER] [OTHER.ko ...]
# The modules: the tree's cima.ko for KVER, then each OTHER.ko (built for
# the same kernel: a variant to compare).  All are loaded with backend=sim.
# Environment: CIMA_PROFILE_ROUNDS, rounds of each state (3);
# CIMA_PROFILE_PAIRS, mkdir+rmdir pairs a round (4000).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
k=${1:-6.12}
[ $# -gt 0 ] && shift
command -v perf > /dev/null || apt-get install -y linux-perf > /dev/null
mkdir -p "$O/bench/kmod"
${CC:-cc} -O2 -Wall -Wextra -o "$O/bench/kmod/bench_kmod" "$top/bench/kmod/bench_kmod.c"
make -C "$top" --no-print-directory module KVER="$k" > /dev/null
mods=$(ls "$O/kmod/$k".*-cloud-amd64/cima.ko | tail -1)	# make module's output
for m in "$@"; do
	mods="$mods $(realpath "$m")"
done
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$top/tools/vm/run" --kernel "$k" --no-module --timeout 1200 -- \
	env CIMA_PROFILE_MODULES="$mods" CIMA_PROFILE_ROUNDS="${CIMA_PROFILE_ROUNDS:-3}" \
	CIMA_PROFILE_PAIRS="${CIMA_PROFILE_PAIRS:-4000}" O="$O" \
	bench/kmod/profile-inner.sh > "$out"
grep '^# ' "$out" || true
python3 "$top/bench/kmod/profile-summary.py" "$out" "${CIMA_PROFILE_PAIRS:-4000}"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A/B timing of cima.ko variants in one boot (not a timed test; see
# Documentation/benchmarks.md, item 8): bench_kmod's mkdir+rmdir loop with
# no module and with each module in turn, rounds interleaved, best round of
# each kept; then each one's ratio to no module.  Boot-to-boot noise here
# moves a ratio by more than most changes do; within one boot, with the
# rounds interleaved, a host load slows all states alike.
#   bench/kmod/ab.sh [KVER] [[MODULE.ko][:OPT,OPT...] ...]
# The modules: the tree's cima.ko for KVER (default 6.12), then each one
# given (built for the same kernel), all loaded with backend=sim and the
# options after ':' (a bare ":banks=sha384" is the tree's module again,
# with that option).
# Environment: CIMA_AB_ROUNDS, rounds (7); CIMA_AB_PAIRS, mkdir+rmdir
# pairs a round (2000).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
k=${1:-6.12}
[ $# -gt 0 ] && shift
mkdir -p "$O/bench/kmod"
${CC:-cc} -O2 -Wall -Wextra -o "$O/bench/kmod/bench_kmod" "$top/bench/kmod/bench_kmod.c"
make -C "$top" --no-print-directory module KVER="$k" > /dev/null
tree=$(ls "$O/kmod/$k".*-cloud-amd64/cima.ko | tail -1)	# make module's output
mods=$tree
for m in "$@"; do
	path=${m%%:*}
	opts=
	[ "$path" != "$m" ] && opts=:${m#*:}
	mods="$mods $(realpath "${path:-$tree}")$opts"
done
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$top/tools/vm/run" --kernel "$k" --no-module --timeout 1200 -- \
	env CIMA_AB_MODULES="$mods" CIMA_AB_ROUNDS="${CIMA_AB_ROUNDS:-7}" \
	CIMA_AB_PAIRS="${CIMA_AB_PAIRS:-2000}" O="$O" bench/kmod/ab-inner.sh > "$out"
grep '^# ' "$out" || true
echo
echo "| state | best µs a pair | median | ratio of best to none |"
echo "| --- | ---: | ---: | ---: |"
awk '$1 == "R" { n[$3]++; v[$3, n[$3]] = $4; if (!($3 in seen)) { seen[$3] = 1; order[++m] = $3 } }
	END {
		for (j = 1; j <= m; j++) {
			s = order[j]; c = n[s]
			for (a = 1; a <= c; a++) for (b = a + 1; b <= c; b++)
				if (v[s, b] < v[s, a]) { t = v[s, a]; v[s, a] = v[s, b]; v[s, b] = t }
			best[s] = v[s, 1]
			med[s] = c % 2 ? v[s, (c + 1) / 2] : (v[s, c / 2] + v[s, c / 2 + 1]) / 2
		}
		for (j = 1; j <= m; j++) {
			s = order[j]
			printf "| %s | %.1f | %.1f | %.2f |\n", s, best[s], med[s], best[s] / best["none"]
		}
	}' "$out"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every benchmark: bench/<area>/run.sh, in name order.  Benchmarks
# print their figures; they are not pass/fail tests.
top=$(cd "$(dirname "$0")/.." && pwd)
status=0
for b in "$top"/bench/*/run.sh; do
	[ -x "$b" ] || continue
	echo "# bench: $(basename "$(dirname "$b")")"
	"$b" || { echo "# bench $(dirname "$b") failed" >&2; status=1; }
done
exit $status

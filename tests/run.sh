#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every host test (build/tests/test_* programs and tests/test_*.sh
# scripts) and print their TAP, one program after another, each introduced
# by a "# tests: NAME" line; mk/tap-run adds a "not ok" for a program that
# crashes, times out or misses its plan.  Exit 1 if any failed.
#
#   tests/run.sh [NAME...]      (names as in build/tests/, without a path)
#
# Shared test data is read from $CIMA_TESTDATA (default: ../shared/testdata
# beside the repository).
top=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-$top/build}
export CIMA_TESTDATA=${CIMA_TESTDATA:-$top/../shared/testdata}
export CIMA_TOP="$top" O
# Build-tree programs (build/cima) have no RUNPATH: find libcima here.
export LD_LIBRARY_PATH="$O${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
limit=${CIMA_TEST_TIMEOUT:-300}

cd "$top" || exit 1
status=0
for t in "$O"/tests/test_* "$top"/tests/test_*.sh; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	case $t in *.o|*.d) continue ;; esac
	name=$(basename "$t")
	if [ $# -gt 0 ]; then
		want=0
		for n in "$@"; do [ "$n" = "$name" ] && want=1; done
		[ $want = 1 ] || continue
	fi
	echo "# tests: $name"
	"$top/mk/tap-run" "$name" "$limit" "$t" || status=1
done
exit $status

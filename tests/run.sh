#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every host test (build/tests/test_* programs and tests/test_*.sh
# scripts) and print one TAP stream: each program or script is one test
# point, its own TAP output indented as a subtest.  Exit 1 if any failed.
#
#   tests/run.sh [NAME...]      (names as in build/tests/, without a path)
#
# Shared test data is read from $CIMA_TESTDATA (default: ../shared/testdata
# beside the repository).
top=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-$top/build}
export CIMA_TESTDATA=${CIMA_TESTDATA:-$top/../shared/testdata}
export CIMA_TOP="$top" O

cd "$top" || exit 1
tests=
for t in "$O"/tests/test_* "$top"/tests/test_*.sh; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	case $t in *.o|*.d) continue ;; esac
	name=$(basename "$t")
	if [ $# -gt 0 ]; then
		want=0
		for n in "$@"; do [ "$n" = "$name" ] && want=1; done
		[ $want = 1 ] || continue
	fi
	tests="$tests $t"
done

n=0
for t in $tests; do n=$((n + 1)); done
echo "1..$n"
i=0
failed=0
for t in $tests; do
	i=$((i + 1))
	name=$(basename "$t")
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/    /'
	if [ $rc -eq 0 ]; then
		echo "ok $i - $name"
	else
		echo "not ok $i - $name (exit $rc)"
		failed=$((failed + 1))
	fi
done
[ $failed -eq 0 ]

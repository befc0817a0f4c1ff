#!/bin/sh
# Run every VM selftest and print TAP; meant to run inside tools/vm/run.
#   selftests/run.sh [AREA ...]
# Programs: build/selftests/<area>/test_* (from selftests/<area>/test_*.c)
# and scripts selftests/<area>/test_*.sh.  Each prints its own TAP plan;
# mk/tap-run adds a "not ok" line for a program that crashes, times out or
# misses its plan, so a crash is never counted as a pass.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${O:-$top/build}
areas=${*:-$(cd "$top/selftests" && for d in */; do echo "${d%/}"; done)}
per_test_timeout=${CIMA_TEST_TIMEOUT:-300}
status=0

for area in $areas; do
	for t in "$build/selftests/$area"/test_* "$top/selftests/$area"/test_*.sh; do
		[ -x "$t" ] || continue
		case "$t" in *.c|*.h|*.o) continue ;; esac
		name="$area/$(basename "$t")"
		echo "# selftests: $name"
		"$top/mk/tap-run" "$name" "$per_test_timeout" "$t" || status=1
	done
done
exit $status

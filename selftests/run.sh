#!/bin/sh
# Run every VM selftest and print TAP; meant to run inside tools/vm/run.
#   selftests/run.sh [AREA ...]
# Programs: build/selftests/<area>/test_* (from selftests/<area>/test_*.c)
# and scripts selftests/<area>/test_*.sh.  Each prints its own TAP plan; a
# program that exits non-zero without reporting a failure gets one
# "not ok" line here so a crash is never counted as a pass.
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
		out=$(mktemp)
		timeout -k 5 "$per_test_timeout" "$t" > "$out" 2>&1
		rc=$?
		cat "$out"
		if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out"; then
			if [ $rc -eq 124 ]; then
				echo "not ok - $name # timed out after ${per_test_timeout}s"
			else
				echo "not ok - $name # exited with status $rc"
			fi
		fi
		[ $rc -ne 0 ] && status=1
		rm -f "$out"
	done
done
exit $status

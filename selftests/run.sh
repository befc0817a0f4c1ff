#!/bin/sh
# Run VM selftests and print TAP; meant to run inside tools/vm/run.
#   selftests/run.sh [AREA | AREA/TEST ...]     (default: every area)
# e.g. "selftests/run.sh kmod" or "selftests/run.sh kmod/test_log".
# Programs: build/selftests/<area>/test_* (from selftests/<area>/test_*.c,
# kselftest_harness.h programs built by selftests/Makefile) and scripts
# selftests/<area>/test_*.sh, in that order within an area.  The same tests
# also run under the kernel's runner: make -C selftests run_tests.
# Each prints its own TAP plan; mk/tap-run adds a "not ok" line for a
# program that crashes, times out or misses its plan, so a crash is never
# counted as a pass.
# CIMA_SELFTEST_EXCLUDE="AREA/TEST ..." leaves those tests out of an area
# run (make check runs them in another boot of the same kernel).
top=$(cd "$(dirname "$0")/.." && pwd)
build=${O:-$top/build}
explicit=$#
sel=${*:-$(cd "$top/selftests" && for d in */; do echo "${d%/}"; done)}
per_test_timeout=${CIMA_TEST_TIMEOUT:-600}
status=0

for s in $sel; do
	area=${s%%/*}
	only=
	[ "$area" != "$s" ] && only=${s#*/}
	found=0
	for t in "$build/selftests/$area"/test_* "$top/selftests/$area"/test_*.sh; do
		[ -x "$t" ] || continue
		case "$t" in *.c|*.h|*.o) continue ;; esac
		[ -n "$only" ] && [ "$(basename "$t")" != "$only" ] && continue
		found=1
		name="$area/$(basename "$t")"
		case " ${CIMA_SELFTEST_EXCLUDE:-} " in
		*" $name "*)
			if [ -z "$only" ]; then
				echo "# selftests: $name left out (CIMA_SELFTEST_EXCLUDE)"
				continue
			fi ;;
		esac
		echo "# selftests: $name"
		"$top/mk/tap-run" "$name" "$per_test_timeout" "$t" || status=1
	done
	# Areas such as common/ and fakes/ hold helpers only; a name asked for
	# that matches nothing is an error.
	if [ $found = 0 ] && [ $explicit -gt 0 ]; then
		echo "not ok - $s # no such selftest (not built?)"
		status=1
	fi
done
exit $status

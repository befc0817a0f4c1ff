# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# TAP output for shell selftests.  Source it, declare the plan, report:
#
#	. "$top/selftests/common/tap.sh"
#	tap_plan 3
#	if cmp -s a b; then tap_ok "logs agree"; else tap_fail "logs agree"; fi
#	tap_skip "crun container" "crun is not installed"
#	tap_check "count is 5" test "$n" -eq 5
#	tap_done                  # exit status 1 when any test failed
#
# Lines printed with tap_diag start with "# ".  A test number is assigned
# in order; tap_done also reports a plan/count mismatch as a failure.

tap_n=0
tap_planned=0
tap_failed=0
tap_t0=$(date +%s)

# A result that took 10 s or more since the one before it (or since the
# start) is preceded by its time, so that a slow check can be found in
# make check's output.
tap_lap() {
	local t
	t=$(date +%s)
	[ $((t - tap_t0)) -ge 10 ] && echo "# $((t - tap_t0)) s for the result below"
	tap_t0=$t
}

tap_plan() {
	tap_planned=$1
	echo "1..$1"
}

tap_diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

tap_ok() {
	tap_lap
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

tap_fail() {
	tap_lap
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	shift
	[ $# -gt 0 ] && tap_diag "$@"
	return 0
}

tap_skip() {
	tap_lap
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# tap_check NAME COMMAND [ARGS...]: ok when COMMAND succeeds.
tap_check() {
	local name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_fail "$name" "failed: $*"; fi
}

tap_done() {
	if [ "$tap_n" -ne "$tap_planned" ]; then
		echo "# planned $tap_planned tests but ran $tap_n"
		exit 1
	fi
	[ "$tap_failed" -eq 0 ]
	exit $?
}

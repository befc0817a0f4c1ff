#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side tests of the test VM runner, tools/vm/run (boots real VMs, so
# make check runs it beside the host unit tests rather than in them):
#  - a guest command's exit status comes back (exit 3 -> 3);
#  - COMMAND's arguments reach the guest unchanged (newlines, quotes, $,
#    backslashes, globs, an empty argument);
#  - the guest has a TPM with a sha384 bank (PCR 0 is 96 hex digits);
#  - two runs at once do not interfere;
#  - a hanging command is killed by --timeout, reported, exit 124;
#  - a WARNING in the guest kernel log fails the run (exit 126) and is shown;
#  - so does a SLUB debug report ("BUG kmalloc-64 (Not tainted): ..."),
#    and --append given twice puts both parts on the kernel command line;
#  - SIGTERM to the runner stops the VM;
#  - a guest kernel that panics before the guest's init runs (here: an
#    rdinit= that does not exist) is booted once more, and said so; the
#    second failure is reported (exit 125);
#  - bad options fail with a message and exit 125 before any VM starts;
#  - after every one of these, no QEMU, swtpm or virtiofsd of the run is
#    left and its temporary directory is gone.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/common/tap.sh"
run=$top/tools/vm/run
kernel=${CIMA_VM_KERNEL:-6.12}

work=$(mktemp -d)
trap 'pkill -f "$work/" 2>/dev/null; rm -rf "$work"' EXIT
# Each case gets its own TMPDIR so what a run leaves behind can be seen.
tmpdir() { mkdir -p "$work/$1"; echo "$work/$1"; }

tap_plan 16

# clean NAME DIR: nothing of the runs under DIR is left.
clean() {
	local left procs
	sleep 0.5
	left=$(ls -A "$2")
	procs=$(pgrep -af "$2/" || true)
	if [ -z "$left" ] && [ -z "$procs" ]; then
		tap_ok "$1: no process or temporary file left"
	else
		tap_fail "$1: no process or temporary file left" "files: $left" "processes: $procs"
	fi
}

# 1-4: exit status and the TPM, two runs at once.
t1=$(tmpdir status) t2=$(tmpdir warn)
TMPDIR=$t1 "$run" --kernel "$kernel" --no-module -- \
	sh -c 'cat /sys/class/tpm/tpm0/pcr-sha384/0; exit 3' > "$work/status.out" 2>&1 &
p1=$!
TMPDIR=$t2 "$run" --kernel "$kernel" --no-module -- \
	sh -c 'echo "WARNING: CPU: 0 PID: 1 at tests/vm/test_runner.sh (planted)" > /dev/kmsg' \
	> "$work/warn.out" 2>&1 &
p2=$!
wait $p1; rc1=$?
wait $p2; rc2=$?
tap_check "exit 3 in the guest is exit 3 of the runner (got $rc1)" test $rc1 = 3
if grep -qxE '[0-9A-F]{96}' "$work/status.out"; then
	tap_ok "the guest reads a 96-hex-digit sha384 PCR 0"
else
	tap_fail "the guest reads a 96-hex-digit sha384 PCR 0" "$(cat "$work/status.out")"
fi
if [ $rc2 = 126 ] && grep -q 'planted' "$work/warn.out" &&
   grep -q 'kernel log has a report' "$work/warn.out"; then
	tap_ok "a WARNING in the guest kernel log fails the run (126) and is shown"
else
	tap_fail "a WARNING in the guest kernel log fails the run (126) and is shown" \
		"exit $rc2" "$(cat "$work/warn.out")"
fi
clean "two runs at once" "$t1"

# 5: arguments pass through unchanged: a script with a newline for sh -c
# and awkward arguments, each printed between brackets, must print in the
# guest exactly what it prints here.
t=$(tmpdir argv)
script='printf "[%s]\n" "$@"
echo "second line of the script"'
# shellcheck disable=SC2016,SC1003  # literal $, backquotes and backslashes
argv=("a b" "line 1
line 2" "it's" '"double"' '$HOME $(id -u) `id -u`' 'back\slash\' '' '*'
	"$(printf 'tab\there')" "ends in a newline
")
sh -c "$script" argv0 "${argv[@]}" > "$work/argv.want"
TMPDIR=$t "$run" --kernel "$kernel" --no-module -- \
	sh -c "$script" argv0 "${argv[@]}" > "$work/argv.out" 2>&1
rc=$?
if [ $rc = 0 ] && cmp -s "$work/argv.want" "$work/argv.out"; then
	tap_ok "sh -c with a newline and awkward arguments arrive unchanged"
else
	tap_fail "sh -c with a newline and awkward arguments arrive unchanged" \
		"exit $rc" "$(diff "$work/argv.want" "$work/argv.out")"
fi

# 6: a SLUB report, as slub_debug=FZPU prints it (no colon after BUG),
# fails the run; both --append parts reach the kernel command line.
t=$(tmpdir slub)
TMPDIR=$t "$run" --kernel "$kernel" --no-module --append slub_debug=FZPU \
	--append slab_nomerge -- sh -c 'cat /proc/cmdline
echo "BUG kmalloc-64 (Not tainted): Redzone overwritten (planted)" > /dev/kmsg' \
	> "$work/slub.out" 2>&1
rc=$?
if [ $rc = 126 ] && grep -q 'Redzone overwritten (planted)' "$work/slub.out" &&
   grep -q 'slub_debug=FZPU slab_nomerge' "$work/slub.out"; then
	tap_ok "a SLUB report fails the run (126); --append twice adds up"
else
	tap_fail "a SLUB report fails the run (126); --append twice adds up" \
		"exit $rc" "$(cat "$work/slub.out")"
fi

# 7-8: a hanging command and --timeout.
t=$(tmpdir timeout)
start=$(date +%s)
TMPDIR=$t "$run" --kernel "$kernel" --no-module --timeout 60 -- \
	sh -c 'echo hanging; sleep 1000' > "$work/timeout.out" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
if [ $rc = 124 ] && grep -q '^hanging$' "$work/timeout.out" &&
   grep -q 'timed out after 60s' "$work/timeout.out" && [ $took -lt 120 ]; then
	tap_ok "a hanging command is killed by --timeout 60 and reported (124, ${took}s)"
else
	tap_fail "a hanging command is killed by --timeout and reported" \
		"exit $rc after ${took}s" "$(cat "$work/timeout.out")"
fi
clean "timeout" "$t"

# 9-10: SIGTERM to the runner while the guest runs.
t=$(tmpdir term)
TMPDIR=$t "$run" --kernel "$kernel" --no-module -- \
	sh -c 'echo up; sleep 1000' > "$work/term.out" 2>&1 &
p=$!
for _ in $(seq 120); do grep -q '^up$' "$work/term.out" && break; sleep 1; done
kill -TERM $p
wait $p; rc=$?
if [ $rc = 143 ] && grep -q '^up$' "$work/term.out"; then
	tap_ok "SIGTERM stops the run (143)"
else
	tap_fail "SIGTERM stops the run (143)" "exit $rc" "$(cat "$work/term.out")"
fi
clean "SIGTERM" "$t"

# 11-12: a guest kernel that dies before its init, twice.
t=$(tmpdir early)
TMPDIR=$t "$run" --kernel "$kernel" --no-module --timeout 300 --append rdinit=/nonexistent -- \
	true > "$work/early.out" 2>&1; rc=$?
if [ $rc = 125 ] && [ "$(grep -c 'panicked before its init ran; booting once more' "$work/early.out")" = 1 ] &&
   grep -q 'guest stopped before COMMAND finished' "$work/early.out"; then
	tap_ok "a kernel panic before the guest's init: booted once more, then reported (125)"
else
	tap_fail "a kernel panic before the guest's init: booted once more, then reported (125)" \
		"exit $rc" "$(grep -v '^\[' "$work/early.out" | head -20)"
fi
clean "early panic" "$t"

# 13-16: arguments, with no VM started.
t=$(tmpdir args)
TMPDIR=$t "$run" --kernel 5.10 -- true > "$work/a1" 2>&1; rc_a=$?
TMPDIR=$t "$run" --bogus -- true > "$work/a2" 2>&1; rc_b=$?
TMPDIR=$t "$run" --kernel "$kernel" > "$work/a3" 2>&1; rc_c=$?
if [ $rc_a = 125 ] && grep -q 'must be 6.1' "$work/a1" &&
   [ $rc_b = 125 ] && grep -q "unknown option '--bogus'" "$work/a2" &&
   [ $rc_c = 125 ] && grep -q 'no COMMAND' "$work/a3"; then
	tap_ok "bad --kernel, unknown option, no command: exit 125 with a message"
else
	tap_fail "bad --kernel, unknown option, no command: exit 125 with a message" \
		"$rc_a: $(cat "$work/a1")" "$rc_b: $(cat "$work/a2")" "$rc_c: $(cat "$work/a3")"
fi
if "$run" --help | grep -q -- '--timeout SECS'; then
	tap_ok "--help documents the options"
else
	tap_fail "--help documents the options"
fi
TMPDIR=$t "$run" --timeout 1x -- true > "$work/a4" 2>&1; rc_d=$?
tap_check "--timeout with a non-number: exit 125 (got $rc_d)" test $rc_d = 125
clean "bad arguments" "$t"
tap_done

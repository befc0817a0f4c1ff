#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside one test VM boot (bench/kmod/profile.sh): profile bench_kmod's
# mkdir+rmdir loop with no module, then with each module of
# CIMA_PROFILE_MODULES (backend=sim), CIMA_PROFILE_ROUNDS times, and print
# each state's folded stacks as "F <state> <samples> <comm;frame;...>".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${O:-$top/build}/bench/kmod/bench_kmod
pairs=${CIMA_PROFILE_PAIRS:-4000}
args="-n $pairs -e 0 -f 0 -v 0 -c 0"
data=$(mktemp -d /tmp/cima-profile.XXXXXX)

[ -x "$bin" ] || { echo "profile: $bin not built" >&2; exit 1; }
if grep -q '^cima ' /proc/modules; then
	echo "profile: cima.ko is loaded; run the VM with --no-module" >&2
	exit 1
fi
modprobe sha512_generic 2> /dev/null
echo 0 > /proc/sys/kernel/kptr_restrict	# module symbols in the stacks
echo -1 > /proc/sys/kernel/perf_event_paranoid
# shellcheck disable=SC2086  # options, split on purpose
"$bin" $args > /dev/null	# warm up: the boot's first run reads high

# profile STATE: perf around one loop, then the folded stacks.
profile() {
	# shellcheck disable=SC2086
	echo "# $1 $("$bin" $args | head -1) (without perf)"
	# shellcheck disable=SC2086
	perf record -q -a -g -F 2000 -e cpu-clock -o "$data/perf" -- \
		"$bin" $args > /dev/null || exit 1
	perf script -i "$data/perf" -F comm,ip,sym 2> /dev/null |
		python3 "$top/bench/kmod/profile-summary.py" --fold - "$1"
}

for r in $(seq "${CIMA_PROFILE_ROUNDS:-3}"); do
	profile "none.$r"
	n=0
	for m in ${CIMA_PROFILE_MODULES:?}; do
		n=$((n + 1))
		insmod "$m" backend=sim || exit 1
		profile "module$n.$r"
		rmmod cima || exit 1
	done
done
n=0
for m in ${CIMA_PROFILE_MODULES:?}; do
	n=$((n + 1))
	echo "# module$n: $m"
done
rm -rf "$data"

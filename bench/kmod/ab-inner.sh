#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside one test VM boot (bench/kmod/ab.sh, started with --no-module):
# CIMA_AB_ROUNDS rounds, each timing bench_kmod's mkdir+rmdir loop with no
# module, then with each of CIMA_AB_MODULES (path[:opt,opt...]) loaded
# with backend=sim.  Prints "R <round> <state> <µs a pair>" lines; the
# states are "none" and "m<i>" (the i-th module), listed in "# m<i>" lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${O:-$top/build}/bench/kmod/bench_kmod
args="-n ${CIMA_AB_PAIRS:-2000} -e 0 -f 0 -v 0 -c 0"

[ -x "$bin" ] || { echo "ab: $bin not built" >&2; exit 1; }
if grep -q '^cima ' /proc/modules; then
	echo "ab: cima.ko is loaded; run the VM with --no-module" >&2
	exit 1
fi
modprobe sha512_generic 2> /dev/null
# shellcheck disable=SC2086  # options, split on purpose
"$bin" $args > /dev/null	# warm up: the boot's first run reads high
pair() {
	# shellcheck disable=SC2086
	"$bin" $args | awk '$1 == "mkdir_rmdir_us" { print $2 }'
}
for r in $(seq "${CIMA_AB_ROUNDS:-7}"); do
	echo "R $r none $(pair)"
	i=0
	for spec in ${CIMA_AB_MODULES:?}; do
		i=$((i + 1))
		m=${spec%%:*}
		opts=
		[ "$m" != "$spec" ] && opts=$(echo "${spec#*:}" | tr , ' ')
		# shellcheck disable=SC2086  # options, split on purpose
		insmod "$m" backend=sim $opts || exit 1
		echo "R $r m$i $(pair)"
		rmmod cima || exit 1
	done
done
i=0
for spec in $CIMA_AB_MODULES; do
	i=$((i + 1))
	echo "# m$i: $spec"
done

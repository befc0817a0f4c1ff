#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kmemleak scan after the module's tests (make check-debug): no unreferenced
# object whose allocation backtrace is in cima.ko.
. "$(cd "$(dirname "$0")/../.." && pwd)/selftests/common/tap.sh"
k=/sys/kernel/debug/kmemleak
tap_plan 1
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug 2> /dev/null
if [ ! -w $k ]; then
	tap_skip "kmemleak finds nothing of cima.ko" "no $k (CONFIG_DEBUG_KMEMLEAK, kmemleak=on)"
	tap_done
fi
echo scan > $k; sleep 6; echo scan > $k
leaks=$(awk '/^unreferenced object/ { n++ } END { print n + 0 }' $k)
ours=$(grep -c '\[cima\]' $k)
if [ "$ours" = 0 ]; then
	tap_ok "kmemleak: nothing allocated by cima.ko is leaked ($leaks unreferenced objects elsewhere)"
else
	tap_fail "kmemleak: nothing allocated by cima.ko is leaked" "$(grep -B12 '\[cima\]' $k | head -60)"
fi
tap_done

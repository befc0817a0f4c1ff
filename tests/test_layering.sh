#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Layering: no dependency cycle between the files of cima.ko (each
# kernel's build) or of libcima, read from the built objects with nm by
# mk/depcycles (an object depends on another when it uses a symbol the
# other defines).
top=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-$top/build}
. "$top/selftests/common/tap.sh"

kobjs=$(sed -n '/^cima-y/,/[^\\]$/p' "$top/kmod/Kbuild" | sed 's/cima-y :=//; s/\\//g')
set -- "$O"/kmod/*/
tap_plan $(($# + 1))
for d in "$@"; do
	rel=$(basename "$d")
	objs=
	for o in $kobjs; do objs="$objs $d$o"; done
	# shellcheck disable=SC2086
	if ! ls $objs > /dev/null 2>&1; then
		tap_skip "cima.ko for $rel: no file-level cycle" "not built"
		continue
	fi
	# shellcheck disable=SC2086
	out=$("$top/mk/depcycles" $objs 2>&1)
	if [ $? = 0 ]; then
		tap_ok "cima.ko for $rel: no file-level dependency cycle ($(echo $kobjs | wc -w) files)"
	else
		tap_fail "cima.ko for $rel: no file-level dependency cycle" "$out"
	fi
done
out=$("$top/mk/depcycles" "$O"/lib/*.o 2>&1)
if [ $? = 0 ]; then
	tap_ok "libcima: no file-level dependency cycle ($(ls "$O"/lib/*.o | wc -l) files)"
else
	tap_fail "libcima: no file-level dependency cycle" "$out"
fi
tap_done

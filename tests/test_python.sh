#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Host tests of the Python binding (lib/python): tests/python/test_*.py,
# merged into one TAP stream: results renumbered, one plan at the end.  A
# program whose results do not match its own plan, or that fails without
# reporting a failure, adds a "not ok" line.
# Uses the freshly built build/libcima.so.0 (CIMA_LIBRARY).
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
export CIMA_LIBRARY=${CIMA_LIBRARY:-$O/libcima.so.0}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
status=0
n=0
for t in "$top"/tests/python/test_*.py; do
	name=$(basename "$t")
	python3 "$t" > "$tmp" 2>&1
	rc=$?
	echo "# $name"
	awk -v n="$n" '
		/^1\.\.[0-9]+/ { next }
		/^ok [0-9]+/ { n++; $2 = n; print; next }
		/^not ok [0-9]+/ { n++; $3 = n; print; next }
		{ print }' "$tmp"
	got=$(grep -Ec '^(not )?ok [0-9]' "$tmp")
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$tmp" | head -n 1)
	n=$((n + got))
	if [ "$got" = 0 ] || [ "${plan:-x}" != "$got" ]; then
		n=$((n + 1))
		echo "not ok $n - $name: planned ${plan:-nothing}, reported $got"
		status=1
	elif [ $rc != 0 ] && ! grep -q '^not ok' "$tmp"; then
		n=$((n + 1))
		echo "not ok $n - $name: exit status $rc without a failure reported"
		status=1
	fi
	[ $rc = 0 ] || status=1
done
echo "1..$n"
exit $status

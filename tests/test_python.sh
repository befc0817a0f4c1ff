#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Host tests of the Python binding (lib/python): tests/python/test_*.py, TAP.
# Uses the freshly built build/libcima.so.0 (CIMA_LIBRARY).
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
export CIMA_LIBRARY=${CIMA_LIBRARY:-$O/libcima.so.0}
status=0
for t in "$top"/tests/python/test_*.py; do
	python3 "$t" || status=1
done
exit $status

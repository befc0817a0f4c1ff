#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Python evidence API (lib/python/cima/evidence.py) on the bundle captured
# in the VM: tests/python/evidence_checks.py, TAP.  Kept apart from
# tests/test_python.sh, whose programs share one TAP plan.
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
export CIMA_LIBRARY=${CIMA_LIBRARY:-$O/libcima.so.0}
exec python3 "$top/tests/python/evidence_checks.py"

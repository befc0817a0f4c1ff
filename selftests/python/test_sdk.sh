#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Python binding (lib/python, package cima) on the live TPM and cima.ko:
# the SDK snippets of issue 6 run unchanged and are checked against
# independent values (sysfs PCRs, hashlib).  Makes one container through a
# policy prefix rule first (selftests/eventlog/lib.sh).  TAP from sdk_checks.py.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
export CIMA_LIBRARY=${CIMA_LIBRARY:-$O/libcima.so.0}
export PYTHONPATH="$top/lib/python${PYTHONPATH:+:$PYTHONPATH}"
# Two containers (each from its own shell: the helper names them el<pid>),
# so the checked one's view has another container's events redacted.
mk() { sh -c ". '$top/selftests/eventlog/lib.sh'; make_cima_events"; }
id= other=
if [ "$(id -u)" = 0 ] && [ -d /sys/kernel/security/cima ]; then
	other=$(mk)
	id=$(mk)
fi
python3 "$top/selftests/python/sdk_checks.py" "$id"
rc=$?
for c in $id $other; do rmdir "/sys/fs/cgroup/cimaeltest/$c" 2>/dev/null; done
exit $rc

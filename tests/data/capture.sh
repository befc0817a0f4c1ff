#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the VM-captured logs in tests/data/vm-<kver>/ (explicit request
# only: these are golden fixtures).  Boots the test VM with IMA's tcb policy
# and the cima module, then runs capture-guest.sh there.
#   tests/data/capture.sh [6.1|6.12]
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
kver=${1:-6.1}
out=$top/tests/data/vm-$kver
mkdir -p "$out"
cd "$top"
tools/vm/run --kernel "$kver" --append 'ima_policy=tcb' --outdir "$out" -- \
	tests/data/capture-guest.sh "$out"

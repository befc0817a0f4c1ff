#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: build, boot the test VM (Debian cloud kernel, OVMF, swtpm TPM
# 2.0, IMA on) with cima.ko loaded, and run tools/demo/guest.sh in it.
#   DEMO_KERNEL=6.1|6.12   kernel to boot (default 6.12)
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export O="${O:-$top/build}"
k=${DEMO_KERNEL:-6.12}
blog=$O/demo-build.log
mkdir -p "$O"
echo "demo: building cima.ko for Debian $k, libcima, the cima tool and the OCI hook"
if ! { make --no-print-directory -j2 all && make --no-print-directory module KVER="$k"; } > "$blog" 2>&1; then
	tail -n 30 "$blog"
	echo "demo: the build failed (whole log: $blog)" >&2
	exit 1
fi
echo "demo: booting the test VM (QEMU/TCG, about 20 s)"
exec tools/vm/run --kernel "$k" --append ima_policy=tcb -- tools/demo/guest.sh

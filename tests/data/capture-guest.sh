#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside the test VM (see capture.sh): copy the live event logs and
# read the TPM's PCRs in the same boot with tpm2_pcrread (an independent
# reader, through /dev/tpmrm0) so host tests can replay the copies against
# them.  Output in $1:
#   firmware.bin  /sys/kernel/security/tpm0/binary_bios_measurements
#   ima.bin       IMA's binary_runtime_measurements (ima_policy=tcb)
#   cima.bin      the cima module's global log; cima-register.txt its register
#   pcrs.txt      "<index> <alg> <hex>" for PCRs 0-23, sha256 and sha384,
#                 converted from tpm2_pcrread's output (pcrread.yaml)
#   info.txt      kernel, command line, event counts
set -e
out=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/eventlog/lib.sh"
mkdir -p "$out"
id=$(make_cima_events) || id=

# Warm up: IMA measures each program on first use; run them all once.
tpm2_pcrread sha256:0 > /dev/null
cp /dev/null /tmp/warm; cmp /tmp/warm /tmp/warm; awk 'BEGIN{}' < /dev/null
sed -n 1p /dev/null; wc -c < /dev/null > /dev/null; uname -r > /dev/null

ima=/sys/kernel/security/ima/binary_runtime_measurements
for try in 1 2 3 4 5; do
	cp "$ima" /tmp/ima1.bin
	cp /sys/kernel/security/cima/binary_runtime_measurements /tmp/cima1.bin
	tpm2_pcrread sha256:all+sha384:all > /tmp/pcrread.yaml
	cp "$ima" /tmp/ima2.bin
	cp /sys/kernel/security/cima/binary_runtime_measurements /tmp/cima2.bin
	cmp -s /tmp/ima1.bin /tmp/ima2.bin && cmp -s /tmp/cima1.bin /tmp/cima2.bin && break
	echo "capture: logs changed while reading PCRs (try $try), again" >&2
done
cmp -s /tmp/ima1.bin /tmp/ima2.bin
cp /tmp/ima1.bin "$out/ima.bin"
cp /tmp/cima1.bin "$out/cima.bin"
cp /tmp/pcrread.yaml "$out/pcrread.yaml"
cp /sys/kernel/security/tpm0/binary_bios_measurements "$out/firmware.bin"
cp /sys/kernel/security/cima/register "$out/cima-register.txt"
"$top/tests/data/pcrread2txt.sh" < /tmp/pcrread.yaml > "$out/pcrs.txt"
{
	echo "kernel $(uname -r)"
	echo "cmdline $(cat /proc/cmdline)"
	echo "container $id"
	echo "ima_bytes $(wc -c < "$out/ima.bin")"
	echo "cima_bytes $(wc -c < "$out/cima.bin")"
	echo "firmware_bytes $(wc -c < "$out/firmware.bin")"
} > "$out/info.txt"
echo "capture: done in $out"

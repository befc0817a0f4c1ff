#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs last (it breaks the cima PCR on purpose): with the tpm backend the
# module's register file reads the PCR from the TPM, not a shadow copy.
# The PCR is extended behind the module's back with tpm2_pcrextend
# (tpm2-tools); then register must equal the kernel's sysfs PCR and no
# longer the log's replay, and cima verify must fail naming the index.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
. "$top/selftests/common/tap.sh"
fs=/sys/kernel/security/cima
export TPM2TOOLS_TCTI=${TPM2TOOLS_TCTI:-device:/dev/tpmrm0}
tap_plan 3
if ! grep -qx 'backend tpm' $fs/register 2>/dev/null || ! command -v tpm2_pcrextend >/dev/null; then
	for i in 1 2 3; do tap_skip "hardware register test $i" "needs cima.ko with the tpm backend and tpm2-tools"; done
	tap_done
fi
idx=$(awk '$1 == "index" { print $2 }' $fs/register)
before=$(awk '$1 == "sha256" { print $2 }' $fs/register)
tpm2_pcrextend "$idx:sha256=$(printf 'behind the module' | sha256sum | cut -d' ' -f1)" ||
	tap_fail "tpm2_pcrextend $idx"
after=$(awk '$1 == "sha256" { print $2 }' $fs/register)
sysfs=$(tr 'A-F' 'a-f' < /sys/class/tpm/tpm0/pcr-sha256/$idx)
if [ -n "$after" ] && [ "$after" = "$sysfs" ] && [ "$after" != "$before" ]; then
	tap_ok "register follows the TPM: PCR $idx extended outside the module shows there"
else
	tap_fail "register follows the TPM" "before $before" "after $after" "sysfs $sysfs"
fi
replay=$("$O/cima" replay --source cima | awk -v i="$idx" '$1 == i && $2 == "sha256" { print $3 }')
tap_check "the log's replay no longer equals it" test -n "$replay" -a "$replay" != "$after"
"$O/cima" verify --source cima > /tmp/cima-tamper.out 2>&1
rc=$?
if [ $rc = 1 ] && grep -q "^index $idx sha256: MISMATCH" /tmp/cima-tamper.out; then
	tap_ok "cima verify fails naming index $idx sha256"
else
	tap_fail "cima verify fails naming index $idx sha256" "exit $rc" "$(cat /tmp/cima-tamper.out)"
fi
rm -f /tmp/cima-tamper.out
tap_done

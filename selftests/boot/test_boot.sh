#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The test bed itself, checked first in every VM run:
#  - the kernel is the Debian kernel the run asked for;
#  - cima.ko is loaded (unless the run said --no-module) and its securityfs
#    directory is there;
#  - the VM has a real, measured TPM: the firmware event log the kernel
#    exports replays, by tpm2_eventlog (tpm2-tools, not this project), to
#    the PCR values the kernel's TPM driver reads from the TPM
#    (/sys/class/tpm/tpm0/pcr-sha256/N and pcr-sha384/N), for every PCR
#    the log extends, in both banks.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/common/tap.sh"

fwlog=/sys/kernel/security/tpm0/binary_bios_measurements
tpm=/sys/class/tpm/tpm0
tap_plan 5

case "$(uname -r)" in
"${CIMA_KVER:-none}".*-cloud-amd64) tap_ok "kernel $(uname -r) is the requested Debian $CIMA_KVER cloud kernel" ;;
*) tap_fail "kernel is the requested Debian cloud kernel" "uname -r: $(uname -r), wanted ${CIMA_KVER:-?}" ;;
esac

if [ -n "${CIMA_KO:-}" ] && grep -q '^cima ' /proc/modules; then
	if [ -d /sys/kernel/security/cima ]; then
		tap_ok "cima.ko is loaded and /sys/kernel/security/cima exists"
	else
		tap_fail "cima.ko is loaded and /sys/kernel/security/cima exists" \
			"$(ls /sys/kernel/security 2>&1)"
	fi
else
	tap_skip "cima.ko is loaded and /sys/kernel/security/cima exists" \
		"the module is not loaded in this run"
fi

# tpm2_eventlog's computed PCRs for one bank as "N hex" lines.
eventlog_pcrs() {
	tpm2_eventlog "$fwlog" 2>/dev/null | awk -v want="$1" '
		/^pcrs:/ { on = 1; next }
		on && /^  [a-z0-9_]+:$/ { bank = $1; sub(":", "", bank); next }
		on && bank == want && $2 == ":" { v = $3; sub("^0x", "", v); print $1, toupper(v) }'
}

for bank in sha256 sha384; do
	name="firmware log replays by tpm2_eventlog to $tpm/pcr-$bank/*"
	if [ ! -r $fwlog ] || [ ! -d $tpm/pcr-$bank ]; then
		tap_fail "$name" "missing $fwlog or $tpm/pcr-$bank"
		continue
	fi
	got=$(eventlog_pcrs $bank)
	if [ -z "$got" ]; then
		tap_fail "$name" "tpm2_eventlog computed no $bank PCRs"
		continue
	fi
	bad= n=0
	while read -r idx val; do
		n=$((n + 1))
		live=$(cat $tpm/pcr-$bank/$idx)
		[ "$live" = "$val" ] || bad="$bad pcr $idx: log $val, tpm $live;"
	done <<-EOT
	$got
	EOT
	if [ -z "$bad" ]; then
		tap_ok "$name ($n PCRs equal)"
	else
		tap_fail "$name" "$bad"
	fi
done

# The banks the runner promises: both active, of the right widths.
v256=$(cat $tpm/pcr-sha256/0 2>/dev/null) v384=$(cat $tpm/pcr-sha384/0 2>/dev/null)
if [ ${#v256} = 64 ] && [ ${#v384} = 96 ] && [ "$v384" != "$(printf '%096d' 0)" ]; then
	tap_ok "sha256 and sha384 banks are active and PCR 0 is measured"
else
	tap_fail "sha256 and sha384 banks are active and PCR 0 is measured" "pcr-sha256/0=$v256 pcr-sha384/0=$v384"
fi
tap_done

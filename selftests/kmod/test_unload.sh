#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Loading and unloading cima.ko ($CIMA_KO), run last in the kmod area:
#  - tpm backend without allow_unload, once the PCR was extended: rmmod is
#    refused and the module keeps working (documented);
#  - otherwise: rmmod works and removes the securityfs tree; invalid
#    parameters make insmod fail with nothing left behind; the sim backend
#    with four banks (sha1, sha256, sha384, sha512) logs and replays (the
#    log tests rerun against it) and never touches the TPM's PCR; the
#    module is then loaded again with the parameters it had.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/common/tap.sh"

fs=/sys/kernel/security/cima
params=/sys/module/cima/parameters
build=${O:-$top/build}
tap_plan 7

skip_all() {
	local i
	for i in $(seq $((7 - tap_n))); do tap_skip "unload test $((tap_n + 1))" "$1"; done
	tap_done
}

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -r $fs/register ] || skip_all "cima.ko is not loaded"
[ -n "$CIMA_KO" ] && [ -f "$CIMA_KO" ] || skip_all "CIMA_KO does not name the module file"

backend=$(awk '$1 == "backend" { print $2 }' $fs/register)
index=$(awk '$1 == "index" { print $2 }' $fs/register)
orig_args="backend=$(cat $params/backend) index=$(cat $params/index)"
[ -r $params/banks ] && orig_args="$orig_args banks=$(cat $params/banks)"
[ -r $params/allow_unload ] && orig_args="$orig_args allow_unload=$(cat $params/allow_unload)"
count=$(cat $fs/runtime_measurements_count)
tap_diag "loaded: $orig_args ($backend, $count events)"

if [ "$backend" = tpm ] && [ "$count" -gt 0 ] &&
   [ "$(cat $params/allow_unload 2>/dev/null)" != Y ]; then
	if rmmod cima 2>/dev/null; then
		tap_fail "tpm: rmmod refused once the PCR was extended" "rmmod succeeded"
		insmod "$CIMA_KO" $orig_args
	else
		tap_ok "tpm: rmmod refused once the PCR was extended"
	fi
	tap_check "tpm: module still answers after the refused rmmod" \
		test -r $fs/register -a -d $fs/containers
	skip_all "the tpm backend is pinned (load with allow_unload=1 to test unloading)"
fi

pcr_before() {
	cat /sys/class/tpm/tpm0/pcr-sha256/$index /sys/class/tpm/tpm0/pcr-sha384/$index 2>/dev/null
}
tpm_pcr0=$(pcr_before)

if rmmod cima && [ ! -e $fs ]; then
	tap_ok "rmmod removes the module and its securityfs tree"
else
	tap_fail "rmmod removes the module and its securityfs tree" "$(ls $fs 2>&1)"
	skip_all "could not unload"
fi

bad=
for args in "backend=bogus" "backend=sim index=99" "backend=sim banks=md5" \
	    "backend=sim banks=sha256,bogus" "backend=tdx"; do
	if insmod "$CIMA_KO" $args 2>/dev/null; then
		bad="$bad [$args loaded]"
		rmmod cima
	elif [ -e $fs ] || grep -q '^cima ' /proc/modules; then
		bad="$bad [$args left $fs]"
	fi
done
if [ -z "$bad" ]; then
	tap_ok "invalid parameters: insmod fails, nothing left"
else
	tap_fail "invalid parameters: insmod fails, nothing left" "$bad"
fi

# sha384/sha512 are modules on Debian 6.1; insmod does not follow softdeps.
modprobe sha512_generic 2>/dev/null
if insmod "$CIMA_KO" backend=sim banks=sha1,sha256,sha384,sha512 &&
   [ "$(awk '$1 ~ /^sha/ { printf "%s ", $1 }' $fs/register)" = "sha1 sha256 sha384 sha512 " ] &&
   [ "$(cat $fs/runtime_measurements_count)" = 0 ]; then
	tap_ok "sim with four banks loads, empty log, four registers"
else
	tap_fail "sim with four banks loads, empty log, four registers" "$(cat $fs/register 2>&1)"
fi

if [ -x "$build/selftests/kmod/test_log" ]; then
	out=$("$build/selftests/kmod/test_log" 2>&1)
	if [ $? -eq 0 ]; then
		tap_ok "log tests pass on sim with four banks"
	else
		tap_fail "log tests pass on sim with four banks" "$out"
	fi
else
	tap_skip "log tests pass on sim with four banks" "build/selftests/kmod/test_log not built"
fi

if [ -z "$tpm_pcr0" ]; then
	tap_skip "sim leaves the TPM PCR alone" "no TPM PCR sysfs files"
elif [ "$(pcr_before)" = "$tpm_pcr0" ]; then
	tap_ok "sim leaves the TPM PCR $index alone"
else
	tap_fail "sim leaves the TPM PCR $index alone"
fi

# Unload with a live container and pending state, then restore.
id=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
mkdir /sys/fs/cgroup/$id
sh -c "echo \$\$ > /sys/fs/cgroup/$id/cgroup.procs && exec /bin/busybox true"
if rmmod cima && [ ! -e $fs ]; then
	tap_ok "rmmod with a live container"
else
	tap_fail "rmmod with a live container"
fi
rmdir /sys/fs/cgroup/$id
if insmod "$CIMA_KO" $orig_args && [ -r $fs/register ]; then
	tap_ok "reloaded with the original parameters ($orig_args)"
else
	tap_fail "reloaded with the original parameters ($orig_args)"
fi
tap_done

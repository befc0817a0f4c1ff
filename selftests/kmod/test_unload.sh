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
tap_plan 11

skip_all() {
	local i
	for i in $(seq $((11 - tap_n))); do tap_skip "unload test $((tap_n + 1))" "$1"; done
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

# Unload with a live container and O_PATH fds kept on module files.
id=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
mkdir /sys/fs/cgroup/$id
sh -c "echo \$\$ > /sys/fs/cgroup/$id/cgroup.procs && exec /bin/busybox true"
go=$(mktemp -u /tmp/cima-unload-go.XXXXXX)
res=$(mktemp /tmp/cima-unload-res.XXXXXX)
python3 -c '
import errno, os, sys, time
fds = [os.open(p, os.O_PATH) for p in sys.argv[3:]]
open(sys.argv[2], "w").write("ready\n")
while not os.path.exists(sys.argv[1]):
    time.sleep(0.05)
out = []
for fd in fds:
    try:
        os.close(os.open("/proc/self/fd/%d" % fd, os.O_RDONLY))
        out.append("opened")
    except OSError as e:
        out.append(errno.errorcode.get(e.errno, str(e.errno)))
open(sys.argv[2], "w").write(" ".join(out) + "\n")' "$go" "$res" \
	$fs/self/register $fs/containers/$id/event $fs/register &
pyholder=$!
for _ in $(seq 50); do grep -q ready "$res" && break; sleep 0.1; done
if rmmod cima && [ ! -e $fs ]; then
	tap_ok "rmmod with a live container and O_PATH fds on its files"
else
	tap_fail "rmmod with a live container and O_PATH fds on its files"
fi
touch "$go"
wait $pyholder
got=$(cat "$res")
rm -f "$go" "$res"
case "$got" in
*opened*|ready|"") tap_fail "after rmmod, reopening kept O_PATH fds fails cleanly" "got: ${got:-nothing}" ;;
*) tap_ok "after rmmod, reopening kept O_PATH fds fails cleanly ($got)" ;;
esac
rmdir /sys/fs/cgroup/$id

# The per-container caps.
if insmod "$CIMA_KO" backend=sim max_events=40 max_cache=8 && [ -r $fs/register ]; then
	work=$(mktemp -d /tmp/cima-caps.XXXXXX)
	id=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
	cg=/sys/fs/cgroup/$id
	mkdir "$cg"
	for i in $(seq 60); do printf '#!/bin/busybox sh\n# %s\n' "$i" > "$work/s$i"; chmod +x "$work/s$i"; done
	run() { sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$@"; }
	execs() { grep -c " cima/1 exec id=$id .* path=$work/s$1\$" $fs/ascii_runtime_measurements; }
	# s1..s9 are 9 cache entries (busybox is a tenth): s1 is evicted.
	for i in $(seq 9); do run "$work/s$i"; done
	run "$work/s9"
	run "$work/s1"
	if [ "$(execs 9)" = 1 ] && [ "$(execs 1)" = 2 ]; then
		tap_ok "max_cache=8: a re-exec of a cached file is not logged, of an evicted one is"
	else
		tap_fail "max_cache=8: the exec cache evicts its oldest" "s9: $(execs 9) events, s1: $(execs 1)"
	fi
	for i in $(seq 10 60); do run "$work/s$i"; done
	own=$(grep -c " id=$id " $fs/ascii_runtime_measurements)
	limits=$(grep -c " cima/1 violation id=$id what=limit err=28" $fs/ascii_runtime_measurements)
	if [ "$limits" = 1 ] && [ "$own" -le 41 ] && [ "$own" -ge 40 ]; then
		tap_ok "max_events=40: one limit violation, $own events of the container"
	else
		tap_fail "max_events=40: one limit violation, no events past it" "limit records: $limits, events: $own"
	fi
	out=$(echo 'late.event x' 2>&1 > $fs/containers/$id/event)
	if echo "$out" | grep -q 'No space left'; then
		tap_ok "past the cap a runtime event write fails with ENOSPC"
	else
		tap_fail "past the cap a runtime event write fails with ENOSPC" "${out:-the write succeeded}"
	fi
	rmdir "$cg"
	rm -rf "$work"
	rmmod cima
else
	tap_fail "loads with max_events=40 max_cache=8"
	tap_skip "max_events cap" "did not load"
	tap_skip "runtime write past the cap" "did not load"
fi

if insmod "$CIMA_KO" $orig_args && [ -r $fs/register ]; then
	tap_ok "reloaded with the original parameters ($orig_args)"
else
	tap_fail "reloaded with the original parameters ($orig_args)"
fi
tap_done

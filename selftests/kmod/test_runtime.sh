#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real OCI containers under cima.ko: runc and crun (Debian's) each start a
# container from a busybox root filesystem with a cgroupfs-driver
# cgroupsPath /cima-selftest-oci/<64hex> (cgroup v2, no systemd).  Checked:
#  - the runtime exits 0 and the container's process, reading its own
#    self view, sees its start and its exec of /bin/busybox with data and
#    every other record redacted;
#  - the global log has start (path = the cgroupsPath), the exec of
#    /bin/busybox whose file digest equals sha384sum of the rootfs' busybox
#    (sha256sum when sha384 is not the strongest bank), and stop, in that
#    order, and containers/<id>/ is gone after the container ended;
#  - the log still replays (tpm2_eventlog) to the register.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/common/tap.sh"
. "$top/selftests/common/rootfs.sh"
. "$top/selftests/common/oci.sh"

fs=/sys/kernel/security/cima
runtimes="runc crun"
tap_plan 13

if [ "$(id -u)" != 0 ] || [ ! -r $fs/register ]; then
	for i in $(seq 13); do tap_skip "oci test $i" "cima.ko not loaded or not root"; done
	tap_done
fi

work=$(mktemp -d /tmp/cima-oci.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bundle"
if ! cima_busybox_rootfs "$work/bundle/rootfs"; then
	for i in $(seq 13); do tap_fail "oci test $i" "cannot build the busybox rootfs"; done
	tap_done
fi

# Digest the module should log for the container's /bin/busybox.
strongest=$(awk '$1 ~ /^sha/ { n = substr($1, 4) + 0; if (n > best) { best = n; a = $1 } }
	END { print a }' $fs/register)
want_sum=$(${strongest}sum "$work/bundle/rootfs/bin/busybox" | cut -d' ' -f1)
log=$fs/ascii_runtime_measurements

# Line number (1-based) of the first ascii log line holding all patterns.
line_of() {
	local n=0 l p hit
	while IFS= read -r l; do
		n=$((n + 1))
		hit=1
		for p in "$@"; do
			case "$l" in *"$p"*) ;; *) hit=0; break ;; esac
		done
		[ $hit = 1 ] && { echo $n; return 0; }
	done < $log
	echo 0
	return 1
}

# Records of another container, so that each view has some to redact
# whatever ran before this test (run first in a boot, it had none).
other=/sys/fs/cgroup/cima-selftest-oci-other/$(cima_random_id)
mkdir -p "$other" && rmdir "$other" "${other%/*}"

for rt in $runtimes; do
	if ! command -v $rt >/dev/null 2>&1; then
		for t in "runs" "self view" "start" "exec digest" "stop" "exec paths"; do
			tap_skip "$rt: $t" "$rt is not installed"
		done
		continue
	fi
	id=$(cima_random_id)
	cima_oci_config "$work/bundle" "/cima-selftest-oci/$id" --securityfs -- \
		/bin/sh -c 'cat /sys/kernel/security/cima/self/ascii_runtime_measurements'
	out="$work/$rt.out"
	if $rt --root "$work/state-$rt" run --bundle "$work/bundle" "$id" \
		> "$out" 2> "$work/$rt.err" < /dev/null; then
		tap_ok "$rt: container runs"
	else
		tap_fail "$rt: container runs" "$(cat "$work/$rt.err")"
	fi

	# Inside: own records with data, everything else redacted.
	own=$(grep -c " id=$id " "$out")
	foreign=$(grep -vc " id=$id " "$out")
	redacted=$(grep -c ' cima/1 redacted$' "$out")
	if grep -q " cima/1 start id=$id " "$out" &&
	   grep -q " cima/1 exec id=$id .* path=/bin/busybox$" "$out" &&
	   [ "$foreign" -eq "$redacted" ] && [ "$redacted" -gt 0 ]; then
		tap_ok "$rt: self view in the container: $own own, $redacted redacted"
	else
		tap_fail "$rt: self view in the container" \
			"own $own, foreign $foreign, redacted $redacted" "$(head -c 2000 "$out")"
	fi

	s=$(line_of " cima/1 start id=$id " " path=/cima-selftest-oci/$id")
	e=$(line_of " cima/1 exec id=$id " " path=/bin/busybox" " file=$strongest:$want_sum")
	p=$(line_of " cima/1 stop id=$id ")
	tap_check "$rt: start logged with the cgroupsPath" test "$s" -gt 0
	if [ "$e" -gt "$s" ] && [ "$s" -gt 0 ]; then
		tap_ok "$rt: exec of /bin/busybox after start, file = ${strongest}sum"
	else
		tap_fail "$rt: exec of /bin/busybox after start, file = ${strongest}sum" \
			"want file=$strongest:$want_sum" "$(grep " id=$id " $log)"
	fi
	if [ "$p" -gt "$e" ] && [ "$e" -gt 0 ] && [ ! -e "$fs/containers/$id" ]; then
		tap_ok "$rt: stop logged last, container directory gone"
	else
		tap_fail "$rt: stop logged last, container directory gone" \
			"stop at line $p, exec at $e" "$(ls $fs/containers)"
	fi
	# An exec path names a file.  (runc 1.1 runs "runc init" from a
	# detached bind mount of its own binary; d_path() of that is "/".)
	badpaths=$(grep " cima/1 exec id=$id " $log | sed -n 's/.* path=\([^ ]*\)$/\1/p' |
		grep -E '^$|/$' | sort -u | tr '\n' ' ')
	if [ -z "$badpaths" ]; then
		tap_ok "$rt: every exec path names a file"
	else
		tap_fail "$rt: every exec path names a file" "exec events with path: $badpaths" \
			"$(grep " cima/1 exec id=$id " $log | grep -E ' path=(.*/)?$' | sed 's/.* cima/cima/')" \
			"sha256sum of $rt: $(sha256sum "$(command -v $rt)")"
	fi
	tap_diag "$rt events: $(grep " id=$id " $log | sed 's/.* cima\/1 \([a-z]*\) .*path=\([^ ]*\).*/\1 \2/; s/.* cima\/1 \([a-z]*\) .*/\1/' | tr '\n' ',')"
done
rmdir /sys/fs/cgroup/cima-selftest-oci 2>/dev/null

# The log still replays to the register, according to tpm2-tools.
if ! command -v tpm2_eventlog >/dev/null 2>&1; then
	tap_skip "tpm2_eventlog replay equals register" "tpm2-tools not installed"
else
	cp $fs/binary_runtime_measurements "$work/log.bin"
	idx=$(awk '$1 == "index" { print $2 }' $fs/register)
	got=$(tpm2_eventlog "$work/log.bin" 2>/dev/null | awk -v idx="$idx" '
		/^pcrs:/ { on = 1; next }
		on && /^  [a-z0-9_]+:$/ { bank = $1; sub(":", "", bank); next }
		on && $1 == idx && $2 == ":" { v = $3; sub("0x", "", v); print bank, tolower(v) }')
	reg=$(awk '$1 ~ /^(sha|sm3)/ { print $1, $2 }' $fs/register)
	if [ -n "$got" ] && [ "$got" = "$reg" ]; then
		tap_ok "tpm2_eventlog replay equals register"
	else
		tap_fail "tpm2_eventlog replay equals register" "tpm2_eventlog: $got" "register: $reg"
	fi
fi
tap_done

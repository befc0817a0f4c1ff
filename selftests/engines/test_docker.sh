#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian's docker.io (dockerd 20.10, its containerd and runc) in the VM:
# cgroupfs driver, vfs storage, no network, everything under /tmp; image
# imported from a busybox-static tarball built here.  The runtime is
# contrib/containerd/cima-runc (runc with cima-oci-hook added), set as
# dockerd's default runtime.  Checked:
#  - the container is tracked as containers/<docker's 64-hex id>/ with
#    cgroup /docker/<id>; its start, a `docker exec`, `docker restart`
#    (stop, then the same id started and tracked again) and `docker stop`
#    (stop event, directory gone) are in the log, in that order;
#  - the hook's oci.config event is the sha256 of the bundle's config.json
#    that containerd gave runc, and every runtime event hashes to its digest;
# The SDK in docker containers: test_docker_sdk.sh.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
. "$top/selftests/common/tap.sh"
. "$top/selftests/common/rootfs.sh"

N=11
tap_plan $N
if [ "$(id -u)" != 0 ] || [ ! -r /sys/kernel/security/cima/register ] ||
   [ ! -x /usr/bin/docker ] || [ ! -x /usr/sbin/dockerd ] || [ ! -x "$O/cima-oci-hook" ] ||
   ! command -v jq > /dev/null; then
	for i in $(seq $N); do tap_skip "docker test $i" "needs root, cima.ko, docker.io, jq and $O/cima-oci-hook"; done
	tap_done
fi
work=$(mktemp -d /tmp/cima-docker.XXXXXX)
. "$top/selftests/engines/lib.sh"
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	eng_docker_stop
	rm -rf "$work"
}
trap cleanup EXIT

t0=$(date +%s)
if eng_docker_start; then
	tap_ok "dockerd $(D version -f '{{.Server.Version}}') up in $(($(date +%s) - t0)) s (cgroupfs, vfs, no network)"
else
	tap_fail "dockerd starts" "$(tail -5 "$work/containerd.log" 2>/dev/null)" "$(grep -v level=info "$work/dockerd.log" 2>/dev/null | tail -10)"
	while [ $tap_n -lt $N ]; do tap_fail "docker test $((tap_n + 1))" "no dockerd"; done
	tap_done
fi

eng_busybox_rootfs "$work/bb" && tar -C "$work/bb" -cf "$work/bb.tar" . &&
	D import "$work/bb.tar" cima-bb:1 > /dev/null 2>&1
img=$(D image inspect -f '{{.Id}}' cima-bb:1 2> /dev/null)
tap_check "docker import of a busybox-static tarball ($img)" test -n "$img"

# start
id=$(D run -d --network none cima-bb:1 /bin/sleep 1000 2> "$work/run.err")
if [[ $id =~ ^[0-9a-f]{64}$ ]] && eng_tracked "$id" "/docker/$id"; then
	tap_ok "container tracked as containers/<docker's id> with cgroup /docker/<id>"
else
	tap_fail "container tracked under docker's id" "id '$id'" "$(cat "$work/run.err")" \
		"$(ls $fs/containers)"
fi
eng_check_start "$id"

# the hook: oci.config is the bundle's config.json
eng_check_config "$id" "$work/containerd-state/io.containerd.runtime.v2.task/moby/$id/config.json" \
	"containerd's bundle config.json" "$(grep -i cima "$work/dockerd.log" | tail -5)"
tap_check "hook: runtime event data hash to their sha256 digests" eng_event_hash_ok "$id"
if [ -n "$(eng_first " cima/1 runtime id=$id " "$img")" ]; then
	tap_ok "hook: the image id $img is recorded"
else
	tap_skip "hook: the image digest is recorded" \
		"docker 20.10 puts no image reference or digest in the OCI spec (no annotations), so the hook has none to record (image $img)"
fi

# exec
D exec "$id" /sbin/true
eng_check_exec "$id" $? "docker"

# restart: stop, then the same id started and tracked again
D restart -t 0 "$id" > /dev/null 2> "$work/restart.err"
eng_wait 20 eng_tracked "$id" "/docker/$id"
eng_check_restart "$id" "/docker/$id" "docker restart" "$work/restart.err"

# stop
D stop -t 0 "$id" > /dev/null
eng_check_stop "$id" "docker stop"
D rm -f "$id" > /dev/null 2>&1

tap_diag "test time $(($(date +%s) - t0)) s"
tap_done

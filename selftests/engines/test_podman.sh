#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian's podman (4.3, rootful) in the VM: cgroupfs manager, vfs storage
# under /tmp (--root, --runroot, --tmpdir), no network, no events journal;
# the image imported from a busybox-static tarball built here (podman
# import); cima-oci-hook through --hooks-dir with contrib/podman/cima.json
# (its path pointed at the build).  Checked:
#  - the container is tracked as containers/<podman's 64-hex id>/ with
#    cgroup .../libpod-<id>; start, `podman exec`, `podman restart` (stop,
#    the same id started and tracked again, the hook again) and
#    `podman stop` are measured in that order;
#  - the hook's oci.config is the sha256 of the config.json podman wrote
#    (userdata/config.json), and the image name and digest podman reports
#    (podman image inspect) are the values of the hook's image events
#    (given as the standard annotations, as a user or tool would);
#  - a container in a podman pod (no infra): its start event's pod=.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
. "$top/selftests/common/tap.sh"
. "$top/selftests/common/rootfs.sh"

N=11
tap_plan $N
if [ "$(id -u)" != 0 ] || [ ! -r /sys/kernel/security/cima/register ] ||
   [ ! -x /usr/bin/podman ] || [ ! -x "$O/cima-oci-hook" ] || ! command -v jq > /dev/null; then
	for i in $(seq $N); do tap_skip "podman test $i" "needs root, cima.ko, podman, jq and $O/cima-oci-hook"; done
	tap_done
fi
work=$(mktemp -d /tmp/cima-podman.XXXXXX)
. "$top/selftests/engines/lib.sh"
mkdir -p "$work/tmp"
P() {
	# TMPDIR: image copies go there (default /var/tmp, read-only here).
	TMPDIR=$work/tmp podman --root "$work/storage" --runroot "$work/run" --tmpdir "$work/tmp" \
		--storage-driver vfs --cgroup-manager cgroupfs --events-backend none \
		--hooks-dir "$work/hooks.d" "$@"
}
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	P rm -af -t 0 > /dev/null 2>&1
	P pod rm -af > /dev/null 2>&1
	eng_daemons_stop
	rm -rf "$work"
}
trap cleanup EXIT
t0=$(date +%s)

mkdir -p "$work/hooks.d"
jq --arg h "$O/cima-oci-hook" '.hook.path = $h' "$top/contrib/podman/cima.json" > "$work/hooks.d/cima.json"
eng_busybox_rootfs "$work/bb" && tar -C "$work/bb" -cf "$work/bb.tar" . &&
	P import "$work/bb.tar" localhost/cima-bb:1 > /dev/null 2> "$work/import.err"
if P image exists localhost/cima-bb:1; then
	tap_ok "podman $(P version -f '{{.Client.Version}}') import of a busybox-static tarball ($(($(date +%s) - t0)) s)"
else
	tap_fail "podman import" "$(cat "$work/import.err")"
fi
name=localhost/cima-bb:1
digest=$(P image inspect -f '{{.Digest}}' $name)
tap_diag "image $name digest $digest"

id=$(P run -d --network none \
	--annotation "org.opencontainers.image.ref.name=$name" \
	--annotation "org.opencontainers.image.base.digest=$digest" \
	$name /bin/sleep 1000 2> "$work/run.err")
cg=$(cat "$fs/containers/$id/cgroup" 2> /dev/null)
if [[ $id =~ ^[0-9a-f]{64}$ ]] && eng_tracked "$id" "/libpod-$id"; then
	tap_ok "container tracked as containers/<podman's id> ($cg)"
else
	tap_fail "container tracked under podman's id" "id '$id' cgroup '$cg'" "$(cat "$work/run.err")" "$(ls $fs/containers)"
fi
eng_check_start "$id"

cfg=$(find "$work/storage" -path "*/$id/userdata/config.json" 2> /dev/null | head -1)
[ -n "$cfg" ] && tap_diag "podman's annotations: $(jq -c .annotations "$cfg" | cut -c1-600)"
eng_check_config "$id" "$cfg" "podman's config.json (hooks.d)"
r=$(eng_first " cima/1 runtime id=$id src=runtime name=org.opencontainers.image.ref.name value=$name")
d=$(eng_first " cima/1 runtime id=$id src=runtime name=org.opencontainers.image.base.digest value=$digest")
if [ -n "$digest" ] && [ -n "$r" ] && [ -n "$d" ] && eng_event_hash_ok "$id"; then
	tap_ok "hook: image name and digest = podman image inspect's; event data hash to their digests"
else
	tap_fail "hook: image name and digest recorded" "ref '$r' digest '$d' ($digest)" "$(eng_events "$id")"
fi

P exec "$id" /sbin/true
eng_check_exec "$id" $? "podman"

P restart -t 0 "$id" > /dev/null 2> "$work/restart.err"
eng_wait 30 eng_tracked "$id" "/libpod-$id"
eng_check_restart "$id" "/libpod-$id" "podman restart" "$work/restart.err"

P stop -t 0 "$id" > /dev/null 2>&1
eng_check_stop "$id" "podman stop"

# A pod (without an infra container: no pause image here).
pod=$(P pod create --infra=false 2> "$work/pod.err")
pid=$(P run -d --pod "$pod" --network none $name /bin/sleep 1000 2> "$work/podrun.err")
pcg=$(cat "$fs/containers/$pid/cgroup" 2> /dev/null)
tap_diag "pod $pod: container cgroup $pcg"
tap_check "pod container tracked under its own id" eng_tracked "$pid" "/libpod-$pid"
ps=$(eng_first " cima/1 start id=$pid ")
line=$(sed -n "${ps:-0}p" $log)
if [ -z "$pcg" ] || [ -z "$ps" ]; then
	tap_fail "the pod container's start names its pod" "no pod container: $(cat "$work/pod.err" "$work/podrun.err")"
elif [[ $line == *" pod=$pod "* ]]; then
	tap_ok "the pod container's start names its pod: pod=$pod"
elif [[ $line != *" pod="* ]] && [[ $pcg != *libpod_pod_* ]]; then
	tap_skip "the pod container's start names its pod" \
		"with the cgroupfs manager podman puts the pod at ${pcg%/*}, not libpod_pod_<id> (the systemd form cima reads)"
elif [[ $line != *" pod="* ]]; then
	tap_skip "the pod container's start names its pod" "this cima.ko writes no pod= ($line)"
else
	tap_fail "the pod container's start names its pod" "$line"
fi
tap_diag "test time $(($(date +%s) - t0)) s"
tap_done

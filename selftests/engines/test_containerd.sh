#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian's containerd (1.6) driven as the CRI drives it, with ctr: each
# pod is a sandbox (pause-like: busybox sleep, container-type sandbox)
# and an app container (container-type container, the sandbox's id, in the
# sandbox's network and IPC namespaces), under Kubernetes-shaped cgroup
# paths, in both forms of the kubelet's drivers:
#   kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice/cri-containerd-<id>.scope
#   /kubepods/burstable/pod<uid>/<id>
# (runc's cgroupfs driver creates both: no systemd in the VM).  The image is
# an OCI archive built here (ctr image import); the runtime binary is
# contrib/containerd/cima-runc (ctr --runc-binary, as BinaryName in
# contrib/containerd/config.toml), which adds cima-oci-hook.  Checked:
#  - sandbox and app are tracked under their own 64-hex ids;
#  - the app's start, `ctr task exec`, a restart of its task (same
#    container id, tracked again, hook again) and its stop are measured;
#  - the hook's oci.config is the sha256 of the bundle's config.json;
#    io.kubernetes.cri.image-name and the image digest equal ctr image ls;
#  - the start events carry pod=<uid> (dashes) in both forms (SKIP when
#    this cima.ko writes no pod=).
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
. "$top/selftests/common/tap.sh"
. "$top/selftests/common/rootfs.sh"
. "$top/selftests/common/oci.sh"

N=13
tap_plan $N
if [ "$(id -u)" != 0 ] || [ ! -r /sys/kernel/security/cima/register ] ||
   [ ! -x /usr/bin/containerd ] || [ ! -x /usr/bin/ctr ] || [ ! -x "$O/cima-oci-hook" ] ||
   ! command -v jq > /dev/null; then
	for i in $(seq $N); do tap_skip "containerd test $i" "needs root, cima.ko, containerd, jq and $O/cima-oci-hook"; done
	tap_done
fi
work=$(mktemp -d /tmp/cima-ctrd.XXXXXX)
. "$top/selftests/engines/lib.sh"
ns=k8s.io
K() { C -n $ns "$@"; }
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	local c
	# Tasks killed and deleted (their cgroups go); the containers'
	# metadata goes with containerd's root under $work.
	for c in $sa $ia $sb $ib; do
		K task rm -f "$c" > /dev/null 2>&1
	done
	eng_daemons_stop
	rm -rf "$work"
}
sa='' ia='' sb='' ib=''
trap cleanup EXIT
t0=$(date +%s)

if eng_containerd_start; then
	eng_busybox_rootfs "$work/bb" && eng_oci_archive "$work/bb" docker.io/cima/busybox:1 "$work/bb.oci.tar" &&
		K image import --snapshotter native "$work/bb.oci.tar" > "$work/import.out" 2>&1
fi
img=docker.io/cima/busybox:1
read -r ref _ digest _ < <(K image ls 2> /dev/null | awk -v r=$img '$1 == r')
if [ "$ref" = "$img" ] && [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]]; then
	tap_ok "containerd $(C version 2> /dev/null | awk '/Version/ { print $2; exit }') up, image imported: $ref $digest ($(($(date +%s) - t0)) s)"
else
	tap_fail "containerd up, image imported" "$(tail -5 "$work/containerd.log")" "$(cat "$work/import.out" 2> /dev/null)"
fi

# run_ctr ID CGROUP TYPE [SANDBOX_ID]: a CRI-shaped container, detached.
run_ctr() {
	local id=$1 cg=$2 type=$3 sb=${4:-$1} a=()
	if [ "$type" = container ]; then
		local spid
		spid=$(K task ls 2> /dev/null | awk -v s="$sb" '$1 == s { print $2 }')
		a=(--with-ns "network:/proc/$spid/ns/net" --with-ns "ipc:/proc/$spid/ns/ipc")
	fi
	K run -d --snapshotter native --runc-binary "$top/contrib/containerd/cima-runc" \
		--cgroup "$cg" "${a[@]}" \
		--annotation "io.kubernetes.cri.container-type=$type" \
		--annotation "io.kubernetes.cri.sandbox-id=$sb" \
		--annotation "io.kubernetes.cri.image-name=$img" \
		--annotation "org.opencontainers.image.base.digest=$digest" \
		"$img" "$id" /bin/sleep 1000 > /dev/null 2>> "$work/run.err"
}

# The pod in the systemd driver's form.
uid=$(cat /proc/sys/kernel/random/uuid)
sa=$(cima_random_id)
ia=$(cima_random_id)
pa=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid//-/_}.slice
run_ctr "$sa" "$pa/cri-containerd-$sa.scope" sandbox
run_ctr "$ia" "$pa/cri-containerd-$ia.scope" container "$sa"
if eng_tracked "$sa" "$pa/cri-containerd-$sa.scope" && eng_tracked "$ia" "$pa/cri-containerd-$ia.scope"; then
	tap_ok "systemd-form pod: sandbox and app tracked under their own ids (cri-containerd-<id>.scope)"
else
	tap_fail "systemd-form pod: sandbox and app tracked" "$(cat "$work/run.err")" "$(ls $fs/containers)"
fi
eng_check_start "$ia" "app: "
eng_check_config "$ia" "$work/containerd-state/io.containerd.runtime.v2.task/$ns/$ia/config.json" \
	"the bundle's config.json (cima-runc)"
n=$(eng_first " cima/1 runtime id=$ia src=runtime name=io.kubernetes.cri.image-name value=$ref")
d=$(eng_first " cima/1 runtime id=$ia src=runtime name=org.opencontainers.image.base.digest value=$digest")
if [ -n "$ref" ] && [ -n "$n" ] && [ -n "$d" ] && eng_event_hash_ok "$ia"; then
	tap_ok "hook: image name and digest = ctr image ls ($ref $digest); data hash to digests"
else
	tap_fail "hook: image name and digest recorded" "name '$n' digest '$d'" "$(eng_events "$ia")"
fi

K task exec --exec-id probe "$ia" /sbin/true
eng_check_exec "$ia" $? "ctr task"

# Restart: the task killed and removed, a new task of the same container.
K task kill -s KILL "$ia" > /dev/null 2>&1
eng_wait 30 eval "K task ls | grep -q '^$ia .*STOPPED'"
K task rm "$ia" > /dev/null 2>&1
K task start -d "$ia" > /dev/null 2> "$work/restart.err"
eng_wait 30 eng_tracked "$ia" "$pa/cri-containerd-$ia.scope"
eng_check_restart "$ia" "$pa/cri-containerd-$ia.scope" "task restart" "$work/restart.err"

K task kill -s KILL "$ia" > /dev/null 2>&1
eng_wait 30 eval "K task ls | grep -q '^$ia .*STOPPED'"
K task rm "$ia" > /dev/null 2>&1
eng_check_stop "$ia" "stop"

# pod_check NAME UID ID...: every ID's start event carries pod=UID.
pod_check() {
	local what=$1 want=$2 i l bad='' none=1
	shift 2
	for i in "$@"; do
		l=$(sed -n "$(eng_first " cima/1 start id=$i ")p" $log)
		[[ $l == *" pod="* ]] && none=0
		[[ $l == *" pod=$want path="* ]] || bad="$bad $i: ${l#* cima/1 }"
	done
	if [ -z "$bad" ]; then
		tap_ok "$what: sandbox and app start events carry pod=$want"
	elif [ $none = 1 ]; then
		tap_skip "$what: start events carry pod=$want" "this cima.ko writes no pod= in start events"
	else
		tap_fail "$what: start events carry pod=$want" "$bad"
	fi
}
pod_check "systemd form (pod${uid//-/_}.slice)" "$uid" "$sa" "$ia"

# The pod in the cgroupfs driver's form.
uidb=$(cat /proc/sys/kernel/random/uuid)
sb=$(cima_random_id)
ib=$(cima_random_id)
pb=/kubepods/burstable/pod$uidb
run_ctr "$sb" "$pb/$sb" sandbox
run_ctr "$ib" "$pb/$ib" container "$sb"
if eng_tracked "$sb" "$pb/$sb" && eng_tracked "$ib" "$pb/$ib"; then
	tap_ok "cgroupfs-form pod: sandbox and app tracked under their own ids (/kubepods/burstable/pod<uid>/<id>)"
else
	tap_fail "cgroupfs-form pod: sandbox and app tracked" "$(tail -3 "$work/run.err")" "$(ls $fs/containers)"
fi
pod_check "cgroupfs form (pod<uid>)" "$uidb" "$sb" "$ib"
n=$(eng_first " cima/1 runtime id=$ib src=runtime name=io.kubernetes.cri.image-name value=$ref")
s=$(eng_first " cima/1 runtime id=$sb src=runtime name=oci.config ")
tap_check "cgroupfs-form pod: the hook ran for the sandbox and the app" test -n "$n" -a -n "$s"
tap_diag "test time $(($(date +%s) - t0)) s"
tap_done

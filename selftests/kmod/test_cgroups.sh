#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Container recognition and the corners of measurement, against tools this
# project did not write (coreutils stat and sha384sum, util-linux setpriv):
#  - every built-in cgroup name form (systemd and cgroupfs drivers of
#    docker, containerd, CRI-O, podman, and the bare id) becomes a
#    container with the right id, and the container's cgroup file names
#    the cgroup's path and its id (the cgroup2 inode number); near-miss
#    names are not containers;
#  - a second cgroup with a live container's id is not tracked but
#    counted in violations and marked in the log;
#  - an executable that changes is measured again (new digest =
#    sha384sum), an unchanged one is not;
#  - an unprivileged process inside a container reads its self view, and
#    is refused the global log;
#  - a container in a pod (Kubernetes, both cgroup drivers; podman pods)
#    names the pod in its start event, and one outside a pod does not;
#  - containers/<id>/ is there for a lookup made right after mkdir, also
#    from another process and while other containers start, and requests
#    that would change containers/ fail at once instead of waiting; a
#    listing of containers/ names every live container, and only those,
#    and the first look may come from an unprivileged user; a read of the
#    log right after an rmdir has its stop, even during churn.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
. "$top/selftests/common/tap.sh"
. "$top/selftests/common/oci.sh"

fs=/sys/kernel/security/cima
log=$fs/ascii_runtime_measurements
cgname=cima-selftest-names
base=/sys/fs/cgroup/$cgname
forms='docker-%s.scope cri-containerd-%s.scope crio-%s.scope crio-%s libpod-%s.scope libpod-%s %s'
N=21
tap_plan $N
if [ "$(id -u)" != 0 ] || [ ! -r $fs/register ]; then
	for i in $(seq $N); do tap_skip "cgroup test $i" "needs root and cima.ko"; done
	tap_done
fi
grep -qx 'defaults on' $fs/policy || echo 'defaults on' > $fs/policy

work=$(mktemp -d /tmp/cima-cg.XXXXXX)
cleanup() {
	find $base -depth -type d -exec rmdir {} \; 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p $base

# 1-7: each built-in form.
for form in $forms; do
	id=$(cima_random_id)
	# shellcheck disable=SC2059
	name=$(printf "$form" "$id")
	mkdir "$base/$name"
	ino=$(stat -c %i "$base/$name")
	if [ -d "$fs/containers/$id" ] &&
	   grep -qx "path /$cgname/$name" "$fs/containers/$id/cgroup" &&
	   grep -qx "id $ino" "$fs/containers/$id/cgroup" &&
	   grep -q " cima/1 start id=$id cg=$ino " $log; then
		tap_ok "$(printf "$form" '<64hex>'): container <64hex>, cgroup file path and id (inode $ino), start logged"
	else
		tap_fail "$(printf "$form" '<64hex>'): tracked as its id" \
			"containers/$id: $(cat "$fs/containers/$id/cgroup" 2>&1)" "stat inode: $ino"
	fi
	rmdir "$base/$name"
done

# 8: near misses are not containers.
id=$(cima_random_id)
upper=$(echo "$id" | tr a-f A-F)
tracked=
for name in "docker-$id" "${id%?}" "${id}0" "$upper" "crio-conmon-$id.scope" "docker-$id.scope.x"; do
	before=$(ls $fs/containers | wc -l)
	mkdir "$base/$name"
	after=$(ls $fs/containers | wc -l)
	[ "$after" = "$before" ] || tracked="$tracked $name"
	rmdir "$base/$name"
done
tap_check "near-miss names (no .scope on docker, 63/65 hex, upper case, conmon) are not containers${tracked:+:$tracked}" \
	test -z "$tracked"

# 9-10: the same id twice.
id=$(cima_random_id)
mkdir "$base/a" "$base/b"
mkdir "$base/a/$id"
v0=$(cat $fs/violations) n0=$(cat $fs/runtime_measurements_count)
mkdir "$base/b/$id"
v1=$(cat $fs/violations) n1=$(cat $fs/runtime_measurements_count)
if [ $((v1 - v0)) = 1 ] && tail -n $((n1 - n0)) $log | grep -q " cima/1 violation id=$id what=start err=17"; then
	tap_ok "a second cgroup with a live id: violations $v0 -> $v1, violation what=start err=17 logged"
else
	tap_fail "a second cgroup with a live id is a logged violation" "violations $v0 -> $v1" \
		"$(tail -n $((n1 - n0)) $log | cut -c1-200)"
fi
if grep -qx "path /$cgname/a/$id" "$fs/containers/$id/cgroup"; then
	tap_ok "the first container keeps the id"
else
	tap_fail "the first container keeps the id" "$(cat "$fs/containers/$id/cgroup")"
fi
rmdir "$base/b/$id" "$base/a/$id" "$base/a" "$base/b"

# 11-12: a changing executable.  Run PROGRAM in container cgroup $1.
in_cg() { local cg=$1; shift; sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$@"; }
id=$(cima_random_id)
mkdir "$base/$id"
prog=$work/prog
cp /bin/true "$prog"
execs() { grep -c " cima/1 exec id=$id .* path=$prog\$" $log; }
in_cg "$base/$id" "$prog"; in_cg "$base/$id" "$prog"
one=$(execs)
d1=$(sha384sum "$prog" | cut -d' ' -f1)
cp /bin/false "$prog"	# same path, other content (cp rewrites in place)
in_cg "$base/$id" "$prog"; in_cg "$base/$id" "$prog"
two=$(execs)
d2=$(sha384sum "$prog" | cut -d' ' -f1)
last=$(grep " cima/1 exec id=$id .* path=$prog\$" $log | tail -1)
if [ "$one" = 1 ] && [ "$two" = 2 ]; then
	tap_ok "unchanged re-exec logged once; after the file changed, once more"
else
	tap_fail "exec logged once per content" "events before the change: $one, after: $two"
fi
if echo "$last" | grep -q "file=sha384:$d2 " && [ "$d1" != "$d2" ]; then
	tap_ok "the new exec event carries the new content's sha384sum"
else
	tap_fail "the new exec event carries the new content's sha384sum" "sha384sum $d2" "$last"
fi

# 13-14: an unprivileged process in the container.
out=$(in_cg "$base/$id" setpriv --reuid 65534 --regid 65534 --clear-groups \
	cat $fs/self/ascii_runtime_measurements 2>&1)
if echo "$out" | grep -q " cima/1 start id=$id "; then
	tap_ok "uid 65534 in the container reads its self view (its start is there)"
else
	tap_fail "uid 65534 in the container reads its self view" "$(echo "$out" | head -3)"
fi
out=$(in_cg "$base/$id" setpriv --reuid 65534 --regid 65534 --clear-groups \
	cat $log 2>&1)
if echo "$out" | grep -q 'Permission denied'; then
	tap_ok "uid 65534 in the container is refused the global log (EACCES)"
else
	tap_fail "uid 65534 in the container is refused the global log" "$(echo "$out" | head -3)"
fi
rmdir "$base/$id"

# 15-16: pods, from the engines' cgroup layouts (the uid of the systemd
# form is written with '_' and must come back with '-').
uuid=$(cat /proc/sys/kernel/random/uuid)
static=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
podman=$(cima_random_id)
bad=""
for spec in \
	"kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$(echo "$uuid" | tr - _).slice/cri-containerd-%s.scope $uuid" \
	"kubepods.slice/kubepods-pod$(echo "$uuid" | tr - _).slice/crio-%s.scope $uuid" \
	"kubepods/burstable/pod$uuid/%s $uuid" \
	"kubepods/besteffort/pod$static/%s $static" \
	"machine.slice/machine-libpod_pod_$podman.slice/libpod-%s.scope $podman"; do
	form=${spec% *} pod=${spec##* } id=$(cima_random_id)
	# shellcheck disable=SC2059
	dir=$base/$(printf "$form" "$id")
	mkdir -p "$dir"
	start=$(grep " cima/1 start id=$id " $log)
	case "$start" in
	*" cg=$(stat -c %i "$dir") pod=$pod path=/$cgname/"*) ;;
	*) bad="$bad
$form: '${start#* cima/1 }' (want pod=$pod)" ;;
	esac
	rmdir "$dir"
done
if [ -z "$bad" ]; then
	tap_ok "a container in a pod names it: kubepods systemd (burstable, guaranteed) and cgroupfs (UUID, static-pod hash), podman pod"
else
	tap_fail "a container in a pod names it in its start event" "$bad"
fi
bad=""
for form in "%s" "notkube/pod$uuid/%s" "kubepods/burstable/podXYZ/%s" \
	"machine.slice/machine-libpod_pod_${podman%?}.slice/libpod-%s.scope"; do
	id=$(cima_random_id)
	# shellcheck disable=SC2059
	dir=$base/$(printf "$form" "$id")
	mkdir -p "$dir"
	start=$(grep " cima/1 start id=$id " $log)
	case "$start" in
	"") bad="$bad
$form: not tracked" ;;
	*" pod="*) bad="$bad
$form: '${start#* cima/1 }'" ;;
	esac
	rmdir "$dir"
done
tap_check "no pod= outside a pod layout (plain, pod<uid> not under kubepods, non-hex uid, 63-hex podman pod)${bad}" \
	test -z "$bad"

# 17-21: a container's directory is not made at its start but at the
# first look in containers/ (fs.c: ->permission makes the ones owed), so
# a module that did not make them there fails 17, 20 and 21.  Looked up
# from another process than the one that made the cgroup, while a
# background loop starts more containers; mkdir, file creation and rmdir
# in containers/ (asked with the directory locked, which making one
# needs) must fail, not wait.  19: stops are logged from a workqueue, a
# tick at a time; a read of the log waits for the stops queued before it
# began, not for every stop (the churn always has one more queued).
# The churn makes its ids without forking (it would starve the VM).
churn() {
	local i
	while :; do
		printf -v i '%016x%016x%016x%016x' "$RANDOM$RANDOM" "$RANDOM$RANDOM" "$RANDOM$RANDOM" "$RANDOM$RANDOM"
		mkdir "$base/$i" && rmdir "$base/$i"
	done
}
churn & cpid=$!
missing="" hung="" changed="" nostop=""
for i in $(seq 10); do
	id=$(cima_random_id)
	mkdir "$base/$id"
	sh -c 'test -d "$0/containers/$1" && test -r "$0/containers/$1/cgroup"' "$fs" "$id" ||
		missing="$missing $id"
	timeout 10 mkdir "$fs/containers/x$id" 2> /dev/null; rc=$?
	[ $rc = 124 ] && hung="$hung mkdir"; [ $rc = 0 ] && changed="$changed mkdir"
	timeout 10 touch "$fs/containers/y$id" 2> /dev/null; rc=$?
	[ $rc = 124 ] && hung="$hung touch"; [ $rc = 0 ] && changed="$changed touch"
	timeout 10 rmdir "$fs/containers/$id" 2> /dev/null; rc=$?
	[ $rc = 124 ] && hung="$hung rmdir"; [ $rc = 0 ] && changed="$changed rmdir"
	rmdir "$base/$id"
	# A read begun after rmdir returned has the stop, and is not held
	# back by the stops the churn keeps queueing.
	n=$(timeout 30 grep -c " cima/1 stop id=$id " $log)
	[ "$n" = 1 ] || nostop="$nostop $id:${n:-none}"
done
kill $cpid; wait $cpid 2> /dev/null
find $base -mindepth 1 -maxdepth 1 -type d -exec rmdir {} \; 2> /dev/null
tap_check "10 containers started beside a churn loop: each containers/<id>/ and its files there for another process right after mkdir${missing:+; missing:$missing}" \
	test -z "$missing"
tap_check "mkdir, file creation and rmdir in containers/ fail at once during churn${hung:+; hung:$hung}${changed:+; succeeded:$changed}" \
	test -z "$hung$changed"
tap_check "a log read right after rmdir, during churn, has the stop and does not hang${nostop:+; stops seen:$nostop}" \
	test -z "$nostop"

# 20: five containers started with no look in between, two of them
# stopped again: one listing (an open of containers/, no lookup) names the
# three live ones, not the two stopped, and their files are there.
ids="" gone="" bad=""
for i in 1 2 3 4 5; do
	id=$(cima_random_id)
	mkdir "$base/$id"
	if [ $i -le 2 ]; then rmdir "$base/$id"; gone="$gone $id"; else ids="$ids $id"; fi
done
listing=$(sh -c 'ls "$0"' "$fs/containers")
for id in $ids; do
	printf '%s\n' "$listing" | grep -qx "$id" && [ -f "$fs/containers/$id/cgroup" ] ||
		bad="$bad missing:$id"
done
for id in $gone; do
	printf '%s\n' "$listing" | grep -qx "$id" && bad="$bad stopped:$id"
done
tap_check "one listing after 5 starts and 2 stops names the 3 live containers only${bad:+;$bad}" \
	test -z "$bad"
for id in $ids; do rmdir "$base/$id"; done

# 21: the first look at a new container comes from uid 65534: it finds
# the directory, cannot read its files (0400), and root then reads the
# right cgroup path from them.
id=$(cima_random_id)
mkdir "$base/$id"
setpriv --reuid 65534 --regid 65534 --clear-groups sh -c \
	'test -d "$0/containers/$1" && ! cat "$0/containers/$1/cgroup" 2> /dev/null' "$fs" "$id"; rc=$?
got=$(sed -n 's/^path //p' "$fs/containers/$id/cgroup" 2> /dev/null)
tap_check "a first look by uid 65534 makes the directory, which it cannot read (rc $rc); root reads path '$got'" \
	test $rc = 0 -a "$got" = "/$cgname/$id"
rmdir "$base/$id"
tap_done

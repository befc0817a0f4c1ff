# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers of the engine selftests (docker, podman, containerd in the VM).
# Source after tap.sh; needs $top, $O and $work (a scratch directory).
# shellcheck disable=SC2154  # $top, $O and $work are the caller's

fs=/sys/kernel/security/cima
log=$fs/ascii_runtime_measurements

# Line numbers (1-based) in the global ascii log of lines holding every
# pattern (fixed strings).
eng_lines() {
	awk -v n=$# 'BEGIN { for (i = 1; i < ARGC; i++) p[i] = ARGV[i]; ARGC = 1 }
		{ hit = 1; for (i = 1; i <= n; i++) if (index($0, p[i]) == 0) { hit = 0; break }
		  if (hit) print NR }' "$@" < $log
}
eng_first() { eng_lines "$@" | head -1; }
eng_last() { eng_lines "$@" | tail -1; }
eng_count() { eng_lines "$@" | wc -l; }

# The container's events (data only), for diagnostics.
eng_events() {
	grep " id=$1 " $log | sed 's/^[^ ]* [^ ]* [^ ]* //' | cut -c1-160
}

# A static busybox rootfs in DIR (common/rootfs.sh) with one more file,
# /sbin/true: a copy of busybox under its own path, so that an exec of it
# is logged as a new event even in a container that ran busybox already.
eng_busybox_rootfs() {
	cima_busybox_rootfs "$1" || return 1
	mkdir -p "$1/sbin" && cp "$1/bin/busybox" "$1/sbin/true"
}

# A root of mount points for python3 from the host: /usr (with the merged
# /bin, /lib symlinks), the source tree and the build, bind-mounted
# read-only by the engine at run time.
eng_python_rootfs() {
	local dir=$1 d
	shift
	for d in usr proc dev sys tmp run run/cima run/cima-self etc root "$@"; do
		mkdir -p "$dir/$d" || return 1
	done
	for d in bin sbin lib lib64; do ln -sfn "usr/$d" "$dir/$d" || return 1; done
	echo "root:x:0:0:root:/root:/bin/sh" > "$dir/etc/passwd"
	echo "root:x:0:" > "$dir/etc/group"
}

# eng_wait SECONDS COMMAND...: retry COMMAND every 0.5 s until it succeeds,
# for at most SECONDS of wall clock time; give up at once when it returns 2.
eng_wait() {
	local end=$(($(date +%s) + $1)) rc
	shift
	while :; do
		"$@" > /dev/null 2>&1
		rc=$?
		[ $rc = 0 ] && return 0
		[ $rc = 2 ] && return 1
		[ "$(date +%s)" -lt $end ] || return 1
		sleep 0.5
	done
}

# eng_tracked ID CGPATH: containers/<ID>/ exists and names the cgroup path.
eng_tracked() {
	[ -d "$fs/containers/$1" ] && grep -q "$2" "$fs/containers/$1/cgroup"
}

# eng_event_hash_ok ID: every runtime event of ID hashes (data) to its
# logged sha256 digest, checked with sha256sum.
eng_event_hash_ok() {
	local l dig data bad=0
	while IFS= read -r l; do
		dig=$(echo "$l" | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^sha256:/) { print substr($i, 8); exit } }')
		data="cima/1 ${l#* cima/1 }"
		[ "$(printf '%s' "$data" | sha256sum | cut -d' ' -f1)" = "$dig" ] || bad=$((bad + 1))
	done < <(grep " cima/1 runtime id=$1 " $log)
	[ $bad -eq 0 ]
}

# containerd for a test, everything under $work (no CRI plugin; the opt
# plugin's directory moved off the read-only /opt).  Its socket is
# $work/containerd.sock; C runs ctr on it.  eng_containerd_start returns
# non-zero when it does not answer within 150 s.  Its runtime shims run
# cima-runc with CIMA_OCI_HOOK=$O/cima-oci-hook (or the caller's
# $CIMA_OCI_HOOK: a stand-in that records nothing shows the hook checks
# fail).
C() { ctr --address "$work/containerd.sock" "$@"; }
eng_containerd_pid=''

# shellcheck disable=SC2317  # called through eng_wait
eng_containerd_up() {
	kill -0 "$eng_containerd_pid" || return 2
	[ -S "$work/containerd.sock" ] && grep -q 'containerd successfully booted' "$work/containerd.log"
}

eng_containerd_start() {
	mkdir -p "$work/opt" || return 1
	cat > "$work/containerd.toml" <<TOML
version = 2
root = "$work/containerd"
state = "$work/containerd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
	"io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
	"io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$work/containerd.sock"
[ttrpc]
  address = "$work/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$work/opt"
TOML
	CIMA_OCI_HOOK=${CIMA_OCI_HOOK:-$O/cima-oci-hook} containerd --config "$work/containerd.toml" > "$work/containerd.log" 2>&1 &
	eng_containerd_pid=$!
	eng_wait 150 eng_containerd_up
}

# Stop the daemons this test started and unmount what they left under
# $work (dockerd bind-mounts its data root).
# shellcheck disable=SC2317  # called by the EXIT trap
eng_daemons_stop() {
	local p m
	for p in $eng_dockerd_pid $eng_containerd_pid; do
		kill "$p" 2> /dev/null
		for _ in $(seq 60); do
			kill -0 "$p" 2> /dev/null || break
			sleep 0.5
		done
	done
	awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r |
	while read -r m; do umount "$m" 2> /dev/null || umount -l "$m"; done
}

# dockerd (Debian's docker.io) for a test, everything under $work:
# cgroupfs driver, vfs storage, no iptables, no bridge, and
# contrib/containerd/cima-runc as the default runtime (runc with the hook).
# D runs the client (/usr/bin/docker: not a docker client elsewhere in
# $PATH).  eng_docker_start returns non-zero when dockerd is not up within
# 150 s; eng_docker_stop (for the EXIT trap) removes the containers and
# stops dockerd and its containerd.
docker=/usr/bin/docker
D() { $docker -H "unix://$work/docker.sock" "$@"; }
eng_dockerd_pid=''
eng_etc_docker=''

# shellcheck disable=SC2317  # called through eng_wait
eng_docker_up() {
	kill -0 "$eng_dockerd_pid" || return 2
	[ -S "$work/docker.sock" ] && grep -q 'API listen on' "$work/dockerd.log"
}

eng_docker_start() {
	# dockerd writes /etc/docker/key.json whatever its configuration says;
	# the VM's root is read-only: a tmpfs over /etc/docker (the guest's).
	if [ ! -d /etc/docker ] || ! touch /etc/docker/.cima-w 2> /dev/null; then
		mount -t tmpfs -o mode=0755 cima-etc-docker /etc/docker && eng_etc_docker=1
	fi
	rm -f /etc/docker/.cima-w
	cat > "$work/daemon.json" <<JSON
{
	"data-root": "$work/data",
	"exec-root": "$work/exec",
	"pidfile": "$work/docker.pid",
	"hosts": [ "unix://$work/docker.sock" ],
	"exec-opts": [ "native.cgroupdriver=cgroupfs" ],
	"storage-driver": "vfs",
	"iptables": false,
	"ip-masq": false,
	"bridge": "none",
	"runtimes": { "cima": { "path": "$top/contrib/containerd/cima-runc" } },
	"default-runtime": "cima"
}
JSON
	# Its own containerd, started here: dockerd's wait for a containerd it
	# starts itself is too short for a loaded TCG guest.
	eng_containerd_start || return 1
	dockerd --config-file "$work/daemon.json" \
		--containerd "$work/containerd.sock" > "$work/dockerd.log" 2>&1 &
	eng_dockerd_pid=$!
	eng_wait 150 eng_docker_up
}

# shellcheck disable=SC2317  # called by the EXIT trap
eng_docker_stop() {
	local ids
	ids=$(D ps -aq 2> /dev/null)
	# shellcheck disable=SC2086  # ids are words
	[ -n "$ids" ] && D rm -f $ids > /dev/null 2>&1
	eng_daemons_stop
	[ -n "$eng_etc_docker" ] && umount /etc/docker
}

# eng_oci_archive ROOTFS_DIR NAME OUT.tar: an OCI image layout archive (one
# uncompressed layer: ROOTFS_DIR) named NAME, for `ctr image import`.
eng_oci_archive() {
	python3 - "$@" <<'PY'
import hashlib, io, json, os, sys, tarfile
src, name, out = sys.argv[1:4]
blobs = {}
def blob(data, mt):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    blobs[d] = data
    return {"mediaType": mt, "digest": d, "size": len(data)}
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
    for e in sorted(os.listdir(src)):
        t.add(os.path.join(src, e), arcname=e)
layer = buf.getvalue()
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "config": {"Env": ["PATH=/bin:/sbin"]},
                     "rootfs": {"type": "layers",
                                "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]}}).encode()
manifest = json.dumps({"schemaVersion": 2,
                       "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": blob(config, "application/vnd.oci.image.config.v1+json"),
                       "layers": [blob(layer, "application/vnd.oci.image.layer.v1.tar")]}).encode()
m = blob(manifest, "application/vnd.oci.image.manifest.v1+json")
m["annotations"] = {"io.containerd.image.name": name,
                    "org.opencontainers.image.ref.name": name.rsplit(":", 1)[1]}
index = json.dumps({"schemaVersion": 2, "manifests": [m]}).encode()
with tarfile.open(out, "w") as t:
    def add(path, data):
        i = tarfile.TarInfo(path); i.size = len(data); t.addfile(i, io.BytesIO(data))
    add("oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
    add("index.json", index)
    for d, data in blobs.items():
        add("blobs/sha256/" + d[7:], data)
PY
}

# ---- the checks every engine's test makes, in the order it makes them ----
# Each sets the line numbers it found (globals, read by the later checks):
# s1 x1 (start, first exec), x2 (exec), st1 s2 x3 c2 (restart), st2 (stop).
# $1 is always the container id; WHAT names the engine's verb in the output.

# The start, then the exec of the container's /bin/busybox.  [PREFIX]
eng_check_start() {
	s1=$(eng_first " cima/1 start id=$1 ")
	x1=$(eng_first " cima/1 exec id=$1 " " path=/bin/busybox")
	if [ -n "$s1" ] && [ -n "$x1" ] && [ "$s1" -lt "$x1" ]; then
		tap_ok "${2:-}start (line $s1) then the exec of the container's /bin/busybox (line $x1)"
	else
		tap_fail "${2:-}start and first exec measured" "start '$s1' exec '$x1'" "$(eng_events "$1")"
	fi
}

# The hook's oci.config is the sha256 of CONFIG (the bundle's config.json),
# logged between the start and the first exec.  ID CONFIG WHO [DIAG...]
eng_check_config() {
	local id=$1 cfg=$2 who=$3 want c
	shift 3
	want=$([ -r "$cfg" ] && sha256sum "$cfg" | cut -d' ' -f1)
	c=$(eng_first " cima/1 runtime id=$id src=runtime name=oci.config value=sha256:$want")
	if [ -n "$want" ] && [ -n "$c" ] && [ "$c" -gt "${s1:-0}" ] && [ "$c" -lt "${x1:-0}" ]; then
		tap_ok "hook: oci.config = sha256 of $who, between start and exec"
	else
		tap_fail "hook: oci.config = sha256 of $who" "config '$cfg' want '$want' line '$c'" \
			"$(eng_events "$id")" "$@"
	fi
}

# After "WHAT exec ID /sbin/true" exited with RC: that exec is logged.
eng_check_exec() {
	x2=$(eng_first " cima/1 exec id=$1 " " path=/sbin/true")
	if [ "$2" = 0 ] && [ -n "$x2" ] && [ "$x2" -gt "${x1:-0}" ]; then
		tap_ok "$3 exec measured: exec of /sbin/true (line $x2)"
	else
		tap_fail "$3 exec measured" "rc $2 line '$x2'" "$(eng_events "$1")"
	fi
}

# After a restart (errors in ERRFILE): a stop, a start of the same id, its
# exec, tracked again at CGROUP; then the hook ran again.  ID CGROUP WHAT ERRFILE
eng_check_restart() {
	st1=$(eng_first " cima/1 stop id=$1 ")
	s2=$(eng_last " cima/1 start id=$1 ")
	x3=$(eng_last " cima/1 exec id=$1 " " path=/bin/busybox")
	c2=$(eng_last " cima/1 runtime id=$1 src=runtime name=oci.config ")
	if [ -n "$st1" ] && [ "$st1" -gt "${x2:-0}" ] && [ "${s2:-0}" -gt "$st1" ] &&
	   [ "${x3:-0}" -gt "${s2:-0}" ] && eng_tracked "$1" "$2"; then
		tap_ok "$3: stop (line $st1), start of the same id (line $s2), its exec (line $x3), tracked again"
	else
		tap_fail "$3 measured" "stop '$st1' start '$s2' exec '$x3'" "$(cat "$4")" "$(eng_events "$1")"
	fi
	tap_check "$3: the hook ran again for the new start (line ${c2:-none})" test "${c2:-0}" -gt "${s2:-0}"
}

# After the container stopped for good: a stop event, the directory gone.
eng_check_stop() {
	eng_wait 30 test ! -d "$fs/containers/$1"
	st2=$(eng_last " cima/1 stop id=$1 ")
	if [ -n "$st2" ] && [ "$st2" -gt "${s2:-0}" ] && [ ! -d "$fs/containers/$1" ]; then
		tap_ok "$2: stop event (line $st2), containers/<id> removed"
	else
		tap_fail "$2 measured" "stop '$st2'" "$(eng_events "$1")"
	fi
}

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cima-node-setup.sh: the init container of the cima-node DaemonSet
# (deploy/kubernetes/daemonset.yaml, Documentation/kubernetes.md).  Runs
# privileged with the node's PID namespace and the node's / at /host, and
# makes the node ready for measured containers:
#
#  1. the module: already loaded, or the image's prebuilt cima.ko for the
#     node's `uname -r` (/opt/cima/modules/<release>/cima.ko), or DKMS (the
#     image's cima-dkms package, installed on the node with the kernel's
#     headers); loaded with CIMA_MODULE_ARGS, and on every boot after
#     (/etc/modules-load.d, /etc/modprobe.d);
#  2. the report broker: cima-reportd and its socket unit on the node
#     (/usr/local), socket /run/cima/reportd.sock, which workload pods
#     mount (Documentation/container.md);
#  3. containerd: the OCI hook (cima-oci-hook) and contrib/containerd's
#     cima-runc, named as the runc runtime's BinaryName in a configuration
#     file that /etc/containerd/config.toml imports; containerd restarts
#     only when that configuration changed.
#
# Environment (from the cima-node ConfigMap):
#   CIMA_MODULE_SOURCE  auto | prebuilt | dkms           (default auto)
#   CIMA_MODULE_ARGS    module parameters                (default backend=tpm)
#   CIMA_CONTAINERD     yes | no                          (default yes)
#   CIMA_HOOK_ARGS      extra hook arguments for cima-runc
#   CIMA_HOST           the node's / in this container   (default /host)
#   CIMA_IMAGE_DIR      the image's files                 (default /opt/cima)
# Any step that fails stops the script with a message and a non-zero exit,
# so the pod does not become ready on a node that is not measuring.
set -eu

host=${CIMA_HOST:-/host}
img=${CIMA_IMAGE_DIR:-/opt/cima}
source=${CIMA_MODULE_SOURCE:-auto}
args=${CIMA_MODULE_ARGS:-backend=tpm}
containerd=${CIMA_CONTAINERD:-yes}
stage=/var/cache/cima-node	# on the node
rel=$(uname -r)

say() { echo "cima-node-setup: $*"; }
die() { echo "cima-node-setup: $*" >&2; exit 1; }
# A command in the node's namespaces (needs hostPID and privileged).
on_node() { nsenter --target 1 --mount --uts --ipc --net --pid -- "$@"; }

case $source in auto|prebuilt|dkms) ;; *) die "CIMA_MODULE_SOURCE=$source: want auto, prebuilt or dkms" ;; esac
case $containerd in yes|no) ;; *) die "CIMA_CONTAINERD=$containerd: want yes or no" ;; esac
[ -d "$host/etc" ] || die "$host is not the node's root (mount it with hostPath /)"
on_node true || die "cannot enter the node's namespaces (hostPID and privileged are needed)"

# The image's Debian packages, staged on the node for apt and dkms.
mkdir -p "$host$stage"
cp "$img"/debs/*.deb "$host$stage/" || die "no Debian packages in $img/debs"

# --- 1. the module --------------------------------------------------------
if grep -q '^cima ' /proc/modules; then
	say "cima.ko is already loaded"
else
	ko=$img/modules/$rel/cima.ko
	if [ "$source" != dkms ] && [ -f "$ko" ]; then
		say "prebuilt cima.ko for $rel"
		install -D -m 0644 "$ko" "$host/lib/modules/$rel/updates/cima/cima.ko"
		on_node depmod -a "$rel"
	elif [ "$source" != prebuilt ]; then
		say "no prebuilt cima.ko for $rel: DKMS (cima-dkms, linux-headers-$rel)"
		# The package's postinst builds and installs the module for the
		# running kernel; dkms signs it with the node's MOK key
		# (Documentation/secure-boot.md).
		on_node env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			"linux-headers-$rel" "$stage"/cima-dkms_*.deb ||
			die "installing cima-dkms for $rel failed"
	else
		die "no prebuilt cima.ko for $rel in the image (CIMA_MODULE_SOURCE=prebuilt)"
	fi
	echo "options cima $args" > "$host/etc/modprobe.d/cima.conf"
	echo cima > "$host/etc/modules-load.d/cima.conf"
	on_node modprobe cima || die "modprobe cima failed (Secure Boot: is the signing key enrolled?)"
fi
on_node test -r /sys/kernel/security/cima/register ||
	die "/sys/kernel/security/cima/register is missing: the module is not working"

# --- 2. the report broker -------------------------------------------------
# On the node, not in this pod: the pod is itself a tracked container, and
# the module refuses the global view to processes in containers.
on_node env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	"$stage"/libcima0_*.deb "$stage"/cima-tools_*.deb ||
	die "installing libcima0 and cima-tools failed"
install -D -m 0755 "$img/sbin/cima-reportd" "$host/usr/local/sbin/cima-reportd"
for u in cima-reportd.socket cima-reportd@.service; do
	install -D -m 0644 "$img/systemd/$u" "$host/usr/local/lib/systemd/system/$u"
done
on_node systemctl daemon-reload
on_node systemctl enable --now cima-reportd.socket
on_node test -S /run/cima/reportd.sock || die "no /run/cima/reportd.sock"

# --- 3. containerd --------------------------------------------------------
if [ "$containerd" = yes ]; then
	on_node sh -c 'command -v jq' > /dev/null ||
		on_node env DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq ||
		die "cima-runc needs jq on the node"
	install -D -m 0755 "$img/libexec/cima-runc" "$host/usr/libexec/cima/cima-runc"
	conf=$host/etc/containerd/config.toml
	[ -f "$conf" ] || die "no /etc/containerd/config.toml on the node"
	changed=no
	new=$(mktemp)
	cat > "$new" <<'TOML'
# Written by cima-node-setup.sh: every runc container gets cima's OCI hook.
version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  BinaryName = "/usr/libexec/cima/cima-runc"
TOML
	if ! cmp -s "$new" "$host/etc/containerd/conf.d/cima.toml"; then
		install -D -m 0644 "$new" "$host/etc/containerd/conf.d/cima.toml"
		changed=yes
	fi
	rm -f "$new"
	# containerd reads conf.d only through "imports" (a top-level key, so
	# it goes before the first table).
	if ! grep -q '^imports.*conf\.d' "$conf"; then
		grep -q '^imports' "$conf" &&
			die "$conf has its own imports: add \"/etc/containerd/conf.d/*.toml\" to it"
		cp "$conf" "$conf.cima-orig"
		{ echo 'imports = ["/etc/containerd/conf.d/*.toml"]'; cat "$conf.cima-orig"; } > "$conf"
		changed=yes
	fi
	# The hook's extra arguments reach cima-runc through containerd's
	# environment (the shim and runc inherit it).
	dropin=$host/etc/systemd/system/containerd.service.d/cima.conf
	want="[Service]
Environment=\"CIMA_HOOK_ARGS=${CIMA_HOOK_ARGS:-}\""
	if [ "$(cat "$dropin" 2>/dev/null)" != "$want" ]; then
		mkdir -p "${dropin%/*}"
		printf '%s\n' "$want" > "$dropin"
		on_node systemctl daemon-reload
		changed=yes
	fi
	if [ $changed = yes ]; then
		# Running containers keep running (their shims stay).
		say "containerd configuration changed: restarting containerd"
		on_node systemctl restart containerd
	fi
fi
say "ready: cima.ko loaded, broker at /run/cima/reportd.sock, containerd hook: $containerd"

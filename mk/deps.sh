#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install, with apt, everything CIMA builds and tests with (make deps).
# Idempotent: when every package is already installed this only asks dpkg
# and returns in well under a second; otherwise it installs just what is
# missing.  Needs root for the install step.
#   mk/deps.sh        build and test (make deps, make check)
#   mk/deps.sh deb    also the Debian packaging tools (make deb)
set -eu

case ${1:-} in
"") deb= ;;
deb) deb="
debhelper dh-dkms dh-python python3-all python3-setuptools lintian
fakeroot dpkg-dev
" ;;
*) echo "usage: mk/deps.sh [deb]" >&2; exit 2 ;;
esac

pkgs="$deb
build-essential pkg-config kmod cpio gzip xz-utils zstd util-linux
libssl-dev openssl libtss2-dev libjson-c-dev
python3 python3-yaml python3-kubernetes
clang-14 libclang-rt-14-dev
qemu-system-x86 qemu-system-common ovmf
swtpm swtpm-tools tpm2-tools
busybox-static runc crun dosfstools
docker.io containerd podman jq apparmor
groff-base man-db dkms sbsigntool
shellcheck sparse linux-source-6.12
golang-go cargo rustc valgrind
linux-image-cloud-amd64 linux-headers-cloud-amd64
linux-image-6.12-cloud-amd64 linux-headers-6.12-cloud-amd64
"

missing=
for p in $pkgs; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in ii*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run 'make deps' as root to install them" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet; refresh once on failure.
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing ||
	{ apt-get update -q && apt-get install -y -q --no-install-recommends $missing; }

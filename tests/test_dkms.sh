#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# DKMS: `make install-dkms` into a scratch DESTDIR gives a source tree that
# the real dkms adds, builds and installs for every installed Debian cloud
# kernel that has headers (6.1 and 6.12 here), all in scratch trees
# (--dkmstree, --sourcetree, --installtree, --no-depmod): nothing under
# /var/lib/dkms or /lib/modules changes.  Each built cima.ko carries the
# kernel's vermagic and the module's name.  A tree without the uapi
# header fails to build (the header is part of what dkms needs).
# Where dkms signs modules (Debian: its own MOK, /var/lib/dkms/mok.pub),
# the signer is shown.
# Each kernel's DKMS-built cima.ko (uncompressed, signature kept) is left in
# $O/dkms/<release>/ with the digest of the sources it came from, for the
# VM test selftests/dkms/test_dkms_load.sh, which loads it.
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset MAKEFLAGS MAKELEVEL MFLAGS DESTDIR

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { local what=$1; shift; if "$@" > "$tmp/out" 2>&1; then ok "$what"; else nok "$what"; sed 's/^/# /' "$tmp/out" | tail -n 25; fi; }

kernels=$(for k in /lib/modules/*cloud-amd64; do [ -d "$k/build" ] && basename "$k"; done | sort -V)
nk=$(echo "$kernels" | grep -c .)
echo "1..$((3 + 2 * nk + 1))"
if ! command -v dkms > /dev/null; then
	for _ in $(seq $((3 + 2 * nk + 1))); do skip "dkms" "dkms is not installed (mk/deps.sh installs it)"; done
	exit 0
fi
version=$(sed -n 's/^VERSION[[:space:]]*:= *//p' "$top/Makefile")
src=$tmp/stage/usr/src
dk=(--dkmstree "$tmp/dkms" --sourcetree "$src")
mkdir -p "$tmp/dkms" "$tmp/inst"

staged() {
	local d=$src/cima-$version o objs
	O=$O make -C "$top" --no-print-directory install-dkms DESTDIR="$tmp/stage" || return 1
	if [ ! -f "$d/dkms.conf" ] || [ ! -f "$d/Kbuild" ]; then echo "no dkms.conf or Kbuild"; return 1; fi
	cmp "$top/include/uapi/cima.h" "$d/include/uapi/cima.h" || return 1
	grep -qx "PACKAGE_VERSION=\"$version\"" "$d/dkms.conf" || { echo "dkms.conf version"; return 1; }
	! grep -n @ "$d/dkms.conf" || return 1
	# Every object Kbuild links has its source in the tree.
	objs=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$top/kmod/Kbuild" |
		sed -n 's/^cima-y[[:space:]]*:=//p' | tr -s '[:blank:]' '\n' | grep '\.o$')
	[ -n "$objs" ] || { echo "no objects in Kbuild"; return 1; }
	for o in $objs; do [ -f "$d/${o%.o}.c" ] || { echo "no ${o%.o}.c"; return 1; }; done
}
check "make install-dkms DESTDIR=...: /usr/src/cima-$version with dkms.conf, every source, uapi header" staged
check "dkms add" dkms add -m cima -v "$version" "${dk[@]}"

# installed KERNEL: dkms install into the scratch tree, then look at the .ko
# (cima.ko, or cima.ko.xz where the kernel compresses modules).
installed() {
	local k=$1 ko=
	dkms install -m cima -v "$version" -k "$k" "${dk[@]}" --installtree "$tmp/inst" --no-depmod ||
		return 1
	for ko in "$tmp/inst/$k/updates/dkms/"cima.ko*; do :; done
	[ -f "$ko" ] || { echo "no cima.ko under $tmp/inst/$k"; return 1; }
	echo "installed: ${ko#"$tmp"/inst/}"
	[ "$(modinfo -F name "$ko")" = cima ] || return 1
	modinfo -F vermagic "$ko" | grep -q "^$k " || return 1
	echo "signer: $(modinfo -F signer "$ko")"
	# For the VM test: the module as the kernel would load it.
	mkdir -p "$O/dkms/$k" && rm -f "$O/dkms/$k/cima.ko" "$O/dkms/$k/sources.sha256" || return 1
	case $ko in
	*.xz) xz -dc "$ko" > "$O/dkms/$k/cima.ko" ;;
	*.zst) zstd -qdc "$ko" > "$O/dkms/$k/cima.ko" ;;
	*) cp "$ko" "$O/dkms/$k/cima.ko" ;;
	esac || return 1
	"$top/selftests/dkms/sources-digest" "$top" > "$O/dkms/$k/sources.sha256"
}
for k in $kernels; do
	check "dkms build for $k" dkms build -m cima -v "$version" -k "$k" "${dk[@]}"
	mkdir -p "$tmp/inst/$k"
	check "dkms install for $k into a scratch tree: cima.ko with vermagic $k" installed "$k"
	grep -E '^(installed|signer):' "$tmp/out" | sed 's/^/# /'
done
status_all() {
	dkms status -m cima "${dk[@]}" --installtree "$tmp/inst" > "$tmp/status" || return 1
	cat "$tmp/status"
	[ "$(grep -c ': installed' "$tmp/status")" = "$nk" ]
}
check "dkms status: installed for every kernel ($nk)" status_all

# Without the uapi header the module cannot build: dkms must fail, and it
# must be our header it misses.
k=$(echo "$kernels" | tail -n 1)
no_header() {
	local bad=(--dkmstree "$tmp/dkms-bad" --sourcetree "$tmp/bad")
	mkdir -p "$tmp/bad" "$tmp/dkms-bad" && cp -r "$src/cima-$version" "$tmp/bad/" &&
	rm "$tmp/bad/cima-$version/include/uapi/cima.h" &&
	dkms add -m cima -v "$version" "${bad[@]}" || return 1
	if dkms build -m cima -v "$version" -k "$k" "${bad[@]}" > "$tmp/bad.log" 2>&1; then
		echo "built without the header"
		return 1
	fi
	grep -rs "uapi/cima.h" "$tmp/bad.log" "$tmp/dkms-bad/cima/$version/build/make.log"
}
check "a dkms tree without include/uapi/cima.h fails to build for $k" no_header

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# After `make deb`: unpack every built package into one scratch root and
# use the installed files only (nothing from the build tree but the
# captured logs in tests/data): the tool and the hook run, the tool
# verifies a captured firmware log against its PCRs and the cima log
# against the module's register, the Python binding does the same replay
# through the packaged libcima, pkg-config links a program against
# libcima-dev, the man pages render, the DKMS tree is complete.  TAP.
#   debian/check-installed.sh DIR-WITH-DEBS
# shellcheck disable=SC2317  # check runs the functions given to it
set -u
debs=${1:?usage: $0 DIR-WITH-DEBS}
top=$(cd "$(dirname "$0")/.." && pwd)
data=$top/tests/data/vm-6.12
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
export LC_ALL=C.UTF-8
unset O CIMA_LIBRARY PYTHONPATH

n=0 failed=0
check() {
	local what=$1; shift
	n=$((n + 1))
	if "$@" > "$tmp/out" 2>&1; then echo "ok $n - $what"
	else echo "not ok $n - $what"; failed=1; sed 's/^/# /' "$tmp/out" | head -n 20; fi
}
echo "1..10"

unpack() {
	local d
	local p d
	for p in cima-dkms libcima0 libcima-dev cima-tools python3-cima; do
		for d in "$debs/${p}_"*.deb; do
			[ -f "$d" ] || { echo "no $p package in $debs"; return 1; }
			dpkg-deb -x "$d" "$root" || return 1
		done
	done
}
check "all five packages unpack into one root" unpack

ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
libdir=$root/usr/lib/$ma
for d in "$debs"/libcima0_*.deb; do version=$(dpkg-deb -f "$d" Version); done
run() { LD_LIBRARY_PATH=$libdir "$@"; }

upstream=${version%%-*}
tool_version() { run "$root/usr/bin/cima" --version | grep -F "libcima $upstream"; }
check "cima --version names the packaged libcima $version" tool_version
hook_runs() {
	local hook=$root/usr/libexec/cima/cima-oci-hook rc
	"$hook" --version || return 1
	echo "not json" | "$hook" --securityfs "$tmp/none"
	rc=$?
	[ "$rc" = 1 ] || { echo "exit $rc for a bad state"; return 1; }
}
check "cima-oci-hook --version, and refuses bad input (exit 1)" hook_runs
# dpkg-buildflags' LDFLAGS (hardening=+all: -z relro -z now) reached the
# links, and nothing carries an RPATH/RUNPATH.
linked() {
	local f
	for f in "$root/usr/bin/cima" "$root/usr/libexec/cima/cima-oci-hook" "$libdir"/libcima.so.0; do
		readelf -d "$f" > "$tmp/dyn" || return 1
		grep -q BIND_NOW "$tmp/dyn" || { echo "$f: no BIND_NOW"; return 1; }
		! grep -E '\((RPATH|RUNPATH)\)' "$tmp/dyn" || { echo "$f: has a run path"; return 1; }
	done
}
check "packaged cima, cima-oci-hook, libcima.so.0: BIND_NOW, no RPATH/RUNPATH" linked
check "cima verify: captured firmware log against its PCRs (6.12 VM)" \
	run "$root/usr/bin/cima" verify -s firmware -f "$data/firmware.bin" -e "$data/pcrs.txt"
# The module's register file, as "<index> <alg> <hex>" lines.
idx=$(sed -n 's/^index //p' "$data/cima-register.txt")
awk -v i="$idx" '$1 ~ /^sha/ { print i, $1, $2 }' "$data/cima-register.txt" > "$tmp/reg.txt"
check "cima verify: captured cima log against the module's register (PCR $idx)" \
	run "$root/usr/bin/cima" verify -s cima -f "$data/cima.bin" -e "$tmp/reg.txt"
check "python3 -c 'import cima' (packaged) replays the cima log to the register" \
	env LD_LIBRARY_PATH="$libdir" PYTHONPATH="$root/usr/lib/python3/dist-packages" \
	python3 - "$data/cima.bin" "$tmp/reg.txt" "$root" <<'PY'
import sys, cima
assert cima.__file__.startswith(sys.argv[3]), cima.__file__
sdk = cima.CimaSdk.inst()
ev = sdk.parse_eventlog(open(sys.argv[1], "rb").read(), "cima")
regs = sdk.replay_cc_eventlog(ev)
want = {}
for line in open(sys.argv[2]):
    i, alg, hexv = line.split()
    want[(int(i), alg)] = hexv
got = {}
for i, banks in regs.items():
    for alg, v in banks.items():
        got[(i, cima.TcgAlgorithm(alg).name)] = v.hex()
for k, v in want.items():
    assert got.get(k) == v, (k, got.get(k), v)
print("libcima", sdk.version(), "replayed", len(ev), "events:", sorted(want))
PY
cat > "$tmp/t.c" <<'C'
#include <stdio.h>
#include <cima/cima.h>
#include <cima/uapi/cima.h>
int main(void) { puts(cima_version()); return 0; }
C
pc_links() {
	local flags
	flags=$(PKG_CONFIG_SYSROOT_DIR=$root \
		PKG_CONFIG_LIBDIR=$libdir/pkgconfig:/usr/lib/$ma/pkgconfig:/usr/share/pkgconfig \
		pkg-config --cflags --libs cima) || return 1
	echo "$flags"
	# shellcheck disable=SC2086  # pkg-config's words
	cc -Wall -Werror -o "$tmp/t" "$tmp/t.c" $flags && run "$tmp/t"
}
check "pkg-config --cflags --libs cima (libcima-dev) links and runs a program" pc_links
manok() {
	local p
	for p in "$root"/usr/share/man/man1/cima.1.gz "$root"/usr/share/man/man1/cima-oci-hook.1.gz \
		 "$root"/usr/share/man/man3/libcima.3.gz; do
		[ -f "$p" ] || { echo "no $p"; return 1; }
		MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$p" 2>&1 >/dev/null | grep . && return 1
	done
	bash -n "$root/usr/share/bash-completion/completions/cima"
}
check "man pages render without warnings, completion parses" manok
dkms_tree() {
	local d=$root/usr/src/cima-$upstream
	[ -f "$d/dkms.conf" ] && [ -f "$d/Kbuild" ] && [ -f "$d/include/uapi/cima.h" ] &&
	grep -x "PACKAGE_VERSION=\"$upstream\"" "$d/dkms.conf"
}
check "cima-dkms: /usr/src/cima-$upstream with dkms.conf, Kbuild, uapi header" dkms_tree
exit $failed

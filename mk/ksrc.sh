#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the directory holding the parts of Debian's linux-source-6.12 that
# CIMA builds and lints with, unpacking them on first use:
#   scripts/checkpatch.pl (+ spelling.txt, const_structs.checkpatch)
#   tools/testing/selftests/{kselftest_harness.h,kselftest.h,lib.mk,
#                            run_kselftest.sh,kselftest/}
# They are taken from /usr/src/linux-source-6.12.tar.xz (make deps) at build
# time, never copied into the tree.  The cache, keyed by the package's
# version, is $CIMA_KSRC_CACHE, else /var/cache/cima when writable, else
# $O/ksrc.  Exit 1 with a message when the package is missing.
set -eu
tarball=/usr/src/linux-source-6.12.tar.xz
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
if [ ! -f "$tarball" ] || [ -z "$ver" ]; then
	echo "ksrc: $tarball is missing (run 'make deps': linux-source-6.12)" >&2
	exit 1
fi
top=$(cd "$(dirname "$0")/.." && pwd)
name=linux-source-6.12_$ver
# An unpacked copy anywhere will do (the test VM sees the host's read-only);
# otherwise unpack into the first cache directory that can be written.
cache=
for c in ${CIMA_KSRC_CACHE:-} /var/cache/cima "${O:-$top/build}/ksrc"; do
	if [ -f "$c/$name/.complete" ]; then
		echo "$c/$name"
		exit 0
	fi
	if [ -z "$cache" ] && mkdir -p "$c" 2>/dev/null && [ -w "$c" ]; then
		cache=$c
	fi
done
[ -n "$cache" ] || { echo "ksrc: no writable cache directory" >&2; exit 1; }
dir=$cache/$name
if [ ! -f "$dir/.complete" ]; then
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	tar -xJf "$tarball" -C "$tmp" --strip-components=1 --wildcards \
		'linux-source-6.12/scripts/checkpatch.pl' \
		'linux-source-6.12/scripts/spelling.txt' \
		'linux-source-6.12/scripts/const_structs.checkpatch' \
		'linux-source-6.12/tools/testing/selftests/kselftest*' \
		'linux-source-6.12/tools/testing/selftests/lib.mk' \
		'linux-source-6.12/tools/testing/selftests/run_kselftest.sh' ||
		{ echo "ksrc: cannot unpack $tarball" >&2; exit 1; }
	: > "$tmp/.complete"
	# Another run may have finished first: keep whichever is there.
	mv -T "$tmp" "$dir" 2>/dev/null || true
fi
echo "$dir"

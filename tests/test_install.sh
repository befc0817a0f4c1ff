#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make install` as a user or a packager runs it, into scratch DESTDIRs:
#  - two different PREFIXes (and a LIBDIR of its own) after the same build:
#    each cima.pc names its own install, and `pkg-config --cflags --libs
#    cima` (through PKG_CONFIG_PATH + PKG_CONFIG_SYSROOT_DIR, and through
#    a real PREFIX without DESTDIR) compiles, links and runs a program
#    calling libcima, and the libcima(3) example;
#  - no RPATH/RUNPATH in the installed tool, hook or library;
#  - CPPFLAGS, CFLAGS and LDFLAGS reach every compile and link (make -n;
#    debian/check-installed.sh checks the packaged binaries are -z now);
#  - the uapi header is installed as <cima/uapi/cima.h>; no kernel module is
#    built or installed unless asked (INSTALL_MODULE=1);
#  - man pages render without warnings and document every subcommand and
#    long option of tools/cima; the bash completion parses, completes the
#    subcommands and offers every long option of each.
# Uses the build in $O (make lib tools); installs nothing outside $tmp.
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset MAKEFLAGS MAKELEVEL MFLAGS DESTDIR PREFIX LIBDIR INCLUDEDIR BINDIR \
	LIBEXECDIR DATADIR MANDIR BASHCOMPDIR INSTALL_MODULE CPPFLAGS CFLAGS LDFLAGS
export LC_ALL=C.UTF-8

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; [ $# -lt 2 ] || printf '# %s\n' "$2"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { local what=$1; shift; if "$@" > "$tmp/out" 2>&1; then ok "$what"; else nok "$what"; sed 's/^/# /' "$tmp/out" | head -n 20; fi; }

echo "1..20"
# O goes in the environment: on make's command line it would reach kbuild,
# for which O= means something else.
mk() { O=$O make -C "$top" --no-print-directory "$@"; }
version=$(sed -n 's/^VERSION[[:space:]]*:= *//p' "$top/lib/Makefile")

# --- two prefixes, one build ------------------------------------------------
d1=$tmp/d1 d2=$tmp/d2 p3=$tmp/p3
if mk install DESTDIR="$d1" PREFIX=/usr > "$tmp/i1.log" 2>&1 &&
   mk install DESTDIR="$d2" PREFIX=/opt/cima LIBDIR=/opt/cima/lib64 > "$tmp/i2.log" 2>&1 &&
   mk install PREFIX="$p3" > "$tmp/i3.log" 2>&1; then
	ok "make install: PREFIX=/usr, PREFIX=/opt/cima LIBDIR=.../lib64 (DESTDIR), PREFIX=\$tmp/p3"
else
	nok "make install" "$(tail -n 5 "$tmp"/i*.log)"
fi

want_files() {
	local root=$1 prefix=$2 libdir=$3 f missing=
	for f in "$prefix/bin/cima" "$prefix/libexec/cima/cima-oci-hook" \
		 "$libdir/libcima.so.0" "$libdir/libcima.so" "$libdir/libcima.a" \
		 "$libdir/pkgconfig/cima.pc" "$prefix/include/cima/cima.h" \
		 "$prefix/include/cima/eventlog.h" "$prefix/include/cima/uapi/cima.h" \
		 "$prefix/share/man/man1/cima.1" "$prefix/share/man/man1/cima-oci-hook.1" \
		 "$prefix/share/man/man3/libcima.3" \
		 "$prefix/share/bash-completion/completions/cima"; do
		[ -e "$root$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] || { echo "missing:$missing"; return 1; }
	grep -qx "prefix=$prefix" "$root$libdir/pkgconfig/cima.pc" ||
		{ echo "cima.pc:"; cat "$root$libdir/pkgconfig/cima.pc"; return 1; }
	cmp -s "$top/include/uapi/cima.h" "$root$prefix/include/cima/uapi/cima.h" ||
		{ echo "uapi header differs"; return 1; }
}
check "PREFIX=/usr: every file in place, cima.pc says prefix=/usr" want_files "$d1" /usr /usr/lib
check "PREFIX=/opt/cima LIBDIR=/opt/cima/lib64: every file in place, its own cima.pc" \
	want_files "$d2" /opt/cima /opt/cima/lib64
check "PREFIX=\$tmp/p3 without DESTDIR: every file in place" want_files "" "$p3" "$p3/lib"

# --- pkg-config links a program ---------------------------------------------
cat > "$tmp/t.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <cima/cima.h>
#include <cima/uapi/cima.h>

int main(int argc, char **argv)
{
	const char *v = cima_version();

	/* An unknown source name is refused with a negative errno. */
	if (cima_source_from_name("no-such-source") >= 0)
		return 2;
	printf("%s\n", v);
	return argc > 1 && strcmp(v, argv[1]) ? 1 : 0;
}
EOF
# The man page's example, exactly as printed by man(1).
man -l -Tutf8 "$top/Documentation/man/libcima.3" 2>/dev/null | col -b |
	awk '/^EXAMPLES/ { on = 1; next } /^SEE ALSO/ { on = 0 }
	     on && /#include <stdio.h>/ { code = 1 } code { print } on && code && /^ *}$/ { exit }' |
	sed 's/^       //' > "$tmp/example.c"

# build ROOT PCDIR NAME: compile and link t.c and the example with pkg-config.
build() {
	local root=$1 pcdir=$2 name=$3 flags
	flags=$(PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$root pkg-config --cflags --libs cima) ||
		return 1
	echo "pkg-config: $flags"
	# shellcheck disable=SC2086
	cc -Wall -Werror -o "$tmp/$name" "$tmp/t.c" $flags &&
	cc -Wall -Werror -o "$tmp/$name-example" "$tmp/example.c" $flags
}
run_t() {
	local libdir=$1 name=$2 out
	if ! out=$(LD_LIBRARY_PATH=$libdir "$tmp/$name" "$version") || [ "$out" != "$version" ]; then
		echo "ran: '$out'"
		return 1
	fi
	# Without the library path the program cannot start: it carries no
	# RUNPATH into the scratch install.
	! env -u LD_LIBRARY_PATH "$tmp/$name" "$version" > /dev/null 2>&1
}
check "pkg-config (DESTDIR + PKG_CONFIG_SYSROOT_DIR), PREFIX=/usr: compiles and links" \
	build "$d1" "$d1/usr/lib/pkgconfig" t1
check "... the program runs against the installed libcima $version" run_t "$d1/usr/lib" t1
build_run() { build "$1" "$2" "$3" && run_t "$4" "$3"; }
check "pkg-config, PREFIX=/opt/cima LIBDIR=lib64: compiles, links, runs" \
	build_run "$d2" "$d2/opt/cima/lib64/pkgconfig" t2 "$d2/opt/cima/lib64"
check "pkg-config, real PREFIX=\$tmp/p3 (no sysroot): compiles, links, runs" \
	build_run "" "$p3/lib/pkgconfig" t3 "$p3/lib"
# The installed cima.pc must not point into the build tree or another prefix.
pc_own() {
	local pc1=$d1/usr/lib/pkgconfig/cima.pc pc2=$d2/opt/cima/lib64/pkgconfig/cima.pc
	[ -f "$pc1" ] && [ -f "$pc2" ] || return 1
	! grep -E "$O|$top|/usr/local|$tmp" "$pc1" "$pc2"
}
check "no cima.pc names the build tree or another install's prefix" pc_own

# --- no RPATH/RUNPATH ------------------------------------------------------
rpaths() {
	local f bad=0
	for f in "$@"; do
		[ -f "$f" ] || { echo "missing: $f"; bad=1; continue; }
		if readelf -d "$f" | grep -E '\((RPATH|RUNPATH)\)'; then echo "in $f"; bad=1; fi
	done
	return $bad
}
check "installed cima, cima-oci-hook, libcima.so.0: no RPATH or RUNPATH" \
	rpaths "$d1/usr/bin/cima" "$d1/usr/libexec/cima/cima-oci-hook" "$d1/usr/lib/libcima.so.0" "$O/cima"
tool_runs() { LD_LIBRARY_PATH=$d1/usr/lib "$d1/usr/bin/cima" --version | grep -F "libcima $version"; }
check "installed cima runs (LD_LIBRARY_PATH to its libdir) and reports its version" tool_runs

# --- build flags -------------------------------------------------------------
# Dry runs into a scratch O: every compile line carries CPPFLAGS and CFLAGS,
# every link line LDFLAGS, none an rpath.
flags_used() {
	make -C "$top" --no-print-directory -n -B O="$O" lib tools \
		CPPFLAGS=-DCIMA_CPPFLAGS_SEEN CFLAGS='-O2 -DCIMA_CFLAGS_SEEN' \
		LDFLAGS=-Wl,--defsym=cima_ldflags_seen=0 > "$tmp/dry" 2>&1 || return 1
	# One line per command: join the lines a recipe continues with "\".
	sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$tmp/dry" | grep -E '^(cc|gcc) ' > "$tmp/cc"
	grep -E '\.c( |$)' "$tmp/cc" > "$tmp/compile"
	grep -vE ' -c ' "$tmp/cc" > "$tmp/link"
	echo "compiles: $(wc -l < "$tmp/compile"), links: $(wc -l < "$tmp/link")"
	[ "$(wc -l < "$tmp/compile")" -gt 3 ] && [ "$(wc -l < "$tmp/link")" -ge 3 ] || return 1
	! grep -v CIMA_CPPFLAGS_SEEN "$tmp/compile" || return 1
	! grep -v CIMA_CFLAGS_SEEN "$tmp/compile" || return 1
	! grep -v cima_ldflags_seen "$tmp/link" || return 1
	! grep -iE 'rpath|ORIGIN' "$tmp/dry"
}
check "CPPFLAGS, CFLAGS reach every compile, LDFLAGS every link, no rpath (make -n)" flags_used

# --- the kernel module --------------------------------------------------------
no_ko() { ! find "$d1" "$d2" "$p3" -name "*.ko*" | grep .; }
check "make install puts no .ko anywhere" no_ko
# No kernel headers for KVER=0.0: install must not even try the module.
check "make install with KVER=0.0 (no headers) works: the module is not built" \
	mk install DESTDIR="$tmp/d4" PREFIX=/usr KVER=0.0
krel=
for k in /lib/modules/6.1.*cloud-amd64; do [ -d "$k" ] && krel=${k##*/}; done
module_asked() {
	mk install DESTDIR="$tmp/d5" PREFIX=/usr INSTALL_MODULE=1 > /dev/null &&
	cmp "$O/kmod/$krel/cima.ko" "$tmp/d5/lib/modules/$krel/extra/cima.ko"
}
if [ -n "$krel" ] && [ -f "$O/kmod/$krel/cima.ko" ]; then
	check "make install INSTALL_MODULE=1 installs cima.ko for $krel" module_asked
else
	skip "make install INSTALL_MODULE=1" "no built module in $O/kmod/$krel (make module)"
fi

# --- man pages and completion -----------------------------------------------
man_clean() {
	local p err=0
	for p in "$d1"/usr/share/man/man1/cima.1 "$d1"/usr/share/man/man1/cima-oci-hook.1 \
		 "$d1"/usr/share/man/man3/libcima.3; do
		if ! groff -man -Tutf8 -ww -z "$p" > "$tmp/groff" 2>&1 || [ -s "$tmp/groff" ]; then
			echo "groff: $p"; cat "$tmp/groff"; err=1
		fi
		# As lintian checks them: man's own warnings, on an 80-column page.
		MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$p" 2>&1 > /dev/null | grep . && err=1
		[ "$(MANWIDTH=80 man -l "$p" 2>/dev/null | wc -l)" -gt 20 ] || { echo "short: $p"; err=1; }
	done
	return $err
}
check "man pages cima(1), cima-oci-hook(1), libcima(3) render without warnings" man_clean

# Subcommands from the dispatcher's table, long options from every
# subcommand's struct option (and the log options macro).
cmds=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", cmd_.*/\1/p' "$top"/tools/cima/cima.c)
longopts=$(sed -n 's/.*{ "\([a-z0-9-]*\)", \(no\|required\|optional\)_argument.*/\1/p' \
	"$top"/tools/cima/*.c "$top"/tools/cima/*.h | sort -u)
documented() {
	local page=$d1/usr/share/man/man1/cima.1 c o miss=
	if [ -z "$cmds" ] || [ -z "$longopts" ]; then echo "nothing parsed"; return 1; fi
	for c in $cmds; do
		grep -qxF ".SS ${c//-/\\-}" "$page" || miss="$miss command:$c"
	done
	for o in $longopts; do
		grep -qF -- "\\-\\-$(printf %s "$o" | sed 's/-/\\-/g')" "$page" || miss="$miss --$o"
	done
	[ -z "$miss" ] || { echo "cima(1) lacks:$miss"; return 1; }
}
# Every function libcima(3) names is declared in an installed header.
lib_named() {
	local f miss=
	while read -r _ f; do
		grep -qE "[ *]$f\(" "$d1"/usr/include/cima/*.h || miss="$miss $f"
	done < <(grep -oE '^\.BR? cima_[a-z0-9_]+' "$d1/usr/share/man/man3/libcima.3" | sort -u)
	[ -z "$miss" ] || { echo "libcima(3) names undeclared:$miss"; return 1; }
}
check "every function libcima(3) names is declared in <cima/*.h>" lib_named
# One version everywhere it is written (packages, pkg-config, dkms.conf,
# --version, Python, man pages).
one_version() {
	local v bad=0 src
	while read -r src v; do
		echo "$src: $v"
		[ "$v" = "$version" ] || bad=1
	done <<-EOF
	Makefile $(sed -n 's/^VERSION[[:space:]]*:= *//p' "$top/Makefile")
	kmod/Makefile $(sed -n 's/^VERSION[[:space:]]*?= *//p' "$top/kmod/Makefile")
	debian/changelog $(sed -n '1s/^[^ ]* (\([^)-]*\).*/\1/p' "$top/debian/changelog")
	lib/python/setup.py $(sed -n 's/^ *version="\(.*\)",/\1/p' "$top/lib/python/setup.py")
	lib/python/cima/__init__.py $(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$top/lib/python/cima/__init__.py")
	cima.1 $(sed -n 's/^\.TH .* "cima \([^"]*\)".*/\1/p' "$top/Documentation/man/cima.1")
	cima.pc $(sed -n 's/^Version: //p' "$d1/usr/lib/pkgconfig/cima.pc")
	EOF
	return $bad
}
check "one version ($version) in the Makefiles, debian/changelog, Python, cima(1), cima.pc" one_version
ncmds=$(printf '%s\n' "$cmds" | grep -c .)
check "cima(1) has a section per subcommand ($ncmds) and every long option" documented

completes() {
	local f=$d1/usr/share/bash-completion/completions/cima
	bash -n "$f" || return 1
	# shellcheck disable=SC2016
	bash -c '
		. "$1"; shift
		complete -p cima | grep -q -- "-F _cima" || { echo "not registered"; exit 1; }
		comp() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _cima; echo "${COMPREPLY[*]}"; }
		got=" $(comp cima "") "
		for c in $CMDS; do case $got in *" $c "*) ;; *) echo "no command $c in:$got"; exit 1 ;; esac; done
		[ "$(comp cima -v rep)" = "replay report" ] || { echo "cima -v rep: $(comp cima -v rep)"; exit 1; }
		[ "$(comp cima eventlog --source c)" = "ccel cima" ] || { echo "source: $(comp cima eventlog --source c)"; exit 1; }
		# Every long option of a subcommand is offered for it.
		for c in $CMDS; do
			src=$TOOLS/cmd_${c//-/_}.c
			[ -f "$src" ] || { echo "no $src"; exit 1; }
			opts=$(sed -n "s/.*{ \"\([a-z0-9-]*\)\", \(no\|required\)_argument.*/\1/p" "$src")
			grep -q LOG_ARGS_LONGOPTS "$src" && opts="$opts source file start count"
			got=" $(comp cima "$c" --) "
			for o in $opts; do
				case $got in *" --$o "*) ;; *) echo "cima $c: no --$o in:$got"; exit 1 ;; esac
			done
		done
	' _ "$f"
}
export CMDS="$cmds" TOOLS="$top/tools/cima"
check "bash completion parses, completes subcommands and every subcommand's long options" completes

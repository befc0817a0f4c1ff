#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check's lint step: checkpatch on kmod/ and the bench's floor module,
# sparse over the module for each kernel, shellcheck on every shell script
# in the tree.  Prints TAP,
# one result per tool:
#   mk/lint.sh [checkpatch] [sparse] [shellcheck]      (default: all three)
# A tool fails on any finding that the baseline, mk/lint-baseline, does not
# list.  Findings are keyed so that moving code does not change them:
#   checkpatch  FILE + checkpatch type          (kmod/log.c MEMORY_BARRIER)
#   sparse      FILE + message                  (kmod/fs.c <sparse's text>)
#   shell       FILE + SC code of shellcheck    (bench/run.sh SC2154),
#               warnings and errors only
# Baseline entries that no longer match are named, and do not fail.
# The tools come from 'make deps' (shellcheck, sparse, linux-source-6.12
# for checkpatch.pl, unpacked by mk/ksrc.sh outside the tree).
#
# Environment: O (build directory, as for make), CHECK_KERNELS (kernels
# for sparse, default "6.1 6.12").
# shellcheck disable=SC2317  # lint_* and report are called as "lint_$t"
set -u
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export O=${O:-$top/build}
baseline=$top/mk/lint-baseline
kernels=${CHECK_KERNELS:-6.1 6.12}
tools=${*:-checkpatch sparse shellcheck}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

# shellcheck disable=SC2086  # the list of tools, split on purpose
set -- $tools
echo "1..$#"

# report TOOL FINDINGS KEYS: compare the keys ("FILE KEY" lines, parallel
# to the full finding lines) with the tool's baseline entries.
report() {
	local tool=$1 findings=$2 keys=$3 known new n
	known=$work/$tool.known
	awk -F '\t' -v t="$tool" '!/^#/ && $1 == t { print $2 " " $3 }' \
		"$baseline" | sort -u > "$known"
	new=$work/$tool.new
	paste -d '\t' "$keys" "$findings" |
		awk -F '\t' -v known="$known" '
			BEGIN { while ((getline k < known) > 0) ok[k] = 1 }
			!($1 in ok) { print $2 }' > "$new"
	sort -u "$keys" | comm -23 "$known" - | sed "s/^/# $tool: baseline entry no longer found: /"
	n=$(wc -l < "$findings")
	if [ -s "$new" ]; then
		echo "not ok - lint: $tool: $(wc -l < "$new") new finding(s) (of $n; fix them, or list them in mk/lint-baseline with a reason)"
		sed 's/^/#   /' "$new"
		status=1
	else
		echo "ok - lint: $tool: no new findings ($n known, in mk/lint-baseline)"
	fi
}

# Every tracked shell script: *.sh, or a #! line naming sh, bash or dash.
shell_scripts() {
	git ls-files 2>/dev/null || find . -path ./build -prune -o -type f -print | sed 's|^\./||'
}

lint_checkpatch() {
	local ksrc cp
	ksrc=$(mk/ksrc.sh 2> "$work/err") ||
		{ echo "not ok - lint: checkpatch: $(cat "$work/err")"; status=1; return; }
	cp=$ksrc/scripts/checkpatch.pl
	# Exit status 1 only means "found something": the output decides.
	perl "$cp" --no-tree --terse --show-types --no-summary -f \
		kmod/*.c kmod/*.h bench/kmod/floor/*.c > "$work/cp.out" 2>&1
	grep -E '^[^:]+:[0-9]+: [A-Z]+:[A-Z0-9_]+:' "$work/cp.out" > "$work/cp.find"
	if grep -vqE '^[^:]+:[0-9]+: [A-Z]+:[A-Z0-9_]+:' "$work/cp.out"; then
		echo "not ok - lint: checkpatch: unexpected output"
		sed 's/^/#   /' "$work/cp.out" | head -n 20
		status=1
		return
	fi
	sed -E 's/^([^:]+):[0-9]+: [A-Z]+:([A-Z0-9_]+):.*/\1 \2/' "$work/cp.find" > "$work/cp.keys"
	report checkpatch "$work/cp.find" "$work/cp.keys"
}

lint_sparse() {
	local k rel dir
	command -v sparse > /dev/null ||
		{ echo "not ok - lint: sparse: not installed (run 'make deps')"; status=1; return; }
	: > "$work/sp.out"
	for k in $kernels; do
		rel=$(cd /lib/modules && printf '%s\n' "$k".*cloud-amd64 | sort -V | tail -n 1)
		dir=$O/kmod/$rel
		# The module's build tree (sources linked in by the top Makefile),
		# then kmod/Makefile's check target: C=2 checks every file.
		if ! make --no-print-directory module KVER="$k" > "$work/sp.build" 2>&1 ||
		   ! make --no-print-directory -C "$dir" KDIR="/lib/modules/$rel/build" \
			CIMA_TOP="$top" check > "$work/sp.$k" 2>&1; then
			echo "not ok - lint: sparse: the module does not build for $k"
			tail -n 20 "$work/sp.build" "$work/sp.$k" 2>/dev/null | sed 's/^/#   /'
			status=1
			return
		fi
		# Only what sparse says about our files, named as in the tree.
		grep -E ': (warning|error): ' "$work/sp.$k" |
			sed -E "s|^$dir/|kmod/|; s|^(kmod/[^:]+):([0-9]+):([0-9]+): |\1:\2:\3: [$k] |" |
			grep '^kmod/' >> "$work/sp.out"
	done
	sort -u "$work/sp.out" > "$work/sp.find"
	sed -E 's/^([^:]+):[0-9]+:[0-9]+: \[[^]]*\] (warning|error): (.*)/\1 \3/' \
		"$work/sp.find" > "$work/sp.keys"
	report sparse "$work/sp.find" "$work/sp.keys"
}

lint_shellcheck() {
	local f
	command -v shellcheck > /dev/null ||
		{ echo "not ok - lint: shellcheck: not installed (run 'make deps')"; status=1; return; }
	shell_scripts | sort -u | while read -r f; do
		[ -f "$f" ] || continue
		case "$f" in
		*.sh) echo "$f" ;;
		*) head -n 1 "$f" | grep -qE '^#!.*(/|env |busybox )(ba|da)?sh\b' && echo "$f" ;;
		esac
	done > "$work/sc.files"
	# Warnings and errors fail; info and style notes (quoting of numbers,
	# A && B || C, trap handlers seen as unreachable) are advice, and are
	# only counted.
	xargs -d '\n' -r shellcheck -f gcc < "$work/sc.files" > "$work/sc.all" 2>&1
	echo "# shellcheck: $(grep -cE ': (note|info|style): ' "$work/sc.all") info/style notes (not failing)"
	grep -vE '^[^:]+:[0-9]+:[0-9]+: (note|info|style): ' "$work/sc.all" > "$work/sc.out"
	grep -E '^[^:]+:[0-9]+:[0-9]+: [a-z]+: .*\[SC[0-9]+\]$' "$work/sc.out" > "$work/sc.find"
	if grep -vqE '^[^:]+:[0-9]+:[0-9]+: [a-z]+: .*\[SC[0-9]+\]$' "$work/sc.out"; then
		echo "not ok - lint: shellcheck: unexpected output"
		sed 's/^/#   /' "$work/sc.out" | head -n 20
		status=1
		return
	fi
	sed -E 's/^([^:]+):.*\[(SC[0-9]+)\]$/\1 \2/' "$work/sc.find" > "$work/sc.keys"
	echo "# shellcheck: $(wc -l < "$work/sc.files") scripts"
	report shellcheck "$work/sc.find" "$work/sc.keys"
}

for t in $tools; do
	case $t in
	checkpatch|sparse|shellcheck) "lint_$t" ;;
	*) echo "not ok - lint: unknown tool '$t'"; status=1 ;;
	esac
done
exit $status

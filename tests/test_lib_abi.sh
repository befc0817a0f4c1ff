#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# libcima's ABI and layering, checked on the built library:
#  - lib/libcima.map names every exported symbol (no glob in a global list);
#  - every CIMA_API function of include/cima/*.h is in the map, and the
#    shared library exports exactly the header's functions, each with a
#    version node of the map;
#  - cima_b64_* and other helpers are not exported;
#  - no dependency cycle between the library's source files (which file
#    calls a function another defines, from the objects' symbol tables).
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
so=$O/libcima.so.0
map=$top/lib/libcima.map
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
echo "1..5"

# Global symbol names of the map (no comments, no "global:"/"local:"/"*").
sed -e 's|/\*.*\*/||' "$map" | tr -d ' \t' | grep -E '^[A-Za-z_][A-Za-z0-9_]*;$' |
	tr -d ';' | sort > "$tmp/map"
glob=$(sed -n '/global:/,/local:\|}/p' "$map" | grep -E '^\s*[^/ \t]*[*?][^/]*;' | grep -v '^\s*\*;')
if [ -z "$glob" ] && [ -s "$tmp/map" ]; then
	ok "libcima.map lists $(wc -l < "$tmp/map") symbols by name, no glob"
else
	nok "libcima.map lists every symbol by name" "glob: $glob"
fi

grep -h 'CIMA_API' "$top"/include/cima/*.h | grep -v '^#define' | grep -o 'CIMA_API[^(]*(' | sed -e 's/($//' -e 's/.*[ *]//' |
	sort -u > "$tmp/hdr"
missing=$(comm -23 "$tmp/hdr" "$tmp/map" | tr '\n' ' ')
extra=$(comm -13 "$tmp/hdr" "$tmp/map" | tr '\n' ' ')
if [ -z "$missing" ] && [ -z "$extra" ]; then
	ok "the map and the headers' CIMA_API functions agree ($(wc -l < "$tmp/hdr"))"
else
	nok "the map and the headers' CIMA_API functions agree" \
		"in headers, not in the map: $missing" "in the map, no CIMA_API declaration: $extra"
fi

if [ ! -e "$so" ]; then
	nok "the shared library exports exactly the header's functions" "$so not built"
	nok "no helper is exported" "$so not built"
else
	nm -D --defined-only "$so" | awk '$2 == "T" || $2 == "D" || $2 == "R" || $2 == "B" { print $3 }' |
		grep -v '^CIMA_[0-9.]*$' > "$tmp/so.v"
	unversioned=$(grep -v '@@CIMA_' "$tmp/so.v" | tr '\n' ' ')
	sed 's/@.*//' "$tmp/so.v" | sort -u > "$tmp/so"
	if cmp -s "$tmp/so" "$tmp/hdr" && [ -z "$unversioned" ]; then
		ok "the shared library exports exactly the header's functions, each versioned"
	else
		nok "the shared library exports exactly the header's functions, each versioned" \
			"$(diff "$tmp/hdr" "$tmp/so" | grep '^[<>]' | tr '\n' ' ')" \
			"unversioned: $unversioned"
	fi
	bad=$(grep -E '^(cima__|cima_b64_)' "$tmp/so" | tr '\n' ' ')
	if [ -z "$bad" ]; then
		ok "no helper is exported (cima__*, cima_b64_*)"
	else
		nok "no helper is exported (cima__*, cima_b64_*)" "$bad"
	fi
fi

# Which object calls which: an edge a -> b when a uses a symbol b defines.
objs=
for c in "$top"/lib/*.c; do
	o=$O/lib/$(basename "$c" .c).o
	[ -e "$o" ] && objs="$objs $o"
done
if [ -z "$objs" ]; then
	nok "no dependency cycle between lib/*.c" "no objects in $O/lib"
else
	for o in $objs; do
		f=$(basename "$o" .o)
		nm "$o" | awk -v f="$f" '$2 ~ /^[TDRB]$/ { print "D", f, $3 } $1 == "U" { print "U", f, $2 }'
	done > "$tmp/syms"
	cycles=$(python3 - "$tmp/syms" <<'PY'
import sys
defs, uses = {}, {}
for line in open(sys.argv[1]):
    kind, f, s = line.split()
    uses.setdefault(f, set())
    if kind == "D":
        defs[s] = f
    else:
        uses[f].add(s)
g = {f: {defs[s] for s in u if s in defs and defs[s] != f} for f, u in uses.items()}
index, low, stack, on, out = {}, {}, [], set(), []
def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v); on.add(v)
    for w in g[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            out.append(" ".join(sorted(comp)))
for v in sorted(g):
    if v not in index:
        visit(v)
print("; ".join(out))
PY
)
	if [ -z "$cycles" ]; then
		ok "no dependency cycle between the $(echo $objs | wc -w) files of lib/"
	else
		nok "no dependency cycle between lib/*.c" "cycles: $cycles"
	fi
fi
exit $failed

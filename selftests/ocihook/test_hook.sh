#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# cima-oci-hook as a createRuntime hook of real runc/crun containers (busybox
# rootfs, cgroupsPath /cima-selftest-hook/<64hex>: cima's default policy).
# Checked:
#  - the container runs; its log has runtime events oci.config =
#    sha256sum of the bundle's config.json and the image annotations with
#    their values, after its start and before the exec of its process
#    (/bin/busybox), and the data hashes to the digests (sha256sum);
#  - the hook run by the runtime with a malformed state on stdin fails with
#    "cima-oci-hook: state: ...", the runtime refuses to start the container:
#    its process never runs and no exec is logged for it;
#  - a container whose cgroup cima does not track is refused the same way;
#  - the hook alone rejects several malformed states, exit 1, clear message.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
hook=$O/cima-oci-hook
. "$top/selftests/common/tap.sh"
. "$top/selftests/common/rootfs.sh"
. "$top/selftests/common/oci.sh"

fs=/sys/kernel/security/cima
log=$fs/ascii_runtime_measurements
cgparent=/cima-selftest-hook
N=15
tap_plan $N

if [ "$(id -u)" != 0 ] || [ ! -r $fs/register ] || [ ! -x "$hook" ]; then
	for i in $(seq $N); do tap_skip "oci hook test $i" "cima.ko not loaded, not root or $hook not built"; done
	tap_done
fi

work=$(mktemp -d /tmp/cima-hook.XXXXXX)
trap 'rm -rf "$work"; rmdir /sys/fs/cgroup$cgparent 2>/dev/null' EXIT
if ! cima_busybox_rootfs "$work/rootfs"; then
	for i in $(seq $N); do tap_fail "oci hook test $i" "cannot build the busybox rootfs"; done
	tap_done
fi

ref=registry.example/cima/busybox:1.36
digest=sha256:$(printf 'cima selftest base image' | sha256sum | cut -d' ' -f1)

# bundle DIR CGROUPSPATH HOOK_MODE: config with annotations and the hook.
# HOOK_MODE: good (the hook reads the runtime's state) or malformed (a
# wrapper feeds the hook a truncated state instead).
bundle() {
	local b=$1 cgpath=$2 mode=$3
	mkdir -p "$b/rootfs"	# cima_oci_config wants it; root.path is set below
	cima_oci_config "$b" "$cgpath" -- /bin/sh -c 'echo ran > /tmp/ran-$0; echo hello' "$(basename "$b")" || return 1
	python3 - "$b/config.json" "$hook" "$mode" "$ref" "$digest" "$work/rootfs" <<'PY'
import json, sys
path, hook, mode, ref, digest, rootfs = sys.argv[1:]
c = json.load(open(path))
c["root"]["path"] = rootfs     # one shared busybox rootfs (absolute, no symlink)
c["annotations"] = {"org.opencontainers.image.ref.name": ref,
                    "org.opencontainers.image.base.digest": digest,
                    "io.containerd.image.name": "docker.io/library/busybox:1.36",
                    "com.example.unrelated": "not recorded"}
if mode == "good":
    h = {"path": hook, "args": ["cima-oci-hook", "-v"]}
else:
    h = {"path": "/bin/sh", "args": ["sh", "-c",
         'printf \'{"ociVersion":"1.0.2","id":"x","pid":\' | exec "$0" -v', hook]}
c["hooks"] = {"createRuntime": [h]}
json.dump(c, open(path, "w"), indent=1)
PY
}

# Line numbers (1-based) in the global ascii log of lines with all patterns.
lines_of() {
	awk -v n=$# 'BEGIN { for (i = 1; i < ARGC; i++) p[i] = ARGV[i]; ARGC = 1 }
		{ hit = 1; for (i = 1; i <= n; i++) if (index($0, p[i]) == 0) { hit = 0; break }
		  if (hit) print NR }' "$@" < $log
}
first_of() { lines_of "$@" | head -1; }

for rt in runc crun; do
	if ! command -v $rt >/dev/null 2>&1; then
		for t in "runs" "config digest" "annotations" "order" "data hashes"; do
			tap_skip "$rt: $t" "$rt is not installed"
		done
		continue
	fi
	id=$(cima_random_id)
	b=$work/good-$rt
	bundle "$b" "$cgparent/$id" good
	want=$(sha256sum "$b/config.json" | cut -d' ' -f1)
	if $rt --root "$work/state-$rt" run --bundle "$b" "$id" > "$work/$rt.out" 2> "$work/$rt.err" < /dev/null &&
	   grep -qx hello "$work/$rt.out"; then
		tap_ok "$rt: container with the hook runs"
	else
		tap_fail "$rt: container with the hook runs" "$(cat "$work/$rt.err")"
	fi
	tap_diag "$(grep cima-oci-hook "$work/$rt.err")"
	c=$(first_of " cima/1 runtime id=$id src=runtime name=oci.config value=sha256:$want")
	tap_check "$rt: oci.config = sha256sum of config.json ($want)" test -n "$c"
	r=$(first_of " cima/1 runtime id=$id src=runtime name=org.opencontainers.image.ref.name value=$ref")
	d=$(first_of " cima/1 runtime id=$id src=runtime name=org.opencontainers.image.base.digest value=$digest")
	n=$(first_of " cima/1 runtime id=$id src=runtime name=io.containerd.image.name value=docker.io/library/busybox:1.36")
	u=$(first_of " cima/1 runtime id=$id " "com.example.unrelated")
	if [ -n "$r" ] && [ -n "$d" ] && [ -n "$n" ] && [ -z "$u" ]; then
		tap_ok "$rt: image ref, base digest and image name recorded, other annotations not"
	else
		tap_fail "$rt: image annotations recorded" "ref '$r' digest '$d' name '$n' unrelated '$u'" \
			"$(grep " id=$id " $log | cut -c1-300)"
	fi
	s=$(first_of " cima/1 start id=$id ")
	e=$(first_of " cima/1 exec id=$id " " path=/bin/busybox")
	e_any=$(first_of " cima/1 exec id=$id ")
	last=$(printf '%s\n' "$c" "$r" "$d" "$n" | sort -n | tail -1)
	if [ -n "$s" ] && [ -n "$c" ] && [ -n "$e" ] && [ "$s" -lt "$c" ] && [ "$last" -lt "$e" ]; then
		tap_ok "$rt: runtime events after start (line $s), before the container's first exec of /bin/busybox (line $e)"
	else
		tap_fail "$rt: runtime events between start and the first exec" "start '$s' events '$c'..'$last' exec '$e'" \
			"$(grep " id=$id " $log | cut -c1-200)"
	fi
	tap_diag "$rt: first exec of any file in the container at line $e_any: $(sed -n "${e_any}p" $log | sed 's/.* path=//')"
	# The logged data hash to the logged sha256 digests (independently).
	bad=0
	while IFS= read -r l; do
		dig=$(echo "$l" | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^sha256:/) { print substr($i, 8); exit } }')
		data=${l#* cima/1 }
		data="cima/1 $data"
		[ "$(printf '%s' "$data" | sha256sum | cut -d' ' -f1)" = "$dig" ] || bad=$((bad + 1))
	done < <(grep " cima/1 runtime id=$id " $log)
	tap_check "$rt: runtime event data hash to their sha256 digests ($bad bad)" test $bad -eq 0
done

# The runtime runs the hook with a malformed state: the container must not start.
id=$(cima_random_id)
b=$work/bad
bundle "$b" "$cgparent/$id" malformed
rm -f "$work/rootfs/tmp/ran-bad"
runc --root "$work/state-bad" run --bundle "$b" "$id" > "$work/bad.out" 2> "$work/bad.err" < /dev/null
rc=$?
tap_check "runc refuses the container when the hook fails (exit $rc)" test $rc -ne 0
if grep -q 'cima-oci-hook: state: invalid JSON' "$work/bad.err"; then
	tap_ok "the hook's clear message reaches the runtime's error output"
else
	tap_fail "the hook's clear message reaches the runtime's error output" "$(cat "$work/bad.err")"
fi
if [ ! -e "$work/rootfs/tmp/ran-bad" ] && ! grep -qx hello "$work/bad.out" &&
   [ -z "$(first_of " cima/1 exec id=$id " " path=/bin/busybox")" ]; then
	tap_ok "the container's process never ran (no marker, no exec of /bin/busybox logged)"
else
	tap_fail "the container's process never ran" "$(grep " id=$id " $log | cut -c1-200)"
fi
runc --root "$work/state-bad" delete -f "$id" >/dev/null 2>&1

# A container whose cgroup is not tracked by cima: the hook fails closed.
cid=untracked-$$
b=$work/untracked
bundle "$b" "$cgparent/not-a-container-$$" good
runc --root "$work/state-u" run --bundle "$b" "$cid" > "$work/u.out" 2> "$work/u.err" < /dev/null
rc=$?
if [ $rc -ne 0 ] && grep -q 'cima-oci-hook: cima: cgroup .* is not a cima container' "$work/u.err" &&
   [ ! -e "$work/rootfs/tmp/ran-untracked" ]; then
	tap_ok "untracked cgroup: hook fails closed, container refused"
else
	tap_fail "untracked cgroup: hook fails closed, container refused" "rc $rc" "$(cat "$work/u.err")"
fi
runc --root "$work/state-u" delete -f "$cid" >/dev/null 2>&1

# The hook alone: malformed states.
ok=0 total=0 msgs=
for st in '' '{' '[]' '{"id":"x","bundle":"/tmp"}' '{"id":"x","pid":"1","bundle":"/tmp"}' \
	  '{"id":"x","pid":-4,"bundle":"/tmp"}' '{"id":7,"pid":1,"bundle":"/tmp"}' \
	  '{"id":"x","pid":1,"bundle":"rel"}' '{"id":"x","pid":1,"bundle":"/tmp"} {}' \
	  '{"id":"x","pid":1,"bundle":"/tmp","annotations":[1]}'; do
	total=$((total + 1))
	printf '%s' "$st" | "$hook" > /dev/null 2> "$work/e"
	rc=$?
	if [ $rc -eq 1 ] && grep -q '^cima-oci-hook: state: ' "$work/e"; then
		ok=$((ok + 1))
	else
		msgs="$msgs [$st] rc $rc: $(cat "$work/e")"
	fi
done
tap_check "the hook rejects $ok/$total malformed states with exit 1 and a state: message" test $ok -eq $total
[ -n "$msgs" ] && tap_diag "$msgs"
tap_done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The CIMA demonstration, inside the test VM (mk/demo.sh boots it): two
# real runc containers from a busybox root filesystem, with cima-oci-hook
# as their createRuntime hook, measured by cima.ko into the TPM's PCR;
# then the evidence a verifier gets, and what a container cannot do.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
export PATH="$O:$PATH"
. "$top/selftests/common/rootfs.sh"
. "$top/selftests/common/oci.sh"

fs=/sys/kernel/security/cima
step=0
say() {
	step=$((step + 1))
	printf '\n\033[1m== %d. %s\033[0m\n' $step "$1"
	shift
	[ $# -gt 0 ] && printf '   %s\n' "$@"
}
show() { printf '$ %s\n' "$*"; "$@"; }
# The event data of an ascii log, ids shortened to 12 hex digits, so a
# line fits on a terminal.
events() {
	sed -E 's/^[0-9]+ ([a-z0-9]+:[0-9a-f]+ )+//; s/\b([0-9a-f]{12})[0-9a-f]{52}\b/\1../g' "$@" |
		cut -c1-150 | sed 's/^/   /'
}
die() { echo "demo: $*" >&2; exit 1; }

[ -d $fs ] || die "cima.ko is not loaded"
work=$(mktemp -d /tmp/cima-demo.XXXXXX)
cleanup() {
	for c in "${ids[@]}"; do
		runc --root "$work/runc" kill "$c" KILL 2>/dev/null
		runc --root "$work/runc" delete -f "$c" 2>/dev/null
	done
	rmdir /sys/fs/cgroup/cima-demo 2>/dev/null
	rm -rf "$work"
}
ids=()
trap cleanup EXIT

say "What this machine offers" \
	"A Debian $(uname -r) guest under QEMU with OVMF and a swtpm TPM 2.0;" \
	"cima.ko is loaded and measures into one TPM PCR."
show cima info

say "Two real containers (runc, busybox rootfs, cima-oci-hook as createRuntime hook)" \
	"Their cgroups are /cima-demo/<64hex>: a bare 64-hex name is a container" \
	"in cima's default policy.  cima.ko measures each start before mkdir" \
	"returns to runc, the hook records the OCI config digest and the image" \
	"annotations, and every exec is measured before the program runs."
cima_busybox_rootfs "$work/rootfs" || die "cannot build the busybox rootfs"
declare -A cid
for name in web db; do
	id=$(cima_random_id)
	cid[$name]=$id
	b=$work/$name
	mkdir -p "$b/rootfs"
	cima_oci_config "$b" "/cima-demo/$id" -- \
		/bin/sh -c "echo '[$name] up'; sleep 600" || die "config"
	# One shared rootfs, the securityfs mounted writable so the container
	# can try (and fail) to write where it must not; the hook; annotations.
	python3 - "$b/config.json" "$work/rootfs" "$O/cima-oci-hook" "$name" <<'PY'
import json, sys, hashlib
path, rootfs, hook, name = sys.argv[1:]
c = json.load(open(path))
c["root"]["path"] = rootfs
c["mounts"].append({"destination": "/sys/kernel/security", "type": "bind",
                    "source": "/sys/kernel/security",
                    "options": ["rbind", "nosuid", "noexec", "nodev"]})
c["annotations"] = {
    "org.opencontainers.image.ref.name": "registry.example/demo/%s:1.0" % name,
    "org.opencontainers.image.base.digest":
        "sha256:" + hashlib.sha256(b"demo base image " + name.encode()).hexdigest()}
c["hooks"] = {"createRuntime": [{"path": hook, "args": ["cima-oci-hook"]}]}
json.dump(c, open(path, "w"), indent=1)
PY
	printf '$ runc run -d %s   # container "%s"\n' "${id:0:12}..." "$name"
	runc --root "$work/runc" run -d --bundle "$b" "$id" \
		> "$work/$name.out" 2> "$work/$name.err" < /dev/null ||
		{ cat "$work/$name.err"; die "runc run $name failed"; }
	ids+=("$id")
done
sleep 1
for name in web db; do
	printf '$ runc exec %s ...   # a few commands in "%s"\n' "${cid[$name]:0:12}..." "$name"
	runc --root "$work/runc" exec "${cid[$name]}" /bin/sh -c \
		"id; echo \$(ls /bin | wc -l) programs in /bin; echo '$name says hi'" |
		sed "s/^/   [$name] /"
done

say "The containers cima tracks"
show cima container list

for name in web db; do
	other=db; [ $name = db ] && other=web
	say "The log as container \"$name\" sees it" \
		"Its own events with their data; \"$other\"'s events redacted (digests kept," \
		"so this view alone replays to the TPM's PCR)."
	printf '$ cat %s/containers/%s.../ascii_runtime_measurements   # event data, digests left out\n' \
		$fs "${cid[$name]:0:12}"
	events "$fs/containers/${cid[$name]}/ascii_runtime_measurements"
	echo "   (cima container log <id> prints the same view in the SDK's event-dump layout)"
	show cima container measurement "${cid[$name]}"
done

say "A forged event: \"web\" writes into \"db\"'s event file" \
	"The kernel decides by the writer's cgroup: a container may only use self/."
printf '$ (in web) echo "image.digest sha256:forged" > %s/containers/%s.../event\n' $fs "${cid[db]:0:12}"
before=$(cat $fs/runtime_measurements_count)
if runc --root "$work/runc" exec "${cid[web]}" /bin/sh -c \
	"echo 'image.digest sha256:forged' > $fs/containers/${cid[db]}/event" 2>&1 | sed 's/^/   /'
then :; fi
after=$(cat $fs/runtime_measurements_count)
echo "   events before: $before, after: $after (nothing was logged)"
printf '$ (in web) echo "build.id demo-42" > %s/self/event   # its own, allowed, marked src=self\n' $fs
runc --root "$work/runc" exec "${cid[web]}" /bin/sh -c "echo 'build.id demo-42' > $fs/self/event" &&
	grep " id=${cid[web]} src=self " $fs/ascii_runtime_measurements | events

say "A signed report: TPM2_Quote binding a verifier's nonce" \
	"report data = SHA-512(nonce || data); --verify checks the signature," \
	"the nonce and the PCR digest with OpenSSL."
nonce=$(head -c 32 /dev/urandom | base64)
show cima report --nonce "$nonce" --verify

say "Replay every log (firmware, IMA, cima) and verify against the TPM"
show cima replay --source cima
show cima verify

say "The SDK's Python, unchanged, over libcima"
export PYTHONPATH="$top/lib/python" CIMA_LIBRARY="$O/libcima.so.0"
cat > "$work/sdk.py" <<'PY'
import base64, os
from cima import CimaSdk
sdk = CimaSdk.inst()
nonce = base64.b64encode(os.urandom(32))
user_data = base64.b64encode(b"demo user data")
print(">>> CimaSdk.inst().get_cc_report(nonce=nonce, data=user_data).dump()")
sdk.get_cc_report(nonce=nonce, data=user_data).dump()
index = 15
print(">>> m = CimaSdk.inst().get_cc_measurement([%d, 12]); m.hash.hex()" % index)
m = sdk.get_cc_measurement([index, 12])
print(m.hash.hex())
events = sdk.get_cc_eventlog()
print(">>> for e in CimaSdk.inst().get_cc_eventlog(): e.dump()   # %d events; the last two:" % len(events))
for e in events[-2:]:
    e.dump()
print(">>> replay = CimaSdk.inst().replay_cc_eventlog(events)")
replay = sdk.replay_cc_eventlog(events)
same = 0
for idx in sorted(replay):
    for alg, value in replay[idx].items():
        live = sdk.get_cc_measurement([idx, alg]).hash
        same += live == value
        if live != value:
            print("index %d alg %d: replay %s != live %s" % (idx, alg, value.hex(), live.hex()))
total = sum(len(v) for v in replay.values())
print("%d registers replayed, %d equal to get_cc_measurement" % (total, same))
raise SystemExit(0 if same == total else 1)
PY
python3 "$work/sdk.py" || die "the Python replay differs from the live registers"

say "Stopping the containers" "Their directories go; their events stay in the global log."
for c in "${ids[@]}"; do
	runc --root "$work/runc" kill "$c" KILL 2>/dev/null
	runc --root "$work/runc" delete -f "$c"
done
ids=()
show cima container list
echo "   (none left)"
grep ' cima/1 stop ' $fs/ascii_runtime_measurements | events
show cima verify --source cima
echo
echo "demo: done"

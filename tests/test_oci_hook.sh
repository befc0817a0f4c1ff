#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cima-oci-hook on the host, against a fake cima securityfs tree and a fake
# /proc (--securityfs, --proc): it finds the container through libcima by
# the cgroup of the state's pid (escaped path, closest ancestor), writes one
# event per write() to containers/<id>/event (a FIFO here, so every write
# is seen), and fails closed with "cima-oci-hook: <context>: <reason>".
# The real thing, under runc and crun: selftests/ocihook (VM).
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
hook=$O/cima-oci-hook
tmp=$(mktemp -d)
reader=
# Stop the FIFO reader: kill its loop, then let its cat's open() return.
stop_reader() {
	[ -n "$reader" ] || return 0
	kill $reader 2>/dev/null
	timeout 2 sh -c ': > "$1"' sh "$tmp/fs/containers/inner/event" 2>/dev/null
	reader=
}
trap 'stop_reader; rm -rf "$tmp"' EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
echo "1..5"
if [ ! -x "$hook" ]; then
	for i in 1 2 3 4 5; do nok "cima-oci-hook built ($hook)"; done
	exit 1
fi

fs=$tmp/fs
mkdir -p "$tmp/proc/4242" "$fs/containers/outer" "$fs/containers/inner" "$tmp/b"
printf '0::/pods/p 1/ctr\n' > "$tmp/proc/4242/cgroup"
printf 'path /pods/p\\x201\nid 10\n' > "$fs/containers/outer/cgroup"
printf 'path /pods/p\\x201/ctr\nid 11\n' > "$fs/containers/inner/cgroup"
mkfifo "$fs/containers/inner/event"
: > "$fs/containers/outer/event"
printf '{"annotations":{"org.opencontainers.image.ref.name":"reg/img:1 x"}}' > "$tmp/b/config.json"
state='{"ociVersion":"1.0.2","id":"c1","pid":4242,"bundle":"'$tmp/b'"}'
# Each write opens the FIFO: read it again after every last close.
(while :; do cat "$fs/containers/inner/event"; echo; done) > "$tmp/events" 2>/dev/null &
reader=$!

printf '%s' "$state" | "$hook" -v --securityfs "$fs" --proc "$tmp/proc" 2> "$tmp/err"
rc=$?
sleep 0.2
want=$(sha256sum "$tmp/b/config.json" | cut -d' ' -f1)
# The writes in order (the reader may see two in one open of the FIFO).
got=$(tr -d '\n' < "$tmp/events")
if [ $rc -eq 0 ] &&
   [ "$got" = "oci.config sha256:${want}org.opencontainers.image.ref.name reg/img:1%20x" ] &&
   grep -q '^cima-oci-hook: container c1: cima id inner, cgroup /pods/p 1/ctr$' "$tmp/err" &&
   [ ! -s "$fs/containers/outer/event" ]; then
	ok "container found by cgroup (closest ancestor, escaped path); config digest and annotation written"
else
	nok "container found by cgroup; events written" "rc $rc" "$(cat "$tmp/err")" "events: $(cat "$tmp/events")"
fi

: > "$tmp/events"
printf '0::/elsewhere\n' > "$tmp/proc/4242/cgroup"
printf '%s' "$state" | "$hook" --securityfs "$fs" --proc "$tmp/proc" 2> "$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q '^cima-oci-hook: cima: cgroup /elsewhere is not a cima container' "$tmp/err" &&
   [ ! -s "$tmp/events" ]; then
	ok "untracked cgroup: exit 1, clear message, nothing written"
else
	nok "untracked cgroup fails closed" "rc $rc" "$(cat "$tmp/err")"
fi

printf '%s' "$state" | "$hook" --optional --securityfs "$tmp/none" --proc "$tmp/proc" 2> "$tmp/err"
rc=$?
if [ $rc -eq 0 ] && grep -q 'is cima.ko loaded' "$tmp/err" &&
   grep -q '^cima-oci-hook: container c1 not measured (--optional)$' "$tmp/err"; then
	ok "--optional: module absent, exit 0 with a warning"
else
	nok "--optional: module absent" "rc $rc" "$(cat "$tmp/err")"
fi

printf '0::/pods/p 1/ctr\n' > "$tmp/proc/4242/cgroup"
printf '{"annotations":{"org.opencontainers.image.ref.name":7}}' > "$tmp/b/config.json"
printf '%s' "$state" | "$hook" --securityfs "$fs" --proc "$tmp/proc" 2> "$tmp/err"
rc=$?
sleep 0.2
if [ $rc -eq 1 ] && grep -q '^cima-oci-hook: annotations: "org.opencontainers.image.ref.name" is not a string$' "$tmp/err" &&
   [ ! -s "$tmp/events" ]; then
	ok "a bad annotation is refused before any event is written"
else
	nok "bad annotation refused before any write" "rc $rc" "$(cat "$tmp/err")" "events: $(cat "$tmp/events")"
fi

printf '{"id":"c1","pid":4242}' | "$hook" --securityfs "$fs" --proc "$tmp/proc" 2> "$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q '^cima-oci-hook: state: missing "bundle"$' "$tmp/err"; then
	ok "malformed state: exit 1, state: message"
else
	nok "malformed state" "rc $rc" "$(cat "$tmp/err")"
fi
exit $failed

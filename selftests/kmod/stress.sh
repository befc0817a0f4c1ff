#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stress for cima.ko (make check-debug, on a KASAN/lockdep/kmemleak kernel;
# any kernel report fails the VM run).  For STRESS_SECS seconds, all at once:
#  - container churn: new container cgroups, a command in each, rmdir;
#  - one id restarted again and again while uid 65534 holds O_PATH fds on
#    its files;
#  - readers of every securityfs file, whole and at random offsets;
#  - writers of random and malformed runtime events, to containers/<id>/event
#    and to self/event from inside a container;
#  - exec and mmap storms inside containers (new scripts, dlopen);
#  - policy writes, valid and malformed (fail stays open).
# Then: the global log replays to the register (selftests' test_log) and
# the module unloads and loads again.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
. "$top/selftests/common/tap.sh"
. "$top/selftests/common/oci.sh"
fs=/sys/kernel/security/cima
secs=${STRESS_SECS:-180}
base=/sys/fs/cgroup/cima-stress
tap_plan 3
if [ "$(id -u)" != 0 ] || [ ! -r $fs/register ]; then
	for i in 1 2 3; do tap_skip "stress $i" "needs root and cima.ko"; done
	tap_done
fi
work=$(mktemp -d /tmp/cima-stress.XXXXXX)
chmod 755 "$work"
mkdir -p $base
end=$(( $(date +%s) + secs ))
alive() { [ "$(date +%s)" -lt $end ]; }
in_cg() { local cg=$1; shift; sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$@"; }
pids=()

churn() {
	while alive; do
		local id cg
		id=$(cima_random_id); cg=$base/$id
		mkdir "$cg" 2> /dev/null || continue
		in_cg "$cg" /bin/true
		echo "stress.churn $RANDOM" > "$fs/containers/$id/event" 2> /dev/null
		rmdir "$cg" 2> /dev/null
	done
}
restart() {
	local id cg
	id=$(cima_random_id); cg=$base/$id
	mkdir -m 0777 "$work/h"
	while alive; do
		mkdir "$cg" 2> /dev/null
		setpriv --reuid 65534 --regid 65534 --clear-groups python3 -c '
import os, sys, time
fds = [os.open(p, os.O_PATH) for p in sys.argv[1:] if os.path.exists(p)]
time.sleep(0.5)
for fd in fds:
    try: os.close(os.open("/proc/self/fd/%d" % fd, os.O_RDONLY))
    except OSError: pass' "$fs/containers/$id/event" "$fs/containers/$id/register" "$fs/containers/$id" &
		in_cg "$cg" /bin/true
		rmdir "$cg" 2> /dev/null
		wait $!
	done
}
readers() {
	while alive; do
		for f in $fs/* $fs/containers/*/* $fs/self/*; do
			[ -f "$f" ] || continue
			cat "$f" > /dev/null 2>&1
			dd if="$f" of=/dev/null bs=7 skip=$((RANDOM % 300)) count=5 2> /dev/null
		done
	done
}
writers() {
	local cg
	cg=$base/$(cima_random_id)
	mkdir "$cg"
	while alive; do
		for f in $fs/containers/*/event; do
			head -c $((RANDOM % 1500)) /dev/urandom > "$f" 2> /dev/null
			printf 'bad name\n' > "$f" 2> /dev/null
			printf 'ok.name %s\n' "$RANDOM" > "$f" 2> /dev/null
		done
		in_cg "$cg" sh -c 'head -c 200 /dev/urandom > '"$fs"'/self/event; echo "self.ev $$" > '"$fs"'/self/event' 2> /dev/null
	done
	rmdir "$cg" 2> /dev/null
}
storms() {
	local cg n=0
	cg=$base/$(cima_random_id)
	mkdir "$cg"
	cp "$(ldd /bin/true | awk '/libc.so/ { print $3 }')" "$work/lib.so"
	while alive; do
		n=$((n + 1))
		printf '#!/bin/sh\n# %s\n' "$n" > "$work/s$((n % 50))"
		chmod +x "$work/s$((n % 50))"
		in_cg "$cg" "$work/s$((n % 50))"
		echo "# $n" >> "$work/lib.so"
		in_cg "$cg" python3 -c 'import ctypes, sys; ctypes.CDLL(sys.argv[1])' "$work/lib.so" 2> /dev/null
	done
	rmdir "$cg" 2> /dev/null
}
policies() {
	while alive; do
		echo 'exec off' > $fs/policy; echo 'mmap off' > $fs/policy
		echo 'exec on' > $fs/policy; echo 'mmap on' > $fs/policy
		printf 'prefix /cima-stress\nnoprefix /cima-stress\n' | cat > $fs/policy
		echo 'fail sideways' > $fs/policy 2> /dev/null
		head -c 300 /dev/urandom > $fs/policy 2> /dev/null
		sleep 0.2
	done
}
v0=$(cat $fs/violations)
for f in churn restart readers writers storms policies; do
	$f > /dev/null 2>&1 &
	pids+=($!)
done
wait "${pids[@]}"
echo 'exec on
mmap on
fail open' | cat > $fs/policy
find $base -depth -type d -exec rmdir {} \; 2> /dev/null
n=$(cat $fs/runtime_measurements_count)
tap_ok "stress for ${secs}s: $n events, violations $v0 -> $(cat $fs/violations), no hang"
if [ -x "$O/selftests/kmod/test_log" ]; then
	out=$("$O/selftests/kmod/test_log" 2>&1)
	if [ $? = 0 ]; then tap_ok "after the stress the log replays to the register"
	else tap_fail "after the stress the log replays to the register" "$out"; fi
else
	tap_skip "after the stress the log replays to the register" "test_log not built"
fi
args=$(for p in backend banks; do [ -r /sys/module/cima/parameters/$p ] && printf '%s=%s ' $p "$(cat /sys/module/cima/parameters/$p)"; done)
if rmmod cima && insmod "$CIMA_KO" $args; then
	tap_ok "unload and load again after the stress ($args)"
else
	tap_fail "unload and load again after the stress" "$(lsmod | grep cima)"
fi
rm -rf "$work"
tap_done

# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the eventlog selftests (sourced).

# Make the cima module log some events: a container made through a prefix
# rule, an exec inside it and a runtime event; $1 (optional) makes the id
# unique within one shell.  Prints the container id.
make_cima_events() {
	root=/sys/kernel/security/cima
	cg=/sys/fs/cgroup
	[ -d "$root" ] || return 1
	mkdir -p "$cg/cimaeltest" 2>/dev/null
	echo "prefix /cimaeltest" > "$root/policy" 2>/dev/null
	id=el${1:-}$$
	mkdir "$cg/cimaeltest/$id" || return 1
	sh -c "echo \$\$ > $cg/cimaeltest/$id/cgroup.procs && exec /bin/true" || return 1
	echo "image sha256:0123abcd" > "$root/containers/$id/event" 2>/dev/null
	echo "$id"
}

# Retry a command a few times: IMA's list grows while tools are first run.
retry() {
	for _ in 1 2 3; do
		"$@" && return 0
		sleep 1
	done
	"$@"
}

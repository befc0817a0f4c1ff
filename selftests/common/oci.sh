# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Write an OCI runtime config.json for a busybox bundle in the test VM
# (cgroup v2, no systemd: cgroupfs driver with an explicit cgroupsPath).
# Source it, then:
#
#	cima_oci_config BUNDLE CGROUPS_PATH [--securityfs] -- ARG0 [ARGS...]
#
# BUNDLE/rootfs must exist (see rootfs.sh).  CGROUPS_PATH is absolute in
# the cgroup v2 hierarchy, e.g. /cima-test/<64hex>, so the last component
# matches cima's default policy.  --securityfs bind-mounts
# /sys/kernel/security read-only into the container so the process can
# read its cima self view.  Namespaces: pid, ipc, uts, mount, network,
# cgroup; no terminal; root user; the runtimes' default capabilities.

# JSON string literal of $1 (handles backslash, quote, control bytes).
cima_json_str() {
	printf '%s' "$1" | od -An -v -tu1 | tr -s ' \n' '  ' | awk '
	BEGIN { printf "\"" }
	{
		for (i = 1; i <= NF; i++) {
			c = $i + 0
			if (c == 34) printf "\\\""
			else if (c == 92) printf "\\\\"
			else if (c < 32) printf "\\u%04x", c
			else printf "%c", c
		}
	}
	END { printf "\"" }'
}

cima_oci_config() {
	local bundle=$1 cgpath=$2 secfs=0 args='' a caps
	shift 2 || return 1
	while [ $# -gt 0 ]; do
		case "$1" in
		--securityfs) secfs=1; shift ;;
		--) shift; break ;;
		*) echo "cima_oci_config: unknown option $1" >&2; return 1 ;;
		esac
	done
	[ $# -gt 0 ] || { echo "cima_oci_config: no process args" >&2; return 1; }
	[ -d "$bundle/rootfs" ] || { echo "cima_oci_config: $bundle/rootfs missing" >&2; return 1; }
	case "$cgpath" in /*) ;; *) echo "cima_oci_config: cgroupsPath must be absolute" >&2; return 1 ;; esac
	for a in "$@"; do
		args="${args:+$args, }$(cima_json_str "$a")"
	done
	caps='"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"'
	{
		cat <<JSON
{
	"ociVersion": "1.0.2",
	"process": {
		"terminal": false,
		"user": { "uid": 0, "gid": 0 },
		"args": [ $args ],
		"env": [ "PATH=/bin", "HOME=/root" ],
		"cwd": "/",
		"capabilities": {
			"bounding": [ $caps ],
			"effective": [ $caps ],
			"permitted": [ $caps ]
		},
		"noNewPrivileges": true
	},
	"root": { "path": "rootfs", "readonly": false },
	"hostname": "cima-test",
	"mounts": [
		{ "destination": "/proc", "type": "proc", "source": "proc" },
		{ "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
		  "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
		{ "destination": "/sys", "type": "sysfs", "source": "sysfs",
		  "options": [ "nosuid", "noexec", "nodev", "ro" ] }
JSON
		if [ $secfs = 1 ]; then
			cat <<JSON
		,
		{ "destination": "/sys/kernel/security", "type": "bind",
		  "source": "/sys/kernel/security",
		  "options": [ "rbind", "ro", "nosuid", "noexec", "nodev" ] }
JSON
		fi
		cat <<JSON
	],
	"linux": {
		"cgroupsPath": $(cima_json_str "$cgpath"),
		"resources": { "devices": [ { "allow": false, "access": "rwm" } ] },
		"namespaces": [
			{ "type": "pid" }, { "type": "ipc" }, { "type": "uts" },
			{ "type": "mount" }, { "type": "network" }, { "type": "cgroup" }
		]
	}
}
JSON
	} > "$bundle/config.json"
}

# A random 64-hex container id (matches cima's bare <64hex> default rule).
cima_random_id() {
	od -An -N32 -tx1 /dev/urandom | tr -d ' \n'
}

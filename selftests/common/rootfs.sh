# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Build a minimal root filesystem for runc/crun from the static busybox of
# Debian's busybox-static package.  Source it, then:
#
#	cima_busybox_rootfs DIR        # DIR/bin/busybox + applet links
#
# Only the applets the selftests use are linked (sh, true, cat, echo,
# sleep, ls, grep, wc, id); the rest are reachable as "busybox NAME".
# Returns non-zero (with a message on stderr) when busybox is missing.

CIMA_BUSYBOX=${CIMA_BUSYBOX:-/bin/busybox}

cima_busybox_rootfs() {
	local dir=$1 a
	[ -n "$dir" ] || { echo "cima_busybox_rootfs: no directory" >&2; return 1; }
	if ! "$CIMA_BUSYBOX" true 2>/dev/null; then
		echo "cima_busybox_rootfs: $CIMA_BUSYBOX does not run (install busybox-static)" >&2
		return 1
	fi
	if file -L "$CIMA_BUSYBOX" 2>/dev/null | grep -q 'dynamically linked'; then
		echo "cima_busybox_rootfs: $CIMA_BUSYBOX is not static" >&2
		return 1
	fi
	mkdir -p "$dir"/bin "$dir"/proc "$dir"/sys "$dir"/dev "$dir"/tmp \
		"$dir"/etc "$dir"/root || return 1
	cp "$CIMA_BUSYBOX" "$dir/bin/busybox" || return 1
	chmod 0755 "$dir/bin/busybox"
	for a in sh true cat echo sleep ls grep wc id; do
		ln -sf busybox "$dir/bin/$a" || return 1
	done
	echo "root:x:0:0:root:/root:/bin/sh" > "$dir/etc/passwd"
	echo "root:x:0:" > "$dir/etc/group"
}

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The DKMS signing key enrolled as a Machine Owner Key, through Debian's
# signed boot chain, in QEMU (runs on the host; the TAP test is
# tests/test_dkms_mok.sh; Documentation/secure-boot.md).
#
#   selftests/dkms/mok.sh 6.1|6.12
#
# Firmware: OVMF_CODE_4M.secboot.fd with a copy of OVMF_VARS_4M.ms.fd
# (Microsoft's keys in db, Secure Boot on).  The EFI system partition is a
# directory QEMU shows as a FAT disk: shim (shim-signed, signed by
# Microsoft) as EFI/BOOT/BOOTX64.EFI, MokManager (mmx64.efi), GRUB
# (grub-efi-amd64-signed, signed by Debian), a grub.cfg, the installed
# Debian kernel as Debian signed it, and a busybox initramfs with mokutil
# and the DKMS-built cima.ko ($O/dkms/<release>/, tests/test_dkms.sh).  The
# packages are not installed: apt-get download and dpkg-deb -x put them in
# $O/secureboot/.
#
# Three boots on the same variables:
#  1. the module is refused (its key is not enrolled); mokutil --import
#     of /var/lib/dkms/mok.pub, with a password hash (--hash-file);
#  2. shim finds the request and starts MokManager; its screens are
#     answered over the serial console (serial-drive.py): any key, Enroll
#     MOK, Continue, Yes, the password, Reboot;
#  3. the key is in shim's MOK list, the kernel loads it into its .machine
#     keyring, and the module loads and works.
# Prints the guest's lines "cima-mok: <boot>: ..." and the kernel's messages
# about Secure Boot, lockdown and keys.  Exit 0 when all three boots ran to
# their end (the checks are the test's), 125 when something is missing.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
kver=${1:?usage: mok.sh 6.1|6.12}
die() { echo "mok.sh: $*" >&2; exit 125; }
rel=$(basename "$(find /lib/modules -maxdepth 1 -name "$kver.*cloud-amd64" | sort -V | tail -n 1)")
[ -n "$rel" ] && [ -f "/boot/vmlinuz-$rel" ] || die "no Debian cloud kernel $kver installed"
ko=$O/dkms/$rel/cima.ko
[ -f "$ko" ] || die "no $ko (tests/test_dkms.sh builds it)"
[ -f /var/lib/dkms/mok.pub ] || die "no /var/lib/dkms/mok.pub (dkms makes it when it signs)"
for c in qemu-system-x86_64 cpio python3 apt-get dpkg-deb; do
	command -v $c > /dev/null || die "$c is not installed"
done

# The boot chain's packages, unpacked (not installed) once.
pk=$O/secureboot/pkgs
if [ ! -f "$pk/.done" ]; then
	rm -rf "$pk" && mkdir -p "$pk/debs" || die "cannot make $pk"
	(cd "$pk/debs" && apt-get download -q shim-signed shim-helpers-amd64-signed \
		grub-efi-amd64-signed mokutil libefivar1) > "$pk/download.log" 2>&1 ||
		die "apt-get download failed: $(tail -n 3 "$pk/download.log")"
	for d in "$pk"/debs/*.deb; do dpkg-deb -x "$d" "$pk/root" || die "cannot unpack $d"; done
	touch "$pk/.done"
fi
x=$pk/root
for f in usr/lib/shim/shimx64.efi.signed usr/lib/shim/mmx64.efi.signed \
	 usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed usr/bin/mokutil; do
	[ -f "$x/$f" ] || die "no $f in the unpacked packages"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
esp=$tmp/esp
mkdir -p "$esp/EFI/BOOT"
cp "$x/usr/lib/shim/shimx64.efi.signed" "$esp/EFI/BOOT/BOOTX64.EFI"
cp "$x/usr/lib/shim/mmx64.efi.signed" "$esp/EFI/BOOT/mmx64.efi"
cp "$x/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" "$esp/EFI/BOOT/grubx64.efi"
cp "/boot/vmlinuz-$rel" "$esp/vmlinuz"
# Debian's signed GRUB reads grub.cfg beside itself ($cmdpath).
cat > "$esp/EFI/BOOT/grub.cfg" <<'EOF'
set timeout=0
linux /vmlinuz console=ttyS0 loglevel=5 panic=-1 rdinit=/init tsc=reliable no_timer_check
initrd /initrd
boot
EOF

# The initramfs: busybox, mokutil and its libraries, efivarfs, the modules.
r=$tmp/root
mkdir -p "$r/bin" "$r/mod" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/lib64" "$r/lib/x86_64-linux-gnu"
cp /bin/busybox "$r/bin/" || die "no /bin/busybox (busybox-static)"
cp "$x/usr/bin/mokutil" "$r/bin/"
for l in $(LD_LIBRARY_PATH=$x/usr/lib/x86_64-linux-gnu ldd "$x/usr/bin/mokutil" | awk '/=> \// { print $3 }'); do
	cp "$l" "$r/lib/x86_64-linux-gnu/"
done
cp /lib64/ld-linux-x86-64.so.2 "$r/lib64/"
cp "$ko" "$r/mod/dkms.ko"
cp "$O/kmod/$rel/cima.ko" "$r/mod/unsigned.ko" 2>/dev/null
cp /var/lib/dkms/mok.pub "$r/mod/mok.der"
for d in efivarfs $(modinfo -F softdep "$ko" | sed 's/^pre://; s/post:.*//'); do
	f=$(modinfo -k "$rel" -F filename "$d" 2>/dev/null)
	case $f in
	*.ko) cp "$f" "$r/mod/dep-$d.ko" ;;
	*.ko.xz) xz -dc "$f" > "$r/mod/dep-$d.ko" ;;
	*.ko.zst) zstd -qdc "$f" > "$r/mod/dep-$d.ko" ;;
	esac
done
cat > "$r/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
mount -t securityfs securityfs /sys/kernel/security
for d in /mod/dep-*.ko; do [ -f "$d" ] && insmod "$d" 2>/dev/null; done
mount -t efivarfs efivarfs /sys/firmware/efi/efivars
enrolled=no
mokutil --test-key /mod/mok.der 2>&1 | grep -q 'already enrolled' && enrolled=yes
b=$enrolled
say() { echo "cima-mok: enrolled=$b: $*"; }
say "sb-state $(mokutil --sb-state 2>&1)"
say "lockdown $(cat /sys/kernel/security/lockdown)"
say "dkms-key-in-kernel $(grep -c 'DKMS module signing key' /proc/keys)"
if [ -f /mod/unsigned.ko ]; then
	if err=$(insmod /mod/unsigned.ko backend=sim 2>&1); then
		say "insmod unsigned ok"; rmmod cima
	else
		say "insmod unsigned failed: $err"
	fi
fi
if err=$(insmod /mod/dkms.ko backend=sim 2>&1); then
	reg=no
	[ -r /sys/kernel/security/cima/register ] && reg=yes
	say "insmod dkms ok register=$reg taint=$(cat /sys/module/cima/taint)"
	rmmod cima
else
	say "insmod dkms failed: $err"
fi
if [ $enrolled = no ]; then
	mokutil --generate-hash=cima-mok-test > /tmp/hash 2>&1
	mokutil --import /mod/mok.der --hash-file /tmp/hash > /tmp/import 2>&1
	say "import status $?"
	say "pending $(mokutil --list-new 2>&1 | grep -m 1 'Subject:')"
fi
dmesg | grep -E 'secureboot:|locked down|MokListRT|Loaded X.509 cert|Loading of' |
	sed "s/^/cima-mok: enrolled=$b: kmsg: /"
say done
poweroff -f
EOF
chmod 0755 "$r/init"
(cd "$r" && find . | cpio -o -H newc --quiet) > "$esp/initrd" || die "cpio failed"

cp /usr/share/OVMF/OVMF_VARS_4M.ms.fd "$tmp/vars.fd"
# shellcheck disable=SC2054  # the commas are QEMU's option syntax
qemu=(qemu-system-x86_64 -machine q35,smm=on -cpu max -smp 1 -m 768 -nodefaults
	-display none -no-reboot
	-global driver=cfi.pflash01,property=secure,value=on
	-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
	-drive if=pflash,format=raw,unit=1,file="$tmp/vars.fd"
	-drive file=fat:"$esp",format=raw,if=virtio,readonly=on
	-serial stdio)
drive=$top/selftests/dkms/serial-drive.py
export DRIVE_TIMEOUT=${CIMA_SB_TIMEOUT:-400}
status=0
boot() {
	local name=$1 steps=$2
	"$drive" "$tmp/$name.log" "$steps" -- "${qemu[@]}" || status=1
	tr -d '\r' < "$tmp/$name.log" | grep -a '^cima-mok: ' | sed "s/^cima-mok: /cima-mok: $name: /"
	if [ "$name" != manager ] && ! grep -aq '^cima-mok: .*: done' "$tmp/$name.log"; then
		echo "mok.sh: boot $name did not finish; console tail:" >&2
		tr -d '\r' < "$tmp/$name.log" | tail -n 20 >&2
		status=1
	fi
}
boot import '[]'
# MokManager's screens (shim 15.x): a key within its 10 s, then the menus;
# the down arrow is ESC [ B.
down=$'\\u001b[B'
boot manager "[[\"Press any key to perform MOK management\", \"x\"],
	[\"Enroll hash from disk\", \"$down|\\r\"],
	[\"View key 0\", \"$down|\\r\"],
	[\"Enroll the key\", \"$down|\\r\"],
	[\"Password:\", \"c|i|m|a|-|m|o|k|-|t|e|s|t|\\r\"],
	[\"Reboot\", \"\\r\"]]"
tr -d '\r' < "$tmp/manager.log" | sed 's/\x1b\[[0-9;?]*[A-Za-z]/ /g' | tr -cd '[:print:]\n' |
	grep -oE 'Enroll MOK|View key 0|Enroll the key\(s\)\?|Password:|Reboot' | uniq |
	sed 's/^/cima-mok: manager: screen: /'
boot verify '[]'
exit $status

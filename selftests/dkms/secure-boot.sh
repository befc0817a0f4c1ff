#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Module signing under UEFI Secure Boot, in QEMU (runs on the host; the
# TAP test is tests/test_dkms_secureboot.sh; Documentation/secure-boot.md).
#
#   selftests/dkms/secure-boot.sh 6.1|6.12 [--no-secure-boot]
#
# Firmware: Debian's OVMF_CODE_4M.secboot.fd (SMM) with a copy of
# OVMF_VARS_4M.snakeoil.fd, whose PK, KEK and db hold the "snakeoil" test
# certificate that the ovmf package ships with its private key
# (/usr/share/ovmf/PkKek-1-snakeoil.{pem,key}, password "snakeoil").
# Secure Boot is on in those variables.  Debian signs its kernels for shim,
# which the snakeoil db does not trust, so the test signs a copy of the
# installed kernel with the snakeoil key (sbsign) and OVMF boots it
# directly: an image db trusts, as shim would be on a real machine.  The
# kernel then finds Secure Boot on and locks itself down (integrity), and
# loads the db certificates into its platform keyring.
#
# Modules tried in the guest (a busybox initramfs, no root filesystem):
#   unsigned   $O/kmod/<release>/cima.ko as make builds it
#   dkms       $O/dkms/<release>/cima.ko (tests/test_dkms.sh): signed by
#              dkms's own key /var/lib/dkms/mok.*, which no keyring holds
#              (the MOK enrolment that would add it needs shim's MokManager)
#   db         the unsigned module signed with the snakeoil key (the
#              kernel's scripts/sign-file), a key in the firmware's db
# Prints the guest's lines "cima-sb: ..." and its kernel messages about
# lockdown, keys and modules.  With --no-secure-boot the firmware is the
# plain OVMF_CODE_4M.fd + OVMF_VARS_4M.fd and the kernel gets
# module.sig_enforce=1 instead.
# Needs: qemu-system-x86, ovmf, sbsigntool, busybox-static, cpio, openssl,
# the kernel's headers (sign-file).  Exit 0 when the guest ran to its end.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
kver=${1:?usage: secure-boot.sh 6.1|6.12 [--no-secure-boot]}
sb=1
[ "${2:-}" = --no-secure-boot ] && sb=0
rel=$(basename "$(ls -d /lib/modules/"$kver".*cloud-amd64 2>/dev/null | sort -V | tail -n 1)")
die() { echo "secure-boot.sh: $*" >&2; exit 125; }
[ -n "$rel" ] && [ -f "/boot/vmlinuz-$rel" ] || die "no Debian cloud kernel $kver installed"
for c in qemu-system-x86_64 sbsign sbattach cpio openssl; do
	command -v $c > /dev/null || die "$c is not installed"
done
signfile=$(ls /usr/lib/linux-kbuild-"$kver"/scripts/sign-file /usr/src/linux-headers-"$rel"/scripts/sign-file 2>/dev/null | head -n 1)
[ -x "$signfile" ] || die "no scripts/sign-file for $rel (linux-headers)"
unsigned=$O/kmod/$rel/cima.ko
dkms=$O/dkms/$rel/cima.ko
[ -f "$unsigned" ] || die "no $unsigned (make module KVER=$kver)"
[ -f "$dkms" ] || die "no $dkms (tests/test_dkms.sh builds it)"
snake=/usr/share/ovmf/PkKek-1-snakeoil
[ -f $snake.key ] && [ -f $snake.pem ] || die "no $snake.key/.pem (Debian's ovmf)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl pkey -in $snake.key -passin pass:snakeoil -out "$tmp/db.key" || die "cannot read $snake.key"

# The kernel, signed for the snakeoil db (Debian's own signature removed).
cp "/boot/vmlinuz-$rel" "$tmp/vmlinuz.debian"
sbattach --remove "$tmp/vmlinuz.debian" > /dev/null 2>&1
sbsign --key "$tmp/db.key" --cert $snake.pem --output "$tmp/vmlinuz" "$tmp/vmlinuz.debian" \
	> "$tmp/sbsign.log" 2>&1 || die "sbsign: $(cat "$tmp/sbsign.log")"

# The modules.
r=$tmp/root
mkdir -p "$r/bin" "$r/mod" "$r/proc" "$r/sys" "$r/dev"
cp "$unsigned" "$r/mod/unsigned.ko"
cp "$dkms" "$r/mod/dkms.ko"
cp "$unsigned" "$r/mod/db.ko"
"$signfile" sha256 "$tmp/db.key" $snake.pem "$r/mod/db.ko" || die "sign-file failed"
echo "host: unsigned signer='$(modinfo -F signer "$r/mod/unsigned.ko")'"
echo "host: dkms signer='$(modinfo -F signer "$r/mod/dkms.ko")'"
echo "host: db signer='$(modinfo -F signer "$r/mod/db.ko")'"
# cima.ko's softdep (sha512_generic, a module on 6.1), signed by Debian.
for d in $(modinfo -F softdep "$unsigned" | sed 's/^pre://; s/post:.*//'); do
	f=$(modinfo -k "$rel" -F filename "$d" 2>/dev/null)
	case $f in
	*.ko) cp "$f" "$r/mod/dep-$d.ko" ;;
	*.ko.xz) xz -dc "$f" > "$r/mod/dep-$d.ko" ;;
	*.ko.zst) zstd -qdc "$f" > "$r/mod/dep-$d.ko" ;;
	esac
done
cp /bin/busybox "$r/bin/busybox" || die "no /bin/busybox (busybox-static)"
cat > "$r/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t securityfs securityfs /sys/kernel/security
say() { echo "cima-sb: $*"; }
say "secureboot $(dmesg | grep -c 'secureboot: Secure boot enabled')"
say "lockdown $(cat /sys/kernel/security/lockdown 2>/dev/null || echo none)"
say "sig_enforce $(cat /sys/module/module/parameters/sig_enforce 2>/dev/null)"
for d in /mod/dep-*.ko; do [ -f "$d" ] && insmod "$d" 2>/dev/null; done
for m in unsigned dkms db; do
	if err=$(insmod /mod/$m.ko backend=sim 2>&1); then
		reg=no
		[ -r /sys/kernel/security/cima/register ] && reg=yes
		say "insmod $m ok register=$reg taint=$(cat /sys/module/cima/taint)"
		rmmod cima || say "rmmod $m failed"
	else
		say "insmod $m failed: $err"
	fi
done
dmesg | grep -iE 'secure ?boot|lockdown|cima|module verification|Loading of|Loaded X.509|platform' | sed 's/^/cima-sb: kmsg: /'
say done
poweroff -f
EOF
chmod 0755 "$r/init"
(cd "$r" && find . | cpio -o -H newc --quiet) > "$tmp/initrd" || die "cpio failed"

if [ $sb = 1 ]; then
	code=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
	cp /usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd "$tmp/vars.fd"
	machine=q35,smm=on
	append=
else
	code=/usr/share/OVMF/OVMF_CODE_4M.fd
	cp /usr/share/OVMF/OVMF_VARS_4M.fd "$tmp/vars.fd"
	machine=q35
	append=module.sig_enforce=1
fi
# shellcheck disable=SC2054  # the commas are QEMU's option syntax
timeout "${CIMA_SB_TIMEOUT:-400}" qemu-system-x86_64 \
	-machine "$machine" -cpu max -smp 1 -m 768 -nodefaults -display none -no-reboot \
	-global driver=cfi.pflash01,property=secure,value=on \
	-drive if=pflash,format=raw,unit=0,readonly=on,file="$code" \
	-drive if=pflash,format=raw,unit=1,file="$tmp/vars.fd" \
	-serial file:"$tmp/console.log" \
	-kernel "$tmp/vmlinuz" -initrd "$tmp/initrd" \
	-append "console=ttyS0 loglevel=5 panic=-1 rdinit=/init tsc=reliable no_timer_check $append" \
	2> "$tmp/qemu.log"
rc=$?
tr -d '\r' < "$tmp/console.log" | grep -a '^cima-sb: ' || true
if ! grep -aq '^cima-sb: done' "$tmp/console.log"; then
	echo "secure-boot.sh: the guest did not finish (qemu status $rc); console tail:" >&2
	tr -d '\r' < "$tmp/console.log" | tail -n 30 >&2
	cat "$tmp/qemu.log" >&2
	exit 125
fi
exit 0

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cima report on the VM's TPM (swtpm): quotes checked by tpm2_checkquote (a
# verifier this project did not write), broken by another nonce, a changed
# PCR value or one changed signature byte; report data against SHA-512
# computed by openssl; 20 concurrent `cima report` runs each carry their
# own nonce and verify.
top=$(cd "$(dirname "$0")/../.." && pwd)
cima=${CIMA:-${O:-$top/build}/cima}
export TPM2TOOLS_TCTI=${TPM2TOOLS_TCTI:-device:/dev/tpmrm0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }

echo "1..12"
why=
if [ -z "$CIMA_TPM_TCTI" ] && [ ! -c /dev/tpmrm0 ]; then
	why="no TPM (/dev/tpmrm0)"
elif ! command -v tpm2_checkquote >/dev/null; then
	why="tpm2_checkquote not installed"
fi
if [ -z "$why" ] && ! "$cima" report --help >/dev/null 2>&1; then
	# The tool under test is broken: that is a failure, not a skip.
	for i in $(seq 12); do nok "cima report --help works ($cima)"; done
	exit 1
fi
if [ -n "$why" ]; then
	for t in quote_verifies report_data_is_sha512 wrong_nonce_fails \
		 changed_pcr_fails changed_signature_fails library_verify \
		 bad_base64_rejected oversize_rejected concurrent_20 \
		 json_report measurement_equals_sysfs info_names_tpm; do
		skip "$t" "$why"
	done
	exit 0
fi

nonce=$(head -c 32 /dev/urandom | base64 -w0)
data=$(printf 'container=web-1' | base64 -w0)
q=$tmp/q
"$cima" report --platform tpm --nonce "$nonce" --data "$data" --tpm2-files "$q" \
	> "$tmp/dump" 2> "$tmp/err"
rc=$?
[ $rc -eq 0 ] || cat "$tmp/err" | sed 's/^/# /'
checkq() { tpm2_checkquote -u "$1/ak.pem" -m "$1/message" -s "$2" -f "$3" -q "$4" >/dev/null 2>&1; }
# The tamper checks below mean something only if the original verifies.
qv=0
[ $rc -eq 0 ] && checkq $q $q/signature $q/pcrs $q/qualification && qv=1
check quote_verifies "[ $qv = 1 ]"

{ printf '%s' "$nonce" | base64 -d; printf 'container=web-1'; } | openssl dgst -sha512 -binary > "$tmp/expect"
check report_data_is_sha512 "cmp -s $tmp/expect $q/qualification"

head -c 64 /dev/urandom > "$tmp/othernonce"
check wrong_nonce_fails "[ $qv = 1 ] && ! checkq $q $q/signature $q/pcrs $tmp/othernonce"

# pcrs: TPML_PCR_SELECTION (132) + UINT32 + TPML_DIGEST.count (4) + size (2),
# so the first PCR value starts at byte 142.
cp "$q/pcrs" "$tmp/pcrs"
printf '\377' | dd of="$tmp/pcrs" bs=1 seek=150 conv=notrunc 2>/dev/null
check changed_pcr_fails "[ $qv = 1 ] && ! cmp -s $q/pcrs $tmp/pcrs && ! checkq $q $q/signature $tmp/pcrs $q/qualification"

# TPMT_SIGNATURE: sigAlg, hashAlg, R size (2 bytes each), then R.
cp "$q/signature" "$tmp/sig"
b=$(od -An -tu1 -j12 -N1 "$q/signature" | tr -d ' ')
printf "\\$(printf '%03o' $(((b + 1) % 256)))" | dd of="$tmp/sig" bs=1 seek=12 conv=notrunc 2>/dev/null
check changed_signature_fails "[ $qv = 1 ] && ! cmp -s $q/signature $tmp/sig && ! checkq $q $tmp/sig $q/pcrs $q/qualification"

check library_verify "'$cima' report --platform tpm --nonce '$nonce' --verify >/dev/null 2>&1"

"$cima" report --platform tpm --nonce 'not base64!' >/dev/null 2>"$tmp/err"
rc=$?
check bad_base64_rejected "[ $rc -eq 2 ] && grep -q '^cima: report: --nonce' $tmp/err"
big=$(head -c 5000 /dev/zero | base64 -w0)
"$cima" report --platform tpm --data "$big" >/dev/null 2>"$tmp/err"
rc=$?
check oversize_rejected "[ $rc -eq 2 ] && grep -q 'at most 4096' $tmp/err"

# 20 at once: each must succeed, carry its own nonce, and verify.
i=0
while [ $i -lt 20 ]; do
	head -c 16 /dev/urandom | base64 -w0 > "$tmp/n$i"
	"$cima" report --platform tpm --nonce "$(cat "$tmp/n$i")" --tpm2-files "$tmp/c$i" \
		>/dev/null 2>"$tmp/e$i" &
	i=$((i + 1))
done
wait
good=0
i=0
while [ $i -lt 20 ]; do
	base64 -d < "$tmp/n$i" | openssl dgst -sha512 -binary > "$tmp/x$i"
	if cmp -s "$tmp/x$i" "$tmp/c$i/qualification" &&
	   checkq "$tmp/c$i" "$tmp/c$i/signature" "$tmp/c$i/pcrs" "$tmp/x$i"; then
		good=$((good + 1))
	else
		sed "s/^/# run $i: /" "$tmp/e$i"
	fi
	i=$((i + 1))
done
echo "# concurrent: $good of 20 verified with their own nonce"
check concurrent_20 "[ $good -eq 20 ]"
# --json: versioned, and its report data is SHA-512(nonce) from openssl.
"$cima" report --platform tpm --nonce "$nonce" --json > "$tmp/json" 2>"$tmp/err"
rd=$(printf '%s' "$nonce" | base64 -d | openssl dgst -sha512 -r | cut -d' ' -f1)
check json_report "grep -q '\"version\": 1' $tmp/json && grep -q '\"report_data\": \"$rd\"' $tmp/json"

# cima measurement against the kernel's sysfs PCR files.
if [ -r /sys/class/tpm/tpm0/pcr-sha384/0 ]; then
	same=0
	for i in 0 7 10 15 23; do
		a=$("$cima" measurement --platform tpm --index $i --alg sha384 | cut -d' ' -f3)
		b=$(tr 'A-F' 'a-f' < /sys/class/tpm/tpm0/pcr-sha384/$i)
		[ -n "$a" ] && [ "$a" = "$b" ] && same=$((same + 1))
	done
	check measurement_equals_sysfs "[ $same -eq 5 ]"
else
	skip measurement_equals_sysfs "no /sys/class/tpm/tpm0/pcr-sha384"
fi
check info_names_tpm "'$cima' info --platform tpm | grep -q '^banks: sha256 sha384'"
[ $fails -eq 0 ]

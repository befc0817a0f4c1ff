#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Go and Rust bindings in the test VM (swtpm TPM): programs written as
# SDK users would (selftests/bindings/{go,rust}-sdk-user, built on the host
# by make -C lib/go and make -C lib/rust into $O/bindings) read the PCRs, take
# a quote and replay the live logs, and each result is compared with the C
# tool's (cima measurement, cima report --tpm2-files, cima replay), with the
# kernel's sysfs PCRs, with openssl's SHA-512 and with tpm2_checkquote.
# Errors must carry the library's text, as the tool prints it.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
export LD_LIBRARY_PATH="$O${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export TPM2TOOLS_TCTI="${TPM2TOOLS_TCTI:-device:/dev/tpmrm0}"
cima=${CIMA:-$O/cima}
tpm=/sys/class/tpm/tpm0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
res() { if [ "$1" = 0 ]; then ok "$2"; else nok "$2"; [ -n "${3:-}" ] && sed 's/^/# /' "$3"; fi; }

checks="info measure_sha256 measure_sha384 measure_sysfs report report_data_tool report_data_sha512 ak_pem_tool pcrs_tool checkquote other_nonce replay_tool replay_sysfs error_text bad_base64"
langs="go rust"
echo "1..$(( $(echo "$checks" | wc -w) * 2 ))"
why=
if [ ! -c /dev/tpmrm0 ]; then
	why="no TPM (/dev/tpmrm0)"
elif [ ! -d $tpm/pcr-sha384 ] || [ ! -d $tpm/pcr-sha256 ]; then
	why="no sha256 and sha384 PCR banks in sysfs"
elif ! command -v tpm2_checkquote > /dev/null; then
	why="tpm2_checkquote not installed"
fi
if [ -n "$why" ]; then
	for l in $langs; do for c in $checks; do skip "$l: $c" "$why"; done; done
	exit 0
fi

sysfs_pcrs() {	# <alg>: "<i> <alg> <hex>" for PCR 0-23 from the kernel
	for i in $(seq 0 23); do
		printf '%d %s %s\n' "$i" "$1" "$(tr 'A-F' 'a-f' < $tpm/pcr-"$1"/"$i")"
	done
}

for l in $langs; do
	case $l in
	go) bin=$O/bindings/go-sdk-user ;;
	rust) bin=$O/bindings/rust-target/release/rust-sdk-user ;;
	esac
	if [ ! -x "$bin" ]; then
		for c in $checks; do nok "$l: $c ($bin not built: make -C lib/$l)"; done
		continue
	fi
	d=$tmp/$l
	mkdir -p "$d/q" "$d/c" "$d/x"

	# Default algorithm and count, as the tool's unqualified listing.
	"$cima" measurement > "$d/tool-default" 2> "$d/err"
	want="$(head -n1 "$d/tool-default" | cut -d' ' -f2) $(wc -l < "$d/tool-default")"
	got=$("$bin" info 2> "$d/err")
	[ "$got" = "$want" ] && [ "$got" = "sha256 24" ]
	res $? "$l: info: default algorithm and register count '$got' = the tool's '$want'" "$d/err"

	for a in sha256 sha384; do
		"$cima" measurement --alg $a > "$d/tool-$a" 2>&1
		"$bin" measure $a > "$d/bind-$a" 2>&1
		diff "$d/tool-$a" "$d/bind-$a" > "$d/diff" 2>&1 && [ "$(wc -l < "$d/bind-$a")" = 24 ]
		res $? "$l: get_cc_measurement (Go GetCCMeasurement), 24 PCRs of $a = cima measurement --alg $a" "$d/diff"
	done
	# IMA (ima_policy=tcb in make check) extends PCR 10 for every program
	# run for the first time, these included: read both sides again, up to
	# three times, until nothing new ran in between.
	for _ in 1 2 3; do
		{ sysfs_pcrs sha256; sysfs_pcrs sha384; } > "$d/sysfs"
		"$bin" measure sha256 > "$d/bind-sha256" 2>&1
		"$bin" measure sha384 > "$d/bind-sha384" 2>&1
		{ sysfs_pcrs sha256; sysfs_pcrs sha384; } > "$d/sysfs2"
		cmp -s "$d/sysfs" "$d/sysfs2" && break
	done
	cat "$d/bind-sha256" "$d/bind-sha384" | diff "$d/sysfs" - > "$d/diff" 2>&1
	res $? "$l: the PCRs equal the kernel's sysfs pcr-sha256/ and pcr-sha384/" "$d/diff"

	# A quote of the same nonce and data through the binding and the tool.
	nonce=$(head -c 32 /dev/urandom | base64 -w0)
	data=$(printf 'container=%s-bindings' "$l" | base64 -w0)
	# Both quotes again (up to three times) if PCR 10 moved in between.
	for _ in 1 2 3; do
		"$bin" report "$nonce" "$data" "$d/q" > "$d/report" 2>&1
		rc=$?
		"$cima" report --platform tpm --nonce "$nonce" --data "$data" --tpm2-files "$d/c" > /dev/null 2> "$d/err"
		cmp -s "$d/q/pcrs.values" "$d/c/pcrs.values" && break
	done
	[ $rc = 0 ] && grep -q '^tpm-quote sha256 24$' "$d/report"
	res $? "$l: get_cc_report (Go GetCCReport) gives a 24-PCR sha256 TPM quote the library verifies" "$d/report"
	cmp "$d/q/qualification" "$d/c/qualification" > "$d/diff" 2>&1
	res $? "$l: report data = cima report's for the same nonce and data" "$d/diff"
	{ printf '%s' "$nonce" | base64 -d; printf '%s' "$data" | base64 -d; } |
		openssl dgst -sha512 -binary > "$d/sha512"
	cmp "$d/sha512" "$d/q/qualification" > "$d/diff" 2>&1
	res $? "$l: report data = SHA-512(nonce || data) (openssl)" "$d/diff"
	cmp "$d/q/ak.pem" "$d/c/ak.pem" > "$d/diff" 2>&1
	res $? "$l: the quote's AK = cima report's (same key)" "$d/diff"
	cmp "$d/q/pcrs.values" "$d/c/pcrs.values" > "$d/diff" 2>&1
	res $? "$l: quoted PCR values = cima report's" "$d/diff"
	tpm2_checkquote -u "$d/c/ak.pem" -m "$d/q/message" -s "$d/q/signature" \
		-f "$d/c/pcrs" -q "$d/q/qualification" > "$d/cq" 2>&1
	res $? "$l: tpm2_checkquote accepts the binding's quote (tool's AK PEM and PCR file)" "$d/cq"
	head -c 64 /dev/urandom > "$d/other"
	! tpm2_checkquote -u "$d/c/ak.pem" -m "$d/q/message" -s "$d/q/signature" \
		-f "$d/c/pcrs" -q "$d/other" > /dev/null 2>&1
	res $? "$l: tpm2_checkquote rejects it for another nonce"

	# Replay of every live log: the binding's = the tool's (twice, in case
	# a log grew in between), and PCR 0-7 = the kernel's sysfs values.
	for _ in 1 2; do
		"$bin" replay > "$d/bind-replay" 2>&1
		"$cima" replay > "$d/tool-replay" 2>&1
		diff "$d/tool-replay" "$d/bind-replay" > "$d/diff" 2>&1 && break
	done
	[ -s "$d/bind-replay" ] && diff "$d/tool-replay" "$d/bind-replay" > "$d/diff" 2>&1
	res $? "$l: get_cc_eventlog + replay_cc_eventlog = cima replay ($(wc -l < "$d/bind-replay") values)" "$d/diff"
	awk '$1 <= 7' "$d/bind-replay" | sort > "$d/fw"
	missing=0
	while read -r i a h; do
		grep -qx "$i $a $h" "$d/sysfs" || { echo "PCR $i $a: replay $h" >> "$d/fwdiff"; missing=1; }
	done < "$d/fw"
	[ $missing = 0 ] && [ "$(wc -l < "$d/fw")" -ge 8 ]
	res $? "$l: replayed PCR 0-7 ($(wc -l < "$d/fw") values) = sysfs" "$d/fwdiff"

	# Errors carry the library's text, as the tool prints it.
	"$cima" measurement --index 99 --alg sha256 > /dev/null 2> "$d/tool-err"
	"$bin" measure1 99 sha256 > /dev/null 2> "$d/bind-err"
	rc=$?
	msg=$(sed -n '1s/^cima: [^:]*: //p' "$d/tool-err")
	[ $rc != 0 ] && [ -n "$msg" ] && grep -qF -- "$msg" "$d/bind-err"
	res $? "$l: register 99 fails with the library's text '$msg'" "$d/bind-err"
	"$bin" report 'not base64!' '' "$d/x" > /dev/null 2> "$d/err"
	rc=$?
	[ $rc != 0 ] && grep -q 'base64' "$d/err"
	res $? "$l: a nonce that is not base64 is refused with a message" "$d/err"
done

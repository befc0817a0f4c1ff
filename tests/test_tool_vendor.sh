#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cima verify-report against the openssl command on the same bytes: the
# published TDX quote (go-tdx-guest) and SNP report (go-sev-guest) are
# taken apart with python3, every signature and chain is checked with
# `openssl dgst -verify` / `openssl verify` on its own, and the tool must
# agree, for the real evidence and for tampered copies.  An SNP report
# signed here by a VCEK of a throw-away chain (RSA-PSS ARK and ASK made
# with openssl) exercises a caller-given ARK and the VCEK binding check.
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
cima=$O/cima
data=${CIMA_TESTDATA:-$top/../shared/testdata}
vend=$top/tests/data/vendor
quote=$data/go-tdx-guest/cos-113-tdx-quote.dat
report=$data/go-sev-guest/attestation.bin
vcek=$data/go-sev-guest/vcek.testcer
export LD_LIBRARY_PATH="$O"${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
check() { # check DESCRIPTION COMMAND...: ok when the command succeeds
	d=$1; shift
	if "$@" > "$tmp/out" 2>&1; then ok "$d"; else sed 's/^/# /' "$tmp/out"; nok "$d"; fi
}
# run EXPECTED_RC STEP DESCRIPTION ARGS...: cima verify-report's exit status
# and, for a failure, the step named in "not verified: STEP failed".
# Certificates are checked at 2026-01-01 UTC (--time) unless the test gives
# its own time, so the published VCEK's and PCK leaf's expiry (2029, 2031)
# cannot change the results.
run() {
	want=$1 step=$2 d=$3; shift 3
	case " $* " in *" --time "*) ;; *) set -- "$@" --time 1767225600 ;; esac
	"$cima" verify-report "$@" > "$tmp/o" 2> "$tmp/e"
	rc=$?
	if [ $rc -eq "$want" ] && { [ -z "$step" ] || grep -q "^not verified: $step failed" "$tmp/o"; }; then
		ok "$d (exit $rc${step:+, $step})"
	else
		sed 's/^/# /' "$tmp/o" "$tmp/e"
		nok "$d (exit $rc, expected $want${step:+ at $step})"
	fi
}

echo "1..35"
if [ ! -r "$quote" ] || [ ! -r "$report" ] || ! command -v python3 > /dev/null; then
	for i in $(seq 35); do echo "ok $i # SKIP shared test data or python3 missing"; done
	exit 0
fi

# ---- TDX: take the quote apart ----
python3 - "$quote" "$tmp" <<'EOF'
import struct, sys
q = open(sys.argv[1], 'rb').read(); t = sys.argv[2]
def der_int(b):
    b = b.lstrip(b'\0') or b'\0'
    if b[0] & 0x80: b = b'\0' + b
    return b'\x02' + bytes([len(b)]) + b
def der_sig(r, s):
    body = der_int(r) + der_int(s)
    return b'\x30' + bytes([len(body)]) + body
def w(name, b): open(t + '/' + name, 'wb').write(b)
body_end = 48 + 584
siglen = struct.unpack_from('<I', q, body_end)[0]
s = q[body_end + 4: body_end + 4 + siglen]
w('q.signed', q[:body_end])
w('q.sig', der_sig(s[0:32], s[32:64]))
# SubjectPublicKeyInfo of a P-256 point (id-ecPublicKey, prime256v1)
w('ak.der', bytes.fromhex('3059301306072a8648ce3d020106082a8648ce3d030107034200') + b'\x04' + s[64:128])
assert struct.unpack_from('<H', s, 128)[0] == 6
qe = s[134:134 + 384]
w('qe.report', qe); w('qe.sig', der_sig(s[518:550], s[550:582]))
alen = struct.unpack_from('<H', s, 582)[0]
w('ak_auth', s[64:128] + s[584:584 + alen])
w('qe.reportdata', qe[320:384])
o = 584 + alen
assert struct.unpack_from('<H', s, o)[0] == 5
pem = s[o + 6: o + 6 + struct.unpack_from('<I', s, o + 2)[0]].decode()
certs = ['-----BEGIN' + c for c in pem.split('-----BEGIN')[1:]]
for i, c in enumerate(certs): w('pck%d.pem' % i, c.encode())
w('quote.used', q[:body_end + 4 + siglen])
EOF
openssl pkey -pubin -inform DER -in "$tmp/ak.der" -out "$tmp/ak.pem" 2>/dev/null
openssl x509 -in "$tmp/pck0.pem" -noout -pubkey > "$tmp/pck.pub" 2>/dev/null

check "openssl: quote signature over header+body verifies under the attestation key" \
	openssl dgst -sha256 -verify "$tmp/ak.pem" -signature "$tmp/q.sig" "$tmp/q.signed"
check "openssl: QE report signature verifies under the PCK leaf's key" \
	openssl dgst -sha256 -verify "$tmp/pck.pub" -signature "$tmp/qe.sig" "$tmp/qe.report"
want=$(openssl dgst -sha256 -r "$tmp/ak_auth" | cut -c1-64)0000000000000000000000000000000000000000000000000000000000000000
got=$(od -An -tx1 -v "$tmp/qe.reportdata" | tr -d ' \n')
check "openssl: QE REPORTDATA = SHA-256(attestation key || auth data) || 0^32" test "$want" = "$got"
check "openssl verify: PCK leaf -> Platform CA -> tests/data/vendor Intel SGX root" \
	openssl verify -attime 1767225600 -CAfile "$vend/intel-sgx-root-ca.pem" -untrusted "$tmp/pck1.pem" "$tmp/pck0.pem"
check "openssl: the chain's own root is the pinned one ($(openssl x509 -in "$tmp/pck2.pem" -outform DER | openssl dgst -sha256 -r | cut -c1-16)...)" \
	test "$(openssl x509 -in "$tmp/pck2.pem" -outform DER | openssl dgst -sha256 -r | cut -c1-64)" = \
	     "$(openssl x509 -in "$vend/intel-sgx-root-ca.pem" -outform DER | openssl dgst -sha256 -r | cut -c1-64)"

run 0 "" "cima: the published TDX quote verifies to the pinned Intel root" --tdx "$quote"
run 0 "" "cima: the same with --root-ca tests/data/vendor/intel-sgx-root-ca.pem" \
	--tdx "$quote" --root-ca "$vend/intel-sgx-root-ca.pem"

# A root with Intel's name but another key: openssl and cima both refuse.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$tmp/fake.key" -out "$tmp/fake-root.pem" -days 30 \
	-subj "/CN=Intel SGX Root CA/O=Intel Corporation/L=Santa Clara/ST=CA/C=US" 2>/dev/null
if openssl verify -attime 1767225600 -CAfile "$tmp/fake-root.pem" -untrusted "$tmp/pck1.pem" "$tmp/pck0.pem" > /dev/null 2>&1; then
	nok "openssl verify refuses a root with Intel's name and another key"
else
	ok "openssl verify refuses a root with Intel's name and another key"
fi
run 1 chain "cima: the same wrong root fails at the chain step" --tdx "$quote" --root-ca "$tmp/fake-root.pem"

# One flipped byte in the body (REPORTDATA): openssl and cima both refuse.
python3 -c "
import sys; q = bytearray(open(sys.argv[1], 'rb').read()); q[0x238] ^= 1
open(sys.argv[2], 'wb').write(q); open(sys.argv[3], 'wb').write(q[:632])" \
	"$quote" "$tmp/q-flip.dat" "$tmp/q-flip.signed"
if openssl dgst -sha256 -verify "$tmp/ak.pem" -signature "$tmp/q.sig" "$tmp/q-flip.signed" > /dev/null 2>&1; then
	nok "openssl: a flipped REPORTDATA bit no longer verifies"
else
	ok "openssl: a flipped REPORTDATA bit no longer verifies"
fi
run 1 signature "cima: the flipped quote fails at the signature step" --tdx "$tmp/q-flip.dat"
# The QE report: one byte of its REPORTDATA.
python3 -c "
import sys; q = bytearray(open(sys.argv[1], 'rb').read()); q[636 + 134 + 320] ^= 0x40
open(sys.argv[2], 'wb').write(q)" "$quote" "$tmp/q-qe.dat"
run 1 qe-report "cima: a changed QE report fails at the qe-report step" --tdx "$tmp/q-qe.dat"
head -c 4000 "$quote" > "$tmp/q-short.dat"
run 3 format "cima: a quote cut at 4000 bytes cannot be parsed" --tdx "$tmp/q-short.dat"
run 0 "" "cima: the quote without its padding (4935 bytes) verifies" --tdx "$tmp/quote.used"
run 1 chain "cima: certificates checked at a time before the PCK leaf existed fail" \
	--tdx "$quote" --time 1700000000

# ---- SNP ----
python3 - "$report" "$tmp" <<'EOF'
import sys
r = open(sys.argv[1], 'rb').read(); t = sys.argv[2]
def der_int(b):
    b = b.lstrip(b'\0') or b'\0'
    if b[0] & 0x80: b = b'\0' + b
    return b'\x02' + bytes([len(b)]) + b
body = der_int(r[0x2a0:0x2e8][::-1]) + der_int(r[0x2e8:0x330][::-1])
open(t + '/snp.sig', 'wb').write(b'\x30' + bytes([len(body)]) + body)
open(t + '/snp.signed', 'wb').write(r[:0x2a0])
EOF
openssl x509 -inform DER -in "$vcek" -out "$tmp/vcek.pem" 2>/dev/null
openssl x509 -in "$tmp/vcek.pem" -noout -pubkey > "$tmp/vcek.pub"
openssl x509 -in "$vend/amd-milan-ask-ark.pem" -out "$tmp/ask.pem"
check "openssl: the SNP report signature (r, s little-endian) verifies under the VCEK" \
	openssl dgst -sha384 -verify "$tmp/vcek.pub" -signature "$tmp/snp.sig" "$tmp/snp.signed"
check "openssl verify: VCEK -> ASK (SEV-Milan) -> ARK-Milan" \
	openssl verify -attime 1767225600 -CAfile "$vend/amd-milan-ark.pem" -untrusted "$tmp/ask.pem" "$tmp/vcek.pem"
run 0 "" "cima: the published SNP report verifies with its VCEK to the pinned ARK" \
	--snp "$report" --vcek "$vcek"
run 0 "" "cima: the same with --ark (AMD's cert_chain: ASK, ARK) and a PEM VCEK" \
	--snp "$report" --vcek "$tmp/vcek.pem" --ark "$vend/amd-milan-ask-ark.pem"
run 1 chain "cima: Genoa's ASK/ARK as --ark fail at the chain step" \
	--snp "$report" --vcek "$vcek" --ark "$vend/amd-genoa-ask-ark.pem"
python3 -c "
import sys; r = bytearray(open(sys.argv[1], 'rb').read()); r[0x90] ^= 1
open(sys.argv[2], 'wb').write(r)" "$report" "$tmp/snp-flip.bin"
run 1 signature "cima: a flipped MEASUREMENT bit fails at the signature step" \
	--snp "$tmp/snp-flip.bin" --vcek "$vcek"
run 3 input "cima: no VCEK given" --snp "$report"
head -c 1000 "$report" > "$tmp/snp-short.bin"
run 3 format "cima: a report cut at 1000 bytes cannot be parsed" --snp "$tmp/snp-short.bin" --vcek "$vcek"

# ---- A throw-away chain: RSA-PSS ARK and ASK, P-384 VCEK with a hwID ----
# (valid for 30 days from when it is made: checked a minute after that)
openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out "$tmp/ark.key" 2>/dev/null
openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out "$tmp/ask.key" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp384r1 -out "$tmp/vk.key" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$tmp/ca.ext"
chip=$(python3 -c "import sys; print(open(sys.argv[1], 'rb').read()[0x1a0:0x1e0].hex())" "$report")
printf '1.3.6.1.4.1.3704.1.4=DER:%s\n' "$chip" > "$tmp/vcek.ext"
openssl req -x509 -new -key "$tmp/ark.key" -subj "/CN=TEST-ARK" -days 30 \
	-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48 -sha384 \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
	-out "$tmp/t-ark.pem" 2>/dev/null
openssl req -new -key "$tmp/ask.key" -subj "/CN=TEST-ASK" -out "$tmp/ask.csr" 2>/dev/null
openssl x509 -req -in "$tmp/ask.csr" -CA "$tmp/t-ark.pem" -CAkey "$tmp/ark.key" -CAcreateserial \
	-days 30 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48 -sha384 \
	-extfile "$tmp/ca.ext" -out "$tmp/t-ask.pem" 2>/dev/null
openssl req -new -key "$tmp/vk.key" -subj "/CN=TEST-VCEK" -out "$tmp/vk.csr" 2>/dev/null
openssl x509 -req -in "$tmp/vk.csr" -CA "$tmp/t-ask.pem" -CAkey "$tmp/ask.key" -CAcreateserial \
	-days 30 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48 -sha384 \
	-extfile "$tmp/vcek.ext" -out "$tmp/t-vcek.pem" 2>/dev/null
cat "$tmp/t-ask.pem" "$tmp/t-ark.pem" > "$tmp/t-chain.pem"
now=$(($(date +%s) + 60))
# Sign the published report's first 0x2A0 bytes with the test VCEK (openssl),
# store r and s little-endian in 72-byte fields.
openssl dgst -sha384 -sign "$tmp/vk.key" -out "$tmp/t.sig" "$tmp/snp.signed"
python3 - "$report" "$tmp/t.sig" "$tmp/t-report.bin" <<'EOF'
import sys
r = bytearray(open(sys.argv[1], 'rb').read()); sig = open(sys.argv[2], 'rb').read()
def ints(d):
    assert d[0] == 0x30
    i = 2 if d[1] < 0x80 else 3
    out = []
    for _ in range(2):
        assert d[i] == 2; l = d[i + 1]; out.append(d[i + 2:i + 2 + l]); i += 2 + l
    return out
rr, ss = [int.from_bytes(x, 'big') for x in ints(sig)]
r[0x2a0:0x330] = rr.to_bytes(72, 'little') + ss.to_bytes(72, 'little')
open(sys.argv[3], 'wb').write(r)
EOF
check "openssl verify: test VCEK -> test ASK -> test ARK (RSA-PSS)" \
	openssl verify -CAfile "$tmp/t-ark.pem" -untrusted "$tmp/t-ask.pem" "$tmp/t-vcek.pem"
run 0 "" "cima: a report signed by the test VCEK verifies with --ark test chain" \
	--snp "$tmp/t-report.bin" --vcek "$tmp/t-vcek.pem" --ark "$tmp/t-chain.pem" --time "$now"
run 1 chain "cima: ... but not to the built-in AMD ARKs" --snp "$tmp/t-report.bin" --vcek "$tmp/t-vcek.pem" --time "$now"
# Same chain, but the VCEK's hwID names another chip: the binding step.
printf '1.3.6.1.4.1.3704.1.4=DER:%s\n' "$(echo "$chip" | sed 's/^./f/')" > "$tmp/vcek2.ext"
[ "$(echo "$chip" | cut -c1)" = f ] && sed -i 's/DER:f/DER:e/' "$tmp/vcek2.ext"
openssl x509 -req -in "$tmp/vk.csr" -CA "$tmp/t-ask.pem" -CAkey "$tmp/ask.key" -CAcreateserial \
	-days 30 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48 -sha384 \
	-extfile "$tmp/vcek2.ext" -out "$tmp/t-vcek2.pem" 2>/dev/null
run 1 binding "cima: a VCEK whose hwID is another chip's fails at the binding step" \
	--snp "$tmp/t-report.bin" --vcek "$tmp/t-vcek2.pem" --ark "$tmp/t-chain.pem" --time "$now"

# ---- CRLs (--crl) on the throw-away chain ----
mkca() { # mkca NAME: a minimal `openssl ca` configuration and database
	mkdir -p "$tmp/ca-$1"
	: > "$tmp/ca-$1/index.txt"
	echo 01 > "$tmp/ca-$1/crlnumber"
	printf '[ca]\ndefault_ca=d\n[d]\ndatabase=%s\ncrlnumber=%s\ndefault_md=sha384\ndefault_crl_days=30\n' \
		"$tmp/ca-$1/index.txt" "$tmp/ca-$1/crlnumber" > "$tmp/ca-$1/cnf"
}
gencrl() { # gencrl NAME KEY CERT OUT
	openssl ca -gencrl -config "$tmp/ca-$1/cnf" -keyfile "$2" -cert "$3" -out "$4" 2>/dev/null
}
mkca ark
mkca ask
gencrl ark "$tmp/ark.key" "$tmp/t-ark.pem" "$tmp/ark.crl"
gencrl ask "$tmp/ask.key" "$tmp/t-ask.pem" "$tmp/ask.crl"
cat "$tmp/ark.crl" "$tmp/ask.crl" > "$tmp/crls.pem"
check "openssl verify -crl_check_all: the test chain with the ARK's and ASK's CRLs" \
	openssl verify -crl_check_all -CRLfile "$tmp/crls.pem" -CAfile "$tmp/t-ark.pem" \
	-untrusted "$tmp/t-ask.pem" "$tmp/t-vcek.pem"
run 0 "" "cima: --crl with both CRLs, nothing revoked" --snp "$tmp/t-report.bin" \
	--vcek "$tmp/t-vcek.pem" --ark "$tmp/t-chain.pem" --crl "$tmp/crls.pem" --time "$now"
run 1 revocation "cima: --crl with the ARK's CRL only (the VCEK's issuer has none)" \
	--snp "$tmp/t-report.bin" --vcek "$tmp/t-vcek.pem" --ark "$tmp/t-chain.pem" \
	--crl "$tmp/ark.crl" --time "$now"
openssl ca -revoke "$tmp/t-vcek.pem" -config "$tmp/ca-ask/cnf" -keyfile "$tmp/ask.key" \
	-cert "$tmp/t-ask.pem" > /dev/null 2>&1
gencrl ask "$tmp/ask.key" "$tmp/t-ask.pem" "$tmp/ask2.crl"
cat "$tmp/ark.crl" "$tmp/ask2.crl" > "$tmp/crls2.pem"
if openssl verify -crl_check_all -CRLfile "$tmp/crls2.pem" -CAfile "$tmp/t-ark.pem" \
	-untrusted "$tmp/t-ask.pem" "$tmp/t-vcek.pem" > /dev/null 2>&1; then
	nok "openssl verify: the VCEK revoked by the ASK's new CRL"
else
	ok "openssl verify: the VCEK revoked by the ASK's new CRL"
fi
run 1 revocation "cima: the same revoked VCEK fails at the revocation step" \
	--snp "$tmp/t-report.bin" --vcek "$tmp/t-vcek.pem" --ark "$tmp/t-chain.pem" \
	--crl "$tmp/crls2.pem" --time "$now"
run 3 input "cima: a --crl file that holds no CRL" --snp "$tmp/t-report.bin" \
	--vcek "$tmp/t-vcek.pem" --ark "$tmp/t-chain.pem" --crl "$tmp/t-ark.pem" --time "$now"

# ---- interface ----
"$cima" verify-report --tdx "$quote" --time 1767225600 --json > "$tmp/j" 2>&1
if python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
assert j['version'] == 1 and j['verified'] is True and j['failed_step'] is None
assert j['root']['sha256'] == '44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3'
assert j['root']['pinned'] is True and 'tcb-status' in j['not_checked']" "$tmp/j"; then
	ok "cima --json: verified, pinned root fingerprint, what is not checked"
else
	sed 's/^/# /' "$tmp/j"; nok "cima --json"
fi
"$cima" verify-report --tdx "$quote" --vcek "$vcek" > /dev/null 2>&1; rc1=$?
"$cima" verify-report > /dev/null 2>&1; rc2=$?
"$cima" verify-report --tdx /nonexistent > /dev/null 2>&1; rc3=$?
if [ $rc1 = 2 ] && [ $rc2 = 2 ] && [ $rc3 = 3 ]; then
	ok "cima: usage errors exit 2, an unreadable file exits 3"
else
	nok "cima: usage errors exit 2 ($rc1, $rc2), an unreadable file exits 3 ($rc3)"
fi
exit $failed

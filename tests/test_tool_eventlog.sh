#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The cima tool against independent tools on the same files:
#  - `cima eventlog --format json` and tpm2_eventlog agree on every event
#    (register, type, every digest) of every crypto-agile/legacy log that
#    tpm2_eventlog itself can parse;
#  - `cima replay` equals the published expected values;
#  - bad arguments and bad files give "cima: ..." errors and the documented
#    exit codes.
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
td=${CIMA_TESTDATA:-$top/../shared/testdata}
cima=$O/cima
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
failed=0
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

logs="tpm2-tools/event-gce-ubuntu-2104-log.bin tpm2-tools/event-sd-boot-fedora37.bin tpm2-tools/event-uefi-sha1-log.bin go-tpm-tools/glinux-alex.bin"
echo "1..13"

# Compare a cima JSON dump with tpm2_eventlog's YAML, event by event.
cmp_py='
import json, re, sys
mine = json.load(open(sys.argv[1]))["events"]
# Read tpm2_eventlog output line by line: its legacy-format "YAML" repeats
# keys without list items, so a YAML parser would lose events.
theirs, alg = [], None
for line in open(sys.argv[2]):
    m = re.match(r"^(?:- |  )(PCRIndex|EventType|EventSize|Digest): \"?([^\"]*)\"?$", line.rstrip("\n"))
    if m:
        k, v = m.groups()
        if k == "PCRIndex":
            theirs.append({"digests": {}})
        if k == "Digest":
            theirs[-1]["digests"]["sha1"] = v.lower()
        else:
            theirs[-1][k] = v
        continue
    m = re.match(r"^  - AlgorithmId: (\S+)$", line.rstrip("\n"))
    if m:
        alg = m.group(1); continue
    m = re.match(r"^    Digest: \"([0-9a-fA-F]+)\"$", line.rstrip("\n"))
    if m and alg:
        theirs[-1]["digests"][alg] = m.group(1).lower(); alg = None
if len(mine) != len(theirs):
    sys.exit("count: cima %d, tpm2_eventlog %d" % (len(mine), len(theirs)))
for m, t in zip(mine, theirs):
    where = "event %d" % m["number"]
    if str(m["log_index"]) != t["PCRIndex"]:
        sys.exit(where + ": register %s vs %s" % (m["log_index"], t["PCRIndex"]))
    if m["type_name"] != t["EventType"] and ("0x%x" % m["type"]) != t["EventType"].lower():
        sys.exit(where + ": type %s vs %s" % (m["type_name"], t["EventType"]))
    mine_d = {d["alg"]: d["digest"] for d in m["digests"]}
    if mine_d != t["digests"]:
        sys.exit(where + ": digests differ: %s vs %s" % (mine_d, t["digests"]))
    if int(t["EventSize"]) != len(m["data"]) // 2:
        sys.exit(where + ": size %d vs %s" % (len(m["data"]) // 2, t["EventSize"]))
print("# %d events agree (register, type, digests, size)" % len(mine))
'
for f in $logs; do
	if [ ! -f "$td/$f" ]; then skip "json vs tpm2_eventlog: $f" "missing $td/$f"; continue; fi
	if ! command -v tpm2_eventlog >/dev/null; then skip "json vs tpm2_eventlog: $f" "tpm2_eventlog not installed"; continue; fi
	"$cima" eventlog --file "$td/$f" --format json > "$tmp/mine.json" &&
	tpm2_eventlog "$td/$f" > "$tmp/theirs.yaml" 2>/dev/null
	# tpm2-tools' legacy-format YAML repeats keys; PyYAML keeps the last.
	if python3 -c "$cmp_py" "$tmp/mine.json" "$tmp/theirs.yaml"; then
		ok "json vs tpm2_eventlog: $f"
	else
		nok "json vs tpm2_eventlog: $f"
	fi
done

# Replay with the tool, compare with the expected.json values.
rep_py='
import json, sys
exp = json.load(open(sys.argv[1]))["expected"]
got = json.load(open(sys.argv[2]))["registers"]
want = {}
for alg, regs in exp.get("pcrs", {}).items():
    for k, v in regs.items(): want[(k, alg)] = v
for alg, regs in exp.get("rtmrs", {}).items():
    for k, v in regs.items(): want[(str(int(k[4:])), alg)] = v   # RTMRn is IMR n
for alg, v in exp.get("pcr10", {}).items(): want[("10", alg)] = v
bad = [k for k, v in want.items() if got.get(k[0], {}).get(k[1], "0" * len(v)) != v]
if bad: sys.exit("differ: %s" % bad)
print("# %d values as expected" % len(want))
'
for spec in firmware:tpm2-tools/event-gce-ubuntu-2104-log.bin firmware:go-tpm-tools/glinux-alex.bin \
	    ccel:go-eventlog/cos-113-intel-tdx.bin ima:ibmtss/sha1.log; do
	src=${spec%%:*}; f=${spec#*:}
	if [ ! -f "$td/$f" ]; then skip "replay: $f" "missing"; continue; fi
	if "$cima" replay -s "$src" -f "$td/$f" -F json > "$tmp/r.json" &&
	   python3 -c "$rep_py" "$td/$f.expected.json" "$tmp/r.json"; then
		ok "replay: $f"
	else
		nok "replay: $f"
	fi
done

# verify with --expected built from the expected.json (independent values)
python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))["expected"]["pcrs"]
for alg, regs in e.items():
    for k, v in regs.items(): print(k, alg, v)
' "$td/tpm2-tools/event-gce-ubuntu-2104-log.bin.expected.json" > "$tmp/pcrs.txt" 2>/dev/null
"$cima" verify -f "$td/tpm2-tools/event-gce-ubuntu-2104-log.bin" -e "$tmp/pcrs.txt" > "$tmp/v.out"
[ $? -eq 0 ] && grep -q "33 registers compared, 0 mismatches" "$tmp/v.out" && ok "verify --expected passes" || nok "verify --expected passes"
sed 's/^7 sha256 ca/7 sha256 cb/' "$tmp/pcrs.txt" > "$tmp/bad.txt"
"$cima" verify -f "$td/tpm2-tools/event-gce-ubuntu-2104-log.bin" -e "$tmp/bad.txt" > "$tmp/v.out" 2> "$tmp/v.err"
rc=$?
[ $rc -eq 1 ] && grep -q "^index 7 sha256: MISMATCH" "$tmp/v.out" && grep -q "^cima: verify: index 7 sha256" "$tmp/v.err" &&
	ok "verify names the differing index and bank, exit 1" || nok "verify names the differing index and bank, exit 1 (rc $rc)"

# errors
"$cima" eventlog -f "$td/keylime/binary_bios_measurements-bogus" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 3 ] && grep -q "^cima: eventlog: .*bogus: firmware: offset 28: event size" "$tmp/err" &&
	ok "bogus log: clear error, exit 3" || nok "bogus log: clear error, exit 3 (rc $rc: $(cat "$tmp/err"))"
"$cima" eventlog --format yaml > /dev/null 2> "$tmp/err"; rc1=$?
"$cima" replay --bank md5 > /dev/null 2>> "$tmp/err"; rc2=$?
"$cima" nosuchcommand 2>> "$tmp/err"; rc3=$?
[ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] && [ $rc3 -eq 2 ] && [ "$(grep -c '^cima: ' "$tmp/err")" -eq 3 ] &&
	ok "bad arguments: exit 2 with cima: messages" || nok "bad arguments: exit 2 ($rc1 $rc2 $rc3)"
h=0
for c in eventlog replay verify container; do
	"$cima" $c --help | grep -q "^Usage: cima $c" || h=1
done
"$cima" -V | grep -q "^cima " || h=1
[ $h -eq 0 ] && ok "--help on every subcommand, -V" || nok "--help on every subcommand, -V"

exit $failed

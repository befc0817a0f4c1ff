#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Convert tpm2_pcrread's output ("  sha256:" then "    0 : 0x<HEX>",
# "    10: 0x<HEX>") on stdin to "<index> <alg> <hex>" lines.
awk '/^  [a-z0-9_]+:$/ { alg = $1; sub(":", "", alg); next }
     /^ +[0-9]+ *: *0x[0-9A-Fa-f]+/ {
	split($0, f, ":"); idx = f[1]; hex = f[2]
	gsub(/ /, "", idx); gsub(/ /, "", hex); sub(/^0x/, "", hex)
	print idx, alg, tolower(hex) }'

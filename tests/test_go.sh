#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Host tests of the Go binding (lib/go, package cima), TAP: it builds offline
# with Debian's Go (no module from anywhere), go vet and gofmt are clean, and
# `go test -race` passes (lib/go/cima_test.go: captured and published logs
# replay to their expected values, errors carry libcima's text, no C handle
# outlives its Go values).  One TAP line per Go test.  The Go build cache is
# kept in $O/go, so a second run takes seconds.
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
export CIMA_TOP="$top" O
export CIMA_TESTDATA="${CIMA_TESTDATA:-$top/../shared/testdata}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
quote() { sed 's/^/# /' "$1"; }

if [ ! -x /usr/bin/go ]; then
	echo "1..0 # SKIP /usr/bin/go missing (make deps installs golang-go)"
	exit 0
fi
goenv() {
	env -u GOTOOLCHAIN GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off GO111MODULE=on \
		GOCACHE="$O/go/cache" GOPATH="$O/go/path" CGO_ENABLED=1 \
		CGO_LDFLAGS="-L$O" LD_LIBRARY_PATH="$O" "$@"
}

check "Debian's Go 1.19 is the toolchain (/usr/bin/go)" \
	"/usr/bin/go version | grep -q 'go1\.19'"
( cd "$top/lib/go" && goenv /usr/bin/go list -m all ) > "$tmp/mods" 2>&1
check "the module needs no other module (go list -m all: cima only)" \
	"[ \"\$(cat $tmp/mods)\" = cima ]" || quote "$tmp/mods"
make --no-print-directory -s -C "$top/lib/go" O="$O" > "$tmp/build" 2>&1
check "an SDK user's program builds offline against lib/go (make -C lib/go)" \
	"[ \$? = 0 ] && [ -x '$O/bindings/go-sdk-user' ]" || quote "$tmp/build"
( cd "$top/lib/go" && goenv /usr/bin/go vet ./... ) > "$tmp/vet" 2>&1
check "go vet is clean" "[ \$? = 0 ]" || quote "$tmp/vet"
fmt=$(cd "$top/lib/go" && /usr/bin/gofmt -l . "$top/selftests/bindings/go-sdk-user")
check "gofmt is clean" "[ -z '$fmt' ]" || echo "# gofmt: $fmt"

( cd "$top/lib/go" && goenv /usr/bin/go test -race -count=1 -v ./... ) > "$tmp/test" 2>&1
rc=$?
quote "$tmp/test" | grep -v -e '^# === RUN' -e '^# --- PASS' -e '^# PASS$'
tests=$(grep -c -e '^--- PASS' -e '^--- FAIL' "$tmp/test")
grep -e '^--- PASS' -e '^--- FAIL' "$tmp/test" | while read -r _ res name _; do
	[ "$res" = PASS: ] && echo "ok - go test -race: $name" || echo "not ok - go test -race: $name"
done
n=$((n + tests))
if [ "$tests" = 0 ] || { [ $rc != 0 ] && ! grep -q '^--- FAIL' "$tmp/test"; }; then
	nok "go test -race ran (exit $rc)"
fi
echo "1..$n"

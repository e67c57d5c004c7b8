#!/usr/bin/env bash
# The Go package's test command (`make test-go`): builds the static library the package links
# (target/release/libatlscim.a, see go/link_repo.go), then in go/ checks formatting, runs go vet
# and go test -race (the shared vectors of every kind, one profile shared by 64 goroutines,
# errors, Close and the cleanups).
#
# ATLSCIM_BENCH=1 also runs the benchmarks: the core and the C ABI side by side
# (cargo bench -p atlscim-ffi --bench overhead), then the Go package on the same input. The Go
# per-call overhead is BenchmarkCheckUser minus user_create/core_check, and for PATCH
# BenchmarkApplyPatch minus BenchmarkApplyPatchCABI.
#
# Needs: cargo, go (1.24 or later), a C compiler for cgo. The package needs no Go modules.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

for tool in cargo go; do
    command -v "$tool" >/dev/null || { echo "test-go: $tool is required but not installed" >&2; exit 1; }
done

echo "== build libatlscim (release)"
# go/link_repo.go links ../target/release/libatlscim.a, so build it there whatever CARGO_TARGET_DIR says.
CARGO_TARGET_DIR="$root/target" cargo build --release -p atlscim-ffi
# go/atlscimtest links ../target/release/libatlscim_server.so (a local Atlassian directory).
CARGO_TARGET_DIR="$root/target" cargo build --release -p atlscim-server-ffi

cd go
echo "== gofmt, go vet"
unformatted="$(gofmt -l .)"
[ -z "$unformatted" ] || { echo "test-go: not gofmt-ed: $unformatted" >&2; exit 1; }
go vet ./...

echo "== go test -race"
# -count=1: the Go build cache does not see changes to libatlscim.a, so never reuse a result.
mkdir -p "$root/build"
log="$root/build/go-test.log"
status=0
go test -race -count=1 -v ./... >"$log" 2>&1 || status=$?
if [ "$status" != 0 ]; then
    cat "$log"
    echo "test-go: go test failed (log: build/go-test.log)" >&2
    exit "$status"
fi
grep -E '^(--- |ok )|shared vectors' "$log"

if [ "${ATLSCIM_BENCH:-0}" = 1 ]; then
    echo "== benchmarks: the core and the C ABI (criterion), then Go, on ../shared/bench/user.json"
    (cd "$root" && CARGO_TARGET_DIR="$root/target" cargo bench -p atlscim-ffi --bench overhead)
    go test -run '^$' -bench . -benchmem -count=5 ./...
fi
echo "test-go: all Go tests passed"

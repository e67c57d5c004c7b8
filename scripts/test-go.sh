#!/usr/bin/env bash
# The Go package's test command (`make test-go`): builds the static library the package links
# (target/release/libatlscim.a; the tests build with -tags atlscim_repo, see go/link_repo.go), then
# in go/ checks formatting, runs go vet and go test -race (the shared vectors of every kind, one profile shared by 64 goroutines,
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
# Go's build cache keys a cgo package on its sources and the CGO_* flags, not on the content of the
# library it links, so a rebuilt libatlscim.a could be linked from a stale cached build (seen: a
# test binary missing a day's changes). A define carrying the library's hash ties the two.
CGO_CFLAGS="${CGO_CFLAGS:--O2 -g} -DATLSCIM_LIB_SHA256=$(sha256sum "$root/target/release/libatlscim.a" | cut -c1-16)"
export CGO_CFLAGS

cd go
echo "== gofmt, go vet"
unformatted="$(gofmt -l .)"
[ -z "$unformatted" ] || { echo "test-go: not gofmt-ed: $unformatted" >&2; exit 1; }
go vet -tags atlscim_repo ./...

echo "== go test -race"
# -count=1: the Go build cache does not see changes to libatlscim.a, so never reuse a result.
mkdir -p "$root/build"
log="$root/build/go-test.log"
status=0
go test -tags atlscim_repo -race -count=1 -v ./... >"$log" 2>&1 || status=$?
if [ "$status" != 0 ]; then
    cat "$log"
    echo "test-go: go test failed (log: build/go-test.log)" >&2
    exit "$status"
fi
grep -E '^(--- |ok )|shared vectors' "$log"
# A skipped test is listed in `make test`'s summary (scripts/test-all.sh), never counted as passed.
if [ -n "${ATLSCIM_SKIP_LOG:-}" ]; then
    sed -n 's/^ *--- SKIP: \([^ ]*\).*/PART go test \1/p' "$log" >>"$ATLSCIM_SKIP_LOG"
fi
# The vector runners fail on deliberately broken vectors (and pass an unchanged copy).
(cd "$root" && bash scripts/test-vector-runners.sh go)

if [ "${ATLSCIM_BENCH:-0}" = 1 ]; then
    echo "== benchmarks: the core and the C ABI (criterion), then Go, on ../shared/bench/user.json"
    (cd "$root" && CARGO_TARGET_DIR="$root/target" cargo bench -p atlscim-ffi --bench overhead)
    go test -tags atlscim_repo -run '^$' -bench . -benchmem -count=5 ./...
fi
echo "test-go: all Go tests passed"

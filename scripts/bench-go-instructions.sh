#!/usr/bin/env bash
# Instructions per call of the Go package against the same call through the C ABI alone
# (BenchmarkCheckUser against BenchmarkCheckUserCABI, BenchmarkApplyPatch against
# BenchmarkApplyPatchCABI; go/bench_test.go), and what Report.Normalized adds to a check (built
# at check time with Request.Normalize, or by checking again), counted by callgrind: the Go overhead as a ratio
# that the machine's load does not move (the benchmarks' times move by 30 % between runs here).
#
# Each row runs the benchmark twice, with N and 3N iterations, and divides the difference by 2N,
# so the process's start and the benchmark's set-up cancel out. Every thread is counted: the
# garbage collector's work is part of what a Go call costs. GOMAXPROCS=1 and
# GODEBUG=asyncpreemptoff=1 because valgrind runs one thread at a time and Go's preemption
# signals can crash it. Usage: scripts/bench-go-instructions.sh [N] (default 2000). Not part of
# `make test`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-2000}"
for tool in cargo go valgrind; do
    command -v "$tool" >/dev/null || { echo "bench-go-instructions: $tool is required" >&2; exit 1; }
done
CARGO_TARGET_DIR="$root/target" "${CARGO:-cargo}" build -q --release -p atlscim-ffi
# As scripts/test-go.sh: the library's hash in the flags, so Go's cache never links a stale build.
export CGO_CFLAGS="-O2 -g -DATLSCIM_LIB_SHA256=$(sha256sum "$root/target/release/libatlscim.a" | cut -c1-16)"
mkdir -p "$root/build"
bin="$root/build/go-bench.test"
(cd "$root/go" && go test -tags atlscim_repo -c -o "$bin" .)

count() { # benchmark, iterations → instructions
    (cd "$root/go" && GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind \
        --callgrind-out-file=/dev/null "$bin" -test.run '^$' -test.bench "^$1\$" -test.benchtime "${2}x" 2>&1) |
        awk '/Collected/ {print $NF}'
}
per_call() {
    local one three
    one=$(count "$1" "$n")
    three=$(count "$1" $((3 * n)))
    [ -n "$one" ] && [ -n "$three" ] || { echo "bench-go-instructions: valgrind counted nothing for $1" >&2; exit 1; }
    echo $(((three - one) / (2 * n)))
}
declare -A per
for row in BenchmarkCheckUserCABI BenchmarkCheckUser BenchmarkCheckUserNormalizeAtCheck BenchmarkCheckUserNormalized \
    BenchmarkApplyPatchCABI BenchmarkApplyPatch; do
    per[$row]=$(per_call "$row")
    printf '%-26s %8d instructions per call\n' "$row" "${per[$row]}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
echo "Check / C ABI check:              $(ratio "${per[BenchmarkCheckUser]}" "${per[BenchmarkCheckUserCABI]}")"
echo "ApplyPatch / C ABI apply:         $(ratio "${per[BenchmarkApplyPatch]}" "${per[BenchmarkApplyPatchCABI]}")"
echo "Check + Normalized, built at check time / Check:  $(ratio "${per[BenchmarkCheckUserNormalizeAtCheck]}" "${per[BenchmarkCheckUser]}")"
echo "Check + Normalized, checked again / Check:        $(ratio "${per[BenchmarkCheckUserNormalized]}" "${per[BenchmarkCheckUser]}")"

#!/usr/bin/env bash
# The complexity tests (`make test-complexity`, part of `make test`): each scenario of
# core/examples/complexity.rs runs once at N and once at 4N under valgrind's callgrind, which
# counts the instructions executed inside the measured function (the input's construction is not
# counted). A linear or n log n operation grows about 4× from N to 4N; the test fails above 5×
# (a quadratic one grows 16×). Counts, not seconds: the machine's load cannot change the verdict.
#
# Usage: bash scripts/test-complexity.sh [SCENARIO…]   (all scenarios by default)
# Needs: cargo, valgrind.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
MAX_RATIO="${MAX_RATIO:-5}"
out="$root/build/complexity"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac

command -v valgrind >/dev/null || { echo "test-complexity: valgrind is required but not installed" >&2; exit 1; }

echo "== build the complexity scenarios (release)"
cargo build --release -p atlscim-core --example complexity
bin="$target/release/examples/complexity"
mkdir -p "$out"

# Instructions counted inside complexity_measured for one scenario at size n.
instructions() {
    local scenario="$1" n="$2" file="$out/$1.$2.callgrind"
    rm -f "$file"
    valgrind --tool=callgrind --callgrind-out-file="$file" --toggle-collect=complexity_measured \
        --cache-sim=no --branch-sim=no "$bin" "$scenario" "$n" 2>"$out/$1.$2.log" >/dev/null ||
        { cat "$out/$1.$2.log" >&2; echo "test-complexity: $scenario $n failed" >&2; return 1; }
    sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$file"
}

if [ "$#" -gt 0 ]; then
    wanted=" $* "
else
    wanted=""
fi
failed=0
ran=0
printf '%-34s %8s %16s %16s %7s\n' scenario N "instr(N)" "instr(4N)" ratio
while read -r scenario n; do
    if [ -n "$wanted" ] && [[ "$wanted" != *" $scenario "* ]]; then continue; fi
    small="$(instructions "$scenario" "$n")"
    large="$(instructions "$scenario" "$((4 * n))")"
    ratio="$(awk -v a="$small" -v b="$large" 'BEGIN { printf "%.2f", b / a }')"
    verdict="ok"
    if awk -v r="$ratio" -v m="$MAX_RATIO" 'BEGIN { exit !(r > m) }'; then
        verdict="FAIL (more than ${MAX_RATIO}x: superlinear)"
        failed=$((failed + 1))
    fi
    ran=$((ran + 1))
    printf '%-34s %8d %16d %16d %7s  %s\n' "$scenario" "$n" "$small" "$large" "$ratio" "$verdict"
done < <("$bin" list)

if [ "$ran" -eq 0 ]; then
    echo "test-complexity: no scenario matched: $*" >&2
    exit 1
fi
if [ "$failed" -gt 0 ]; then
    echo "test-complexity: $failed of $ran scenarios grow faster than n log n" >&2
    exit 1
fi
echo "test-complexity: $ran scenarios, each at most ${MAX_RATIO}x from N to 4N"

#!/usr/bin/env bash
# Tests the shared-vector runners themselves: bash scripts/test-vector-runners.sh rust|python|c|go
#
# A runner that passes every vector proves little if it would also pass a broken one. This runs
# one binding's runner (pointed at other vectors by ATLSCIM_VECTORS_DIR) on a rewritten but
# unchanged copy of tests/vectors, which must pass, and on each deliberately broken copy that
# scripts/vector_mutants.py writes (a misspelt key, an unknown kind or op, a batch with one
# expectation too few, issues out of order, a bool for a number, …), each of which must fail and
# say why (its output must contain the mutant's marker). Each language's test command runs this
# after its own tests, with what it built: rust (cargo), python (.venv with the wheel), c
# (build/c/test_vectors), go (a test binary built here).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
lang=${1:?usage: test-vector-runners.sh rust|python|c|go}

out="$root/build/vector-mutants/$lang"
mkdir -p "$out"
mapfile -t mutants < <(python3 scripts/vector_mutants.py "$out/vectors")

case "$lang" in
rust) cargo test -q -p atlscim-core --no-run --test vectors --test patch_vectors --test map_vectors \
    --test batch_response_vectors --test profile_vectors --test sync_vectors 2>/dev/null ;;
python) [ -x .venv/bin/python ] || { echo "test-vector-runners: run scripts/test-python.sh first (.venv)" >&2; exit 1; } ;;
c) [ -x build/c/test_vectors ] && [ -x build/c/test_sync_vectors ] || { echo "test-vector-runners: run scripts/test-c.sh first (build/c)" >&2; exit 1; } ;;
go) (cd go && go test -tags atlscim_repo -c -o "$out/go-vectors.test" .) ;;
*) echo "test-vector-runners: unknown language $lang" >&2; exit 2 ;;
esac

# Runs the language's vector runner on one directory; its output goes to $log.
run() {
    local dir=$1 log=$2
    case "$lang" in
    rust) ATLSCIM_VECTORS_DIR="$dir" cargo test -q -p atlscim-core --test vectors --test patch_vectors \
        --test map_vectors --test batch_response_vectors --test profile_vectors --test sync_vectors >"$log" 2>&1 ;;
    python) ATLSCIM_VECTORS_DIR="$dir" .venv/bin/python -m pytest -q -p no:cacheprovider \
        python/tests/test_vectors.py python/tests/test_sync_vectors.py >"$log" 2>&1 ;;
    c) python3 tests/c/flatten_vectors.py "$dir" >"$out/vectors.txt" 2>"$log" &&
        build/c/test_vectors "$out/vectors.txt" >>"$log" 2>&1 &&
        python3 tests/c/flatten_sync_vectors.py "$dir" >"$out/sync_vectors.txt" 2>>"$log" &&
        build/c/test_sync_vectors "$out/sync_vectors.txt" >>"$log" 2>&1 ;;
    go) (cd go && ATLSCIM_VECTORS_DIR="$dir" "$out/go-vectors.test" -test.run 'Vector' >"$log" 2>&1) ;;
    esac
}

failed=0
for line in "${mutants[@]}"; do
    name=${line%% *} marker=${line#* }
    log="$out/$name.log"
    status=0
    run "$out/vectors/$name" "$log" || status=$?
    if [ "$name" = control ]; then
        if [ "$status" != 0 ]; then
            tail -30 "$log"
            echo "test-vector-runners ($lang): the unchanged copy of the vectors failed (log: $log)" >&2
            exit 1
        fi
    elif [ "$status" = 0 ]; then
        echo "test-vector-runners ($lang): the runner PASSED the broken vectors \"$name\" (log: $log)" >&2
        failed=1
    elif [ "$status" -gt 128 ]; then
        echo "test-vector-runners ($lang): the runner crashed on \"$name\" (status $status, log: $log)" >&2
        failed=1
    elif ! grep -qF -- "$marker" "$log"; then
        tail -20 "$log"
        echo "test-vector-runners ($lang): the runner failed on \"$name\" without saying why ($marker; log: $log)" >&2
        failed=1
    fi
done
[ "$failed" = 0 ] || exit 1
echo "test-vector-runners ($lang): the unchanged copy passes; each of $((${#mutants[@]} - 1)) broken copies fails, naming the fault"

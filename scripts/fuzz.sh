#!/usr/bin/env bash
# Runs every cargo-fuzz target for a while: bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Corpora are seeded from tests/vectors and ../shared/conformance (ATLSCIM_CONFORMANCE_DIR)
# into build/fuzz/corpus (never committed). Needs a nightly toolchain (libFuzzer and the
# sanitizers are nightly-only); installs cargo-fuzz under build/tools when missing. Without a
# nightly toolchain it says so, records the skip for `make test`'s summary (ATLSCIM_SKIP_LOG) and
# exits 0: the fuzzers are the only part of the tests that cannot run on a stable-only machine.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(filter_parse path_parse check patch_apply map_user ffi http)

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: skipped: no nightly toolchain (rustup toolchain list); cargo-fuzz needs one"
  # `make test` lists the skip in its summary (scripts/test-all.sh): skipped, not passed.
  [ -z "${ATLSCIM_SKIP_LOG:-}" ] || echo "SUITE no nightly toolchain, so no fuzz target ran" >>"$ATLSCIM_SKIP_LOG"
  exit 0
fi
tools=$PWD/build/tools
if [ ! -x "$tools/bin/cargo-fuzz" ]; then
  echo "fuzz: installing cargo-fuzz into build/tools"
  cargo install --quiet --locked cargo-fuzz --version 0.13.1 --root "$tools"
fi
export PATH="$tools/bin:$PATH"
python3 fuzz/seed_corpus.py build/fuzz/corpus
for t in "${targets[@]}"; do
  mkdir -p "build/fuzz/corpus/$t" "build/fuzz/artifacts/$t"
  echo "fuzz: $t for ${seconds}s"
  log=build/fuzz/$t.log
  if ! cargo +nightly fuzz run --fuzz-dir fuzz "$t" "build/fuzz/corpus/$t" -- \
      -max_total_time="$seconds" -artifact_prefix="build/fuzz/artifacts/$t/" -print_final_stats=1 > "$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz: $t FAILED (crash input in build/fuzz/artifacts/$t/; add it to tests/vectors as a regression case)"
    exit 1
  fi
  runs=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz: $t ok, $runs executions"
done

#!/usr/bin/env bash
# The whole-directory bench (issue 8): generate a realistic 150,000-user NDJSON export and check
# it with the release CLI, printing wall time and peak memory, beside the floor measured in the
# same run: serde_json reading every line into a Value (core/examples/export_floor.rs). Targets
# (issue 12): the check ≤ 1.5× the floor, ≤ 50 MB peak, one core.
#   bash scripts/bench-export.sh [USERS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-150000}
runs=${2:-3}
export_file=build/export-$users.ndjson
mkdir -p build
[ -x /usr/bin/time ] || { echo "bench-export: needs GNU time at /usr/bin/time (Debian: apt install time)" >&2; exit 1; }
[ -f "$export_file" ] || python3 examples/generate_export.py "$users" > "$export_file"
cargo build -q --release -p atlscim-cli
cargo build -q --release -p atlscim-core --example export_floor
target=${CARGO_TARGET_DIR:-target}
echo "input: $export_file ($(wc -c < "$export_file") bytes, $users requests)"
# Interleaved, so that both see the same machine; the fastest run of each is the figure.
measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o build/bench-export.time taskset -c 0 "$@" > /dev/null || true
  # GNU time writes "Command exited with non-zero status 1" first when the export has invalid
  # requests (it does: 1 in 20 is broken on purpose).
  read -r wall peak < <(tail -n 1 build/bench-export.time)
  printf '%-8s wall %s s, peak %s KB\n' "$label" "$wall" "$peak"
  echo "$label $wall" >> build/bench-export.runs
}
rm -f build/bench-export.runs
for _ in $(seq "$runs"); do
  measure floor "$target/release/examples/export_floor" "$export_file"
  measure check "$target/release/atlscim" check --summary-only "$export_file"
done
awk '{ if (!($1 in best) || $2 < best[$1]) best[$1] = $2 }
     END { if (best["floor"] > 0) ratio = sprintf("%.2f", best["check"] / best["floor"]); else ratio = "n/a (the floor rounds to 0 s: use more users)"
           printf "fastest: check %.2f s, floor %.2f s: check / floor %s\n", best["check"], best["floor"], ratio }' \
  build/bench-export.runs

#!/usr/bin/env bash
# The whole-directory bench (issue 8): generate a realistic 150,000-user NDJSON export and check
# it with the release CLI, printing wall time and peak memory. Targets (DESIGN.md): ≤ 0.5 s wall,
# ≤ 50 MB peak, one core.
#   bash scripts/bench-export.sh [USERS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-150000}
runs=${2:-3}
export_file=build/export-$users.ndjson
mkdir -p build
[ -f "$export_file" ] || python3 examples/generate_export.py "$users" > "$export_file"
cargo build -q --release -p atlscim-cli
echo "input: $export_file ($(wc -c < "$export_file") bytes, $users requests)"
for _ in $(seq "$runs"); do
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "wall %e s, peak %M KB" taskset -c 0 target/release/atlscim check --summary-only "$export_file" > /dev/null || true
  else
    time (taskset -c 0 target/release/atlscim check --summary-only "$export_file" > /dev/null || true)
  fi
done

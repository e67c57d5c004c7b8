#!/usr/bin/env bash
# Instructions per check of the benchmark user, and their ratio to serde_json building a Value
# of the same bytes; then per PATCH of four Entra-style operations applied in place, and its ratio
# to a clone of the user's Value (issue 12); counted by callgrind (core/examples/instructions.rs
# says why and what it is not). Usage: scripts/bench-instructions.sh [N] (default 2000 iterations
# per row).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2000}"
"${CARGO:-cargo}" build -q --release -p atlscim-core --example instructions
bin="${CARGO_TARGET_DIR:-target}/release/examples/instructions"
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=instructions_measured \
        "$bin" "$1" "$n" 2>&1 | awk '/Collected/ {print $NF}'
}
declare -A per
for row in serde_json_value check_atlassian check_atlassian_normalized check_rfc serde_json_value_atlassian_ready check_atlassian_ready \
    apply_4_entra_ops apply_patch_in_place_4_entra_ops clone_user_value; do
    total=$(count "$row")
    per[$row]=$((total / n))
    printf '%-34s %8d instructions per call\n' "$row" "${per[$row]}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
echo "check_atlassian / serde_json_value:              $(ratio "${per[check_atlassian]}" "${per[serde_json_value]}")"
echo "check_atlassian_normalized / serde_json_value:   $(ratio "${per[check_atlassian_normalized]}" "${per[serde_json_value]}")"
echo "check_rfc / serde_json_value:                    $(ratio "${per[check_rfc]}" "${per[serde_json_value]}")"
echo "check_atlassian_ready / serde_json_value_ready:  $(ratio "${per[check_atlassian_ready]}" "${per[serde_json_value_atlassian_ready]}")"
echo "apply_4_entra_ops / clone_user_value:            $(ratio "${per[apply_4_entra_ops]}" "${per[clone_user_value]}")"
echo "apply_patch_in_place_4_entra_ops / clone:        $(ratio "${per[apply_patch_in_place_4_entra_ops]}" "${per[clone_user_value]}")"

#!/usr/bin/env bash
# Syncs an Entra ID export into a local Atlassian directory in one command:
#
#     bash examples/sync/run.sh [EXPORT]
#
# It starts `atlscim serve` (a local directory that answers as Atlassian does, here with a 429
# and a create whose answer is lost after it was applied), prints the plan and its risk report,
# carries it out with `atlscim sync`, and shows that a second run has nothing left to do.
# ATLSCIM names the binary to use (default: a release build of this checkout).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
atlscim=${ATLSCIM:-}
if [ -z "$atlscim" ]; then
    cargo build --quiet --release -p atlscim-cli --manifest-path "$here/../../Cargo.toml"
    atlscim="$here/../../target/release/atlscim"
fi
export_file=${1:-$here/entra_export.json}
work=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# The token goes to the server and, by name, to sync (--token-env): never on sync's command line.
ATLSCIM_EXAMPLE_TOKEN="example-$RANDOM$RANDOM$RANDOM"
export ATLSCIM_EXAMPLE_TOKEN
"$atlscim" serve --addr 127.0.0.1:0 --token "$ATLSCIM_EXAMPLE_TOKEN" \
    --faults '429=1,times=1;lost,method=POST,path=/Users,times=1' >"$work/serve.out" &
server=$!
for _ in $(seq 200); do
    grep -q '^atlscim serve: ' "$work/serve.out" 2>/dev/null && break
    sleep 0.05
done
url=$(sed -n 's/^atlscim serve: //p' "$work/serve.out")
[ -n "$url" ] || { echo "atlscim serve did not start" >&2; exit 1; }

echo "== sync $export_file into $url"
"$atlscim" sync --url "$url" --token-env ATLSCIM_EXAMPLE_TOKEN --mapping entra --state "$work/state.json" "$export_file"
echo "== a second run"
"$atlscim" sync --url "$url" --token-env ATLSCIM_EXAMPLE_TOKEN --mapping entra --state "$work/state.json" "$export_file"

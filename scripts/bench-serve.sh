#!/usr/bin/env bash
# The load bench of `atlscim serve` (`make bench-serve`; not part of `make test`): 64 concurrent
# connections over loopback with wrk (Debian's package, installed when missing), each mix for
# DURATION seconds: GET by id, filtered GET (userName eq), POST (new users), PATCH (replace
# title) — against atlscim serve in memory, atlscim serve --db, and python-scim's scim2-server
# (the server scim2-tester is tested against) under gunicorn with 2 workers, same mix, same
# client, same seeded users (benches/serve/). Prints requests/s and p99 for each; the results
# are recorded in docs/benchmarks.md.
#
#   bash scripts/bench-serve.sh [DURATION_SECONDS] [USERS]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
duration=${1:-10}
users=${2:-1000}
out=$root/build/bench-serve
mkdir -p "$out"
SCIM2_SERVER_PINS=(scim2-server==0.8.3 gunicorn==27.0.1)

if ! command -v wrk >/dev/null; then
    echo "bench-serve: installing wrk (Debian)"
    (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null
fi
cargo build --release -q -p atlscim-cli
python3 benches/serve/seed.py "$users" "$out"
if [[ ! -x $out/venv/bin/gunicorn ]]; then
    python3 -m venv "$out/venv"
    "$out/venv/bin/pip" install --quiet --disable-pip-version-check "${SCIM2_SERVER_PINS[@]}"
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_for() { # url token
    for _ in $(seq 1 200); do
        curl -fs -o /dev/null -H "Authorization: Bearer $2" "$1/ServiceProviderConfig" && return 0
        sleep 0.1
    done
    echo "bench-serve: $1 did not start" >&2
    exit 1
}

results=$out/results.tsv
printf 'server\tmix\trequests_per_s\tp99_ms\tnon_2xx\n' >"$results"
run() { # name url base-path
    local name=$1 url=$2 base=$3
    for mode in get filter post patch; do
        local log=$out/$name-$mode.txt
        MODE=$mode BASE=$base TOKEN=t IDS=$out/ids.txt \
            wrk -t2 -c64 -d"${duration}s" --latency -s benches/serve/mix.lua "$url" >"$log"
        local rps p99 bad
        rps=$(awk '/Requests\/sec:/ {print $2}' "$log")
        p99=$(awk '$1 == "99%" {print $2}' "$log")
        bad=$(awk '/Non-2xx/ {print $5}' "$log")
        printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$mode" "$rps" "$p99" "${bad:-0}" | tee -a "$results"
    done
}

dir_id=00000000-0000-4000-8000-00000000a71a
start_atlscim() { # port [--db file]
    local port=$1
    shift
    target/release/atlscim serve --addr "127.0.0.1:$port" --token t --seed "$out/seed.ndjson" "$@" >"$out/atlscim-$port.log" 2>&1 &
    pids+=($!)
    wait_for "http://127.0.0.1:$port/scim/directory/$dir_id" t
}

echo "== atlscim serve (memory)"
start_atlscim 18431
run atlscim-memory http://127.0.0.1:18431 "/scim/directory/$dir_id"
kill "${pids[-1]}"

echo "== atlscim serve --db"
rm -f "$out/bench.sqlite"*
start_atlscim 18432 --db "$out/bench.sqlite"
run atlscim-db http://127.0.0.1:18432 "/scim/directory/$dir_id"
kill "${pids[-1]}"

echo "== scim2-server under gunicorn, 2 workers"
(cd benches/serve && BENCH_USERS=$users BENCH_TOKEN=t "$out/venv/bin/gunicorn" -w 2 -b 127.0.0.1:18433 \
    --log-level warning 'scim2_server_app:app' >"$out/scim2-server.log" 2>&1) &
pids+=($!)
wait_for http://127.0.0.1:18433/v2 t
run scim2-server http://127.0.0.1:18433 /v2

echo "== results ($results)"
column -t "$results"

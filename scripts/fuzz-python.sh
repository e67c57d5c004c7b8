#!/usr/bin/env bash
# Fuzzes the Python reader through the installed wheel, under PYTHONMALLOC=debug, for SECONDS
# (default 60): bash scripts/fuzz-python.sh [SECONDS]. The fuzzer is fuzz/python/fuzz_reader.py
# (Hypothesis, pinned here); `make test` runs it for FUZZ_SECONDS, `make fuzz` for ten minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

bash scripts/python-wheel.sh hypothesis==6.170.17
mkdir -p build/fuzz/python
log=build/fuzz/python/fuzz.log
echo "fuzz: python reader for ${seconds}s"
if ! PYTHONMALLOC=debug .venv/bin/python fuzz/python/fuzz_reader.py "$seconds" > "$log" 2>&1; then
    tail -60 "$log"
    echo "fuzz: python reader FAILED (input in build/fuzz/python/last-input.json; replay with" \
        ".venv/bin/python fuzz/python/fuzz_reader.py --replay build/fuzz/python/last-input.json)"
    exit 1
fi
tail -1 "$log"

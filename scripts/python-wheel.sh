#!/usr/bin/env bash
# Builds the atlscim wheel and installs it into the repository's venv (.venv at the root, created
# on first use with pinned tools from PyPI), so that what is tested is what `pip install` would
# install: bash scripts/python-wheel.sh [EXTRA_PINNED_PACKAGE...]. Used by scripts/test-python.sh
# and scripts/fuzz-python.sh. Needs only Rust, Python 3.10+ and a C toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
WHEELS=build/python-wheels
PINS=(maturin==1.16.0 pytest==9.2.0 mypy==2.4.1 "$@")

if [[ ! -x $VENV/bin/python ]]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"

# A fresh wheel each run.
rm -rf "$WHEELS"
"$VENV/bin/maturin" build --release --quiet --manifest-path python/Cargo.toml --out "$WHEELS"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$WHEELS"/atlscim-*.whl

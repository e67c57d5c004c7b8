#!/usr/bin/env bash
# Builds the atlscim wheel that `make dist` ships (scripts/dist.sh wheel: the abi3 manylinux2014
# wheel, linked with zig, into dist/) and installs it into the repository's venv (.venv at the
# root, created on first use with pinned tools from PyPI), so that what is tested is what
# `pip install` would install: bash scripts/python-wheel.sh [EXTRA_PINNED_PACKAGE...]. Used by
# scripts/test-python.sh and scripts/fuzz-python.sh. Needs only Rust, Python 3.10+ and a C toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
PINS=(pytest==9.2.0 mypy==2.4.1 "$@")

if [[ ! -x $VENV/bin/python ]]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"

# The wheel `make dist` ships, built once: the release build here is the one dist/ gets.
PYTHON="$PYTHON" bash scripts/dist.sh wheel
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
    dist/atlscim-*manylinux_2_17_x86_64.whl

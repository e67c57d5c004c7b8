#!/usr/bin/env bash
# The Python test command (`make test-python`): builds the atlscim wheel, installs it into a venv
# of its own (.venv at the repository root, created on first use with pinned tools from PyPI),
# then runs pytest over python/tests (which includes every shared vector in tests/vectors),
# mypy.stubtest over the compiled module and mypy over the tests. Needs only Rust, Python 3.10+
# and a C toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
# mypy's cache goes under build/, which git ignores, rather than into the repository root.
export MYPY_CACHE_DIR=build/mypy-cache

# The venv, its pinned tools and a fresh wheel.
bash scripts/python-wheel.sh

# pytest exits 5 when it collects no tests, which fails this script like any failure.
# The tests import the installed wheel: the repository root has no `atlscim` directory to shadow it.
"$VENV/bin/python" -m pytest python/tests -q
# The stubs must match the compiled module, and type-check the tests that use them.
# (stubtest writes a .mypy_cache into its working directory whatever it is told, hence build/.)
(cd build && "../$VENV/bin/python" -m mypy.stubtest atlscim._native)
"$VENV/bin/python" -m mypy --strict python/tests
echo "test-python: pytest, stubtest and mypy passed"

#!/usr/bin/env bash
# The Python test command (`make test-python`): builds the atlscim wheel, installs it into a venv
# of its own (.venv at the repository root, created on first use with pinned tools from PyPI),
# then runs pytest over python/tests (which includes every shared vector in tests/vectors),
# mypy.stubtest over the compiled module and mypy over the tests. Needs only Rust, Python 3.10+
# and a C toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
WHEELS=build/python-wheels
# scim2-tester and scim2-client (python-scim) check `atlscim serve` from outside: suites nobody
# here wrote (python/tests/test_scim2_tester.py).
PINS=(maturin==1.16.0 pytest==9.2.0 mypy==2.4.1 "scim2-tester[httpx2]==0.5.2" scim2-client==0.13.2 scim2-models==0.12.3)
# mypy's cache goes under build/, which git ignores, rather than into the repository root.
export MYPY_CACHE_DIR=build/mypy-cache

if [[ ! -x $VENV/bin/python ]]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"

# A fresh wheel each run, so that what is tested is what `pip install` would install.
rm -rf "$WHEELS"
"$VENV/bin/maturin" build --release --quiet --manifest-path python/Cargo.toml --out "$WHEELS"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$WHEELS"/atlscim-*.whl

# pytest exits 5 when it collects no tests, which fails this script like any failure.
# The tests import the installed wheel: the repository root has no `atlscim` directory to shadow it.
"$VENV/bin/python" -m pytest python/tests -q
# The stubs must match the compiled module, and type-check the tests that use them.
# (stubtest writes a .mypy_cache into its working directory whatever it is told, hence build/.)
(cd build && "../$VENV/bin/python" -m mypy.stubtest atlscim._native)
"$VENV/bin/python" -m mypy --strict python/tests
echo "test-python: pytest, stubtest and mypy passed"

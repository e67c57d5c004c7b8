#!/usr/bin/env bash
# The Python test command (`make test-python`): builds the atlscim wheel that `make dist` ships
# (scripts/dist.sh wheel: the abi3 manylinux2014 wheel, linked with zig, into dist/), installs it
# into a venv of its own (.venv at the repository root, created on first use with pinned tools
# from PyPI), then runs pytest over python/tests (which includes every shared vector in tests/vectors),
# mypy.stubtest over the compiled module and mypy over the tests. Needs only Rust, Python 3.10+
# and a C toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
# httpx, requests and pytest-httpserver for the transports' tests (test_transports.py); scim2-tester
# and scim2-client (python-scim) check `atlscim serve` from outside: suites nobody here wrote
# (python/tests/test_scim2_tester.py).
PINS=(httpx==0.28.1 requests==2.34.2 types-requests==2.33.0.20261030 pytest-httpserver==1.2.0 werkzeug==3.1.9
    "scim2-tester[httpx2]==0.5.2" scim2-client==0.13.2 scim2-models==0.12.3)
# mypy's cache goes under build/, which git ignores, rather than into the repository root.
export MYPY_CACHE_DIR=build/mypy-cache

# The venv, its pinned tools and the wheel `make dist` ships (built once).
bash scripts/python-wheel.sh "${PINS[@]}"

# pytest exits 5 when it collects no tests, which fails this script like any failure.
# The tests import the installed wheel: the repository root has no `atlscim` directory to shadow it.
mkdir -p build
"$VENV/bin/python" -m pytest python/tests -q -rs | tee build/pytest.log
# A skipped test is listed in `make test`'s summary (scripts/test-all.sh), never counted as passed.
if [ -n "${ATLSCIM_SKIP_LOG:-}" ]; then
    sed -n 's/^SKIPPED \[[0-9]*\] /PART pytest /p' build/pytest.log >>"$ATLSCIM_SKIP_LOG"
fi
# The stubs must match the compiled module, and type-check the tests that use them.
# (stubtest writes a .mypy_cache into its working directory whatever it is told, hence build/.)
(cd build && "../$VENV/bin/python" -m mypy.stubtest atlscim._native)
"$VENV/bin/python" -m mypy --strict python/tests
# The vector runner fails on deliberately broken vectors (and passes an unchanged copy).
bash scripts/test-vector-runners.sh python
# The pure-Python modules (errors, the HTTP transports) type-check on their own, with the stubs.
(cd python && "../$VENV/bin/python" -m mypy --strict --cache-dir ../build/mypy-cache -p atlscim)
echo "test-python: pytest, stubtest and mypy passed"

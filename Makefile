# atlscim — every test in one command: `make test`.
# It installs what it needs itself (a Python venv under .venv, cbindgen and cargo-fuzz at pinned
# versions under build/tools), so a fresh clone needs only Rust, Python 3.10+, Go, a C compiler,
# make and valgrind (and a nightly toolchain for the fuzzers, which are skipped with a message
# where there is none).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
# Seconds each fuzz target runs in `make test`; `make fuzz` runs them longer.
FUZZ_SECONDS ?= 20

.PHONY: test lint test-rust test-c test-go test-python test-fuzz fuzz docs bench bench-serve clean

test: lint test-rust test-c test-go test-python test-fuzz
	@echo "make test: all suites passed"

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test --workspace --exclude atlscim-python

test-c:
	bash scripts/test-c.sh

test-go:
	bash scripts/test-go.sh

test-python:
	bash scripts/test-python.sh

test-fuzz:
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

fuzz:
	bash scripts/fuzz.sh 600

# Regenerates docs/rules.md from the rule registry (a test fails when it is stale).
docs:
	$(CARGO) run -q -p atlscim-cli -- rules --format markdown > docs/rules.md

bench:
	$(CARGO) bench -p atlscim-core
	bash scripts/bench-export.sh

# Load bench of `atlscim serve` against python-scim's scim2-server (wrk, 64 connections; minutes;
# not part of `make test`). Results: docs/benchmarks.md.
bench-serve:
	bash scripts/bench-serve.sh

clean:
	$(CARGO) clean
	rm -rf .venv build

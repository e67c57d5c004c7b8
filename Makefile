# atlscim — every test in one command: `make test`.
# It installs what it needs itself (a Python venv under .venv, cbindgen at a pinned version),
# so a fresh clone needs only Rust, Python 3.10+, Go, a C compiler, make and valgrind.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo

.PHONY: test test-rust lint docs test-python test-c test-go check-header bench clean

test: lint test-rust test-c test-go test-python
	@echo "make test: all suites passed"

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --exclude atlscim-python -- -D warnings

test-rust:
	$(CARGO) test --workspace --exclude atlscim-python

# Regenerates docs/rules.md from the rule registry (a test fails when it is stale).
docs:
	$(CARGO) run -q -p atlscim-cli -- rules --format markdown > docs/rules.md

test-python:
	bash scripts/test-python.sh

test-c:
	bash scripts/test-c.sh

test-go:
	bash scripts/test-go.sh

bench:
	$(CARGO) bench -p atlscim-core

clean:
	$(CARGO) clean
	rm -rf .venv build

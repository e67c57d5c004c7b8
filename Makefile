# atlscim — every test in one command: `make test`.
# It installs what it needs itself (a Python venv under .venv, cbindgen and cargo-fuzz at pinned
# versions under build/tools), so a fresh clone needs only Rust, Python 3.10+, Go, a C compiler,
# make and valgrind (and a nightly toolchain for the fuzzers, which are skipped with a message
# where there is none). `make dist` also uses binutils (strip, objcopy, readelf) and, for the
# aarch64 wheel, rustup; zig, maturin and auditwheel come from PyPI into .venv.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
# Seconds each fuzz target runs in `make test`; `make fuzz` runs them longer.
FUZZ_SECONDS ?= 20

.PHONY: bench-instructions bench-go-instructions bench-peers-instructions test lint test-rust test-complexity test-c test-go test-python test-fuzz fuzz docs bench bench-peers bench-serve clean dist dist-test

# Every suite in turn, then a summary of each one's result, time and skips (scripts/test-all.sh).
test:
	@bash scripts/test-all.sh lint test-rust test-complexity test-c test-go test-python dist-test test-fuzz

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	python3 scripts/check-layers.py --self-test
	python3 scripts/check-layers.py
	$(CARGO) test --workspace --exclude atlscim-python
	bash scripts/test-vector-runners.sh rust

# Instruction counts under valgrind's callgrind at n and 4n: each operation that was quadratic on
# large groups, users or configs must grow at most 5x (scripts/test-complexity.sh).
test-complexity:
	bash scripts/test-complexity.sh

test-c:
	bash scripts/test-c.sh

test-go:
	bash scripts/test-go.sh

test-python:
	bash scripts/test-python.sh

test-fuzz:
	bash scripts/fuzz.sh $(FUZZ_SECONDS)
	bash scripts/fuzz-python.sh $(FUZZ_SECONDS)

fuzz:
	bash scripts/fuzz.sh 600
	bash scripts/fuzz-python.sh 600

# Every artifact a user installs, under dist/ (scripts/dist.sh says what each is). DIST_AARCH64=1
# also builds the aarch64 wheel where rustup can add the target; `make test` leaves it out (it
# would double the wheel build) and says so. The x86_64 wheel is the one test-python installed.
DIST_AARCH64 ?= 1
export DIST_AARCH64
test: DIST_AARCH64 = 0
dist:
	bash scripts/dist.sh

# The artifacts installed as a stranger installs them (scripts/dist-test.sh).
dist-test: dist
	bash scripts/dist-test.sh

# Regenerates docs/rules.md from the rule registry and README.md's Config table from the config
# table (core/src/profile/config.rs); core/tests/docs.rs fails when either is stale.
docs:
	$(CARGO) run -q -p atlscim-cli -- rules --format markdown > docs/rules.md
	ATLSCIM_UPDATE_DOCS=1 $(CARGO) test -q -p atlscim-core --test docs

bench: bench-peers
	$(CARGO) bench -p atlscim-core
	bash scripts/bench-export.sh

# atlscim against scim_v2 and kanidm's scim_proto in one criterion run (a crate of its own, outside
# the workspace, so `make test` never builds the peers). Results: docs/benchmarks.md.
bench-peers:
	$(CARGO) bench --manifest-path benches/peers/Cargo.toml

# The same rows in instructions counted by callgrind (benches/peers/examples/instructions.rs).
PEER_ROWS := serde_json_value scim_v2_strict_create atlscim_check_rfc atlscim_check_atlassian
bench-peers-instructions:
	$(CARGO) build -q --release --manifest-path benches/peers/Cargo.toml --example instructions
	@for row in $(PEER_ROWS); do \
	  n=$$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=instructions_measured \
	    $${CARGO_TARGET_DIR:-benches/peers/target}/release/examples/instructions $$row 2000 2>&1 | awk '/Collected/ {print int($$NF / 2000)}'); \
	  printf '%-26s %8s instructions per call\n' $$row $$n; \
	done

# Instructions per check of the benchmark user against serde_json's, counted by callgrind: a
# comparison of two builds that the machine's load does not move (not part of `make test`).
bench-instructions:
	CARGO=$(CARGO) bash scripts/bench-instructions.sh

# The Go package's calls against the same calls through the C ABI alone, in instructions counted
# by callgrind (every thread, the garbage collector's included; minutes; not part of `make test`).
bench-go-instructions:
	CARGO=$(CARGO) bash scripts/bench-go-instructions.sh

# Load bench of `atlscim serve` against python-scim's scim2-server (wrk, 64 connections; minutes;
# not part of `make test`). Results: docs/benchmarks.md.
bench-serve:
	bash scripts/bench-serve.sh

clean:
	$(CARGO) clean
	rm -rf .venv build dist

# The two commands of the README: `make run` (the main job) and `make test` (the tests).
# Both create the virtual environment and build the Rust extension with maturin on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ferrosynth-installed
SOURCES := pyproject.toml Cargo.toml Cargo.lock $(shell find rust -name '*.rs' -o -name Cargo.toml)

.PHONY: run test lint bench docs dist-test clean

$(STAMP): $(SOURCES)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench,docs,llm,ray,client,mock,server]'
	touch $@

# The main job: a dataset from the embedded defaults (agent traces, seed 42), no config needed.
run: $(STAMP)
	mkdir -p out
	$(BIN)/ferrosynth generate --type agent_trace --count 100000 --seed 42 --output out/agent_traces.jsonl
	$(BIN)/ferrosynth generate --type json --count 5 --seed 42

# The tests: Rust core tests, then the Python suite against the built extension.
test: $(STAMP)
	cargo test --quiet
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	$(BIN)/ruff check python tests benches
	$(BIN)/ruff format --check python tests benches
	$(BIN)/mypy
	$(BIN)/python -m mypy.stubtest ferrosynth._native

bench: $(STAMP)
	$(BIN)/python -m pytest benches --benchmark-enable --benchmark-only

# The documentation site (mkdocs-material); --strict turns every warning (a broken link, a
# missing page) into a failure. Output in site/.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# Build the wheel and the sdist, install each into a fresh virtual environment, and run the
# tests against the installed package, not the source tree.
dist-test: $(STAMP)
	PYTHON=$(PYTHON) MATURIN=$(BIN)/maturin .ci/test-installed

clean:
	rm -rf $(VENV) target out dist site .pytest_cache .mypy_cache .ruff_cache .benchmarks
	find python -name '*.so' -delete

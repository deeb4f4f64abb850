# cx: the two quick-start commands are `make demo` and `make test`.
# Everything installs into a local virtualenv (.venv); nothing global is touched.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
VENV_ABS := $(abspath $(VENV))
PY := $(VENV_ABS)/bin/python
BIN := $(VENV_ABS)/bin
# maturin gets its own target dirs: sharing one with `cargo` rebuilds the pyo3 chain on every switch.
DEV_TARGET := $(abspath target/py-dev)
REL_TARGET := $(abspath target/py-release)
OUT := out
export PYO3_PYTHON := $(PY)
export CARGO_TERM_COLOR ?= never
export NO_MKDOCS_2_WARNING := 1

.PHONY: help venv develop develop-release demo test lint test-rust test-python test-wheel stubtest bench docs clean browser

help:
	@echo "make demo    build cx (release) and run the main job on the bundled sample"
	@echo "make test    run every test: Rust, Python, stubs, doctests, docs"
	@echo "make bench   criterion benchmarks and Python peer comparisons"
	@echo "make docs    build the documentation site into site/"

$(VENV_ABS)/.installed: tests/requirements.txt docs/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r tests/requirements.txt -r docs/requirements.txt
	touch $@

venv: $(VENV_ABS)/.installed

# Dev-profile extension for tests (fast to build).
develop: venv
	VIRTUAL_ENV=$(VENV_ABS) CARGO_TARGET_DIR=$(DEV_TARGET) $(BIN)/maturin develop -q -m cx-py/Cargo.toml

# Release extension for the demo and benchmarks.
develop-release: venv
	VIRTUAL_ENV=$(VENV_ABS) CARGO_TARGET_DIR=$(REL_TARGET) $(BIN)/maturin develop -q --release -m cx-py/Cargo.toml

demo: develop-release
	mkdir -p $(OUT)
	$(BIN)/cx summary python/cx/data/sample_feedback.csv | tee $(OUT)/summary.txt
	$(BIN)/cx summary python/cx/data/sample_feedback.csv --format json > $(OUT)/summary.json
	$(BIN)/cx report -o $(OUT)/report.html
	@echo
	@echo "Demo output: $(abspath $(OUT))/summary.txt and $(abspath $(OUT))/summary.json"
	@echo "Report: $(abspath $(OUT))/report.html"

lint: venv
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p cx-core --all-targets --features arrow -- -D warnings
	$(BIN)/ruff check python tests benches
	$(BIN)/ruff format --check python tests benches

test-rust:
	cargo test
	cargo test -p cx-core --features arrow
	cargo bench --no-run
	RUSTDOCFLAGS="-D warnings" cargo doc -q -p cx-core --no-deps

stubtest: develop
	$(BIN)/python -m mypy.stubtest cx._cx --allowlist tests/stubtest_allowlist.txt
	$(BIN)/mypy

# Headless Chromium and a CJK font for the report's browser test (Debian packages).
browser:
	@if ! command -v chromium >/dev/null || ! fc-list :lang=zh | grep -q .; then \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

test-python: develop browser
	$(BIN)/pytest -q tests/python python/cx
	$(BIN)/pytest -q --nbmake docs/examples/tour.ipynb

# A wheel built by maturin installs into a clean virtualenv and `import cx` works.
test-wheel: develop
	rm -rf target/wheels target/wheel-venv
	CARGO_TARGET_DIR=$(DEV_TARGET) $(BIN)/maturin build -q -m cx-py/Cargo.toml -o target/wheels
	$(PYTHON) -m venv target/wheel-venv
	target/wheel-venv/bin/pip install -q --disable-pip-version-check target/wheels/*.whl
	cd target && wheel-venv/bin/python -c "import cx, cx._cx; print('wheel ok:', cx.__version__, cx.__file__)"
	cd target && wheel-venv/bin/cx --version

test: venv lint test-rust stubtest test-python test-wheel
	$(BIN)/mkdocs build --strict -q -d $(abspath target/site)
	@echo "make test: all checks passed"

bench: develop-release
	cargo bench -p cx-benches
	@for f in benches/python/*.py; do echo "== $$f"; $(BIN)/python $$f; done

docs: venv
	$(BIN)/mkdocs build --strict -d site
	@echo "Docs: $(abspath site)/index.html"

clean:
	rm -rf target $(VENV) site $(OUT)

# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck schema bench bench-compare clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m gateway serve --prepare

test: $(STAMP)
	$(BIN)/ruff check gateway regions tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check gateway regions tests bench
	$(BIN)/ruff format --check gateway regions tests

typecheck: $(STAMP)
	$(BIN)/mypy

schema: $(STAMP)
	$(BIN)/python -m gateway export-schema

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# `make bench`: 20,000 claims per region, the real server in production mode, wrk in its own process.
bench: $(STAMP)
	command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)
	$(BIN)/python -m bench.run

bench-compare: $(STAMP)
	$(BIN)/python -m bench.run --compare

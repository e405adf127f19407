# Two entry points (see README): `make quiz` sets up and opens the app, `make test` sets up and runs the suite.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: quiz test setup lint bench check-exercises clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (or: make PYTHON=python3 ...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

quiz: $(STAMP)
	$(BIN)/rnnprep

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/bench_grade.py

check-exercises: $(STAMP)
	$(BIN)/grade exercise --all --check-catalogue

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

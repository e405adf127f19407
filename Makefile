# Two entry points (see README): `make quiz` sets up and opens the app, `make test` sets up and runs the suite.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: quiz test setup lint bench check-exercises catalogues wheel-check clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (or: make PYTHON=python3 ...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# Editable installs get no bytecode and PYTHONDONTWRITEBYTECODE may forbid caching it, so every
# start would recompile the app's modules; compileall skips what is already up to date.
setup: $(STAMP)
	@$(BIN)/python -m compileall -q quiz exercises reference

quiz: setup
	$(BIN)/rnnprep

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# One worker per core (pytest-xdist); the tests that share the session's catalogue runs stay
# on one worker (xdist_group), so those runs are made once.
test: lint
	$(BIN)/python -m pytest -q -n auto --dist loadgroup --durations=15

bench: setup
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/bench_grade.py
	$(BIN)/python benchmarks/bench_regrade.py

# The exercise dev check: every folder complete, every starter, solution and mistake file graded
# as it should be (`rnnprep dev check NAME` for one).
check-exercises: setup
	$(BIN)/rnnprep dev check

# Build the wheel, install it in a fresh venv outside the checkout, run the CLIs from elsewhere.
wheel-check:
	PYTHON=$(PYTHON) .ci/wheel-check

# Interface translations: extract strings, update zh_Hant.po, generate zh_Hans.po, compile both .mo.
catalogues: setup
	$(BIN)/python -m quiz.l10n_build

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

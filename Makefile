# Two commands on a fresh clone: `make demo` and `make test`. Both bootstrap a virtualenv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: bootstrap demo test lint format matrix benchmarks clean

bootstrap: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "safemigrations needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[embedded,test,dev]'
	@touch $(STAMP)

demo: bootstrap
	$(BIN)/python example_app/demo.py

test: bootstrap
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: bootstrap
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy safemigrations tests benchmarks example_app

format: bootstrap
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

matrix: bootstrap
	$(BIN)/nox $(NOX_ARGS)

clean:
	rm -rf $(VENV) .nox .pytest_cache .mypy_cache .ruff_cache build *.egg-info

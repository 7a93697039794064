# workbench: two commands on a fresh machine -> `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_PROJECT ?= .workbench/demo.sqlite

.PHONY: install demo test check lint format typecheck imports bench snapshots-update clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv with the package and dev extras

demo: install ## load the sample study into an embedded SQLite project and open the TUI
	$(VENV)/bin/workbench --project $(DEMO_PROJECT) demo

test: install ## run the whole test suite
	$(PY) -m pytest -q

check: install lint typecheck imports test ## everything CI should be happy with

lint:
	$(VENV)/bin/ruff check workbench tests bench
	$(VENV)/bin/ruff format --check workbench tests bench

format:
	$(VENV)/bin/ruff format workbench tests bench
	$(VENV)/bin/ruff check --fix workbench tests bench

typecheck:
	$(VENV)/bin/mypy workbench

imports:
	$(VENV)/bin/lint-imports

bench: install ## measure speed against baselines; writes docs/benchmarks.md
	$(PY) -m bench

snapshots-update: install
	$(PY) -m pytest -q tests/tui --snapshot-update

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .workbench

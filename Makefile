# Two commands for a newcomer: `make run` and `make test`. Both are safe to run again.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := p4p

.PHONY: run test install system-packages db demo lint benchmark clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "p4p needs Python 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

system-packages:
	@scripts/ensure-system-packages

db: install
	P4P_ENV=development $(BIN)/flask db upgrade
	P4P_ENV=development $(BIN)/flask checklists load

demo: db
	P4P_ENV=development $(BIN)/flask demo

run: system-packages demo
	@echo "p4p is starting at http://$(HOST):$(PORT)/ (stop it with Ctrl-C)"
	P4P_ENV=development $(BIN)/flask run --host $(HOST) --port $(PORT)

test: system-packages install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

benchmark: install
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/pdf.py
	$(BIN)/python benchmarks/save.py
	$(BIN)/python benchmarks/editor.py
	$(BIN)/python benchmarks/commissioner.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache

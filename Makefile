# Two commands do everything: `make run` and `make test`. Both create the virtual environment.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test bench install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Settings come from EMULATOR_* variables, or flags: make run ARGS="--clock virtual --port 0"
run: install
	$(BIN)/python -m emulator serve $(ARGS)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Speed over loopback; wrk comes from Debian's packages.
bench: install-test
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .emulator .pytest_cache .hypothesis

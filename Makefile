# Two commands do everything: `make run` and `make test`. Both install exactly uv.lock.
PYTHON     ?= python3
VENV       := .venv
BIN        := $(VENV)/bin
# uv installs the lock; it is itself pinned here and kept apart from the environment it syncs.
UV_VERSION := 0.13.9
TOOLS      := .tools
UV         := $(TOOLS)/bin/uv
export UV_PYTHON := $(PYTHON)
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test bench profile install lock build clean

$(UV):
	@echo "Installing uv $(UV_VERSION) into $(TOOLS)/ ..."
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target $(TOOLS) uv==$(UV_VERSION)

# --frozen: install what uv.lock says and never re-resolve it. --compile-bytecode, as pip does:
# otherwise the first start compiles every module it imports, and takes twice as long.
$(VENV)/.installed: $(UV) uv.lock pyproject.toml
	@$(UV) lock --check --offline --quiet 2>/dev/null || { echo "make: uv.lock cannot be read or disagrees with pyproject.toml; run 'make lock' to re-resolve it" >&2; exit 1; }
	@echo "Installing the locked dependencies into $(VENV)/ ..."
	@$(UV) sync --frozen --all-groups --compile-bytecode
	@touch $@

install: $(VENV)/.installed

# The only way versions change: re-resolve every dependency within pyproject.toml's ranges.
lock: $(UV)
	$(UV) lock --upgrade

# Settings come from EMULATOR_* variables, or flags: make run ARGS="--clock virtual --port 0"
run: install
	$(BIN)/python -m emulator serve $(ARGS)

# One test worker per core, each taking whole files: make test PYTEST_ARGS="-n 0 -x" runs serially.
PYTEST_ARGS ?= -n auto --dist loadfile
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The wheel and the source archive, into dist/.
build: $(UV)
	$(UV) build --out-dir dist

# Speed over loopback; wrk comes from Debian's packages.
bench: install
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py

# Where the send path's time goes: py-spy samples the server while wrk drives it.
profile: install
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/profile.py

clean:
	rm -rf $(VENV) $(TOOLS) dist .emulator .pytest_cache .hypothesis

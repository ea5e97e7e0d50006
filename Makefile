# Concertation — the developer's commands.
#   make demo    create the environment if needed, then serve the demo on http://127.0.0.1:8000
#   make test    ruff, then the test suite on SQLite, on PostgreSQL and in Chromium
#   make lint    ruff only
#   make messages  update and compile the translation catalogs (developers only)
#   make clean / make distclean

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ARGS ?=
LINT_PATHS := $(wildcard src tests benchmarks)
# makemessages loads the settings: a local configuration, the data directory at the top.
MESSAGES_ENV := DEBUG=true CONCERTATION_DATA_DIR=$(CURDIR)/var

.PHONY: venv demo test lint messages clean distclean

venv: $(VENV)/.installed

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  found=$$(command -v $(PYTHON) >/dev/null 2>&1 && $(PYTHON) --version 2>&1 || echo "not found"); \
	  echo "Concertation needs Python 3.11 or newer; '$(PYTHON)' is: $$found"; \
	  echo "Install it (Debian/Ubuntu: apt-get install python3 python3-venv) or choose one: make PYTHON=python3.12 ..."; \
	  exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "Could not create $(VENV) (Debian/Ubuntu: apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changed since the last install.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

demo: venv
	$(BIN)/concertation demo $(DEMO_ARGS)

test: venv
	bash scripts/test.sh

lint: venv
	$(BIN)/ruff check $(LINT_PATHS)

messages: venv
	cd src/concertation && $(MESSAGES_ENV) $(CURDIR)/$(BIN)/concertation makemessages \
	  -l fr_CA -l en --ignore '.venv/*' --ignore 'static/*' --no-obsolete
	cd src/concertation && $(MESSAGES_ENV) $(CURDIR)/$(BIN)/concertation compilemessages

clean:
	rm -rf var/ build/ dist/ test-results/ .pytest_cache/ .ruff_cache/ src/*.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)

# Two commands: `make run` and `make test`. Everything else is here to serve them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint browser translations bench clean

$(BIN)/tevreden: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e '.[postgres,redis]'
	touch $@

$(VENV)/.test-deps: $(BIN)/tevreden
	$(BIN)/python -m pip install --quiet -e '.[test,postgres,redis]'
	touch $@

## make run: set up .venv, migrate, create the demo on an empty database, serve on :8000
## (PORT=8123 serves elsewhere; the demo and its links follow, unless TEVREDEN_BASE_URL is set)
run: export TEVREDEN_BASE_URL ?= http://$(HOST):$(PORT)
run: $(BIN)/tevreden
	$(BIN)/tevreden migrate
	$(BIN)/tevreden demo
	$(BIN)/tevreden serve --host $(HOST) --port $(PORT) --workers 2

## make test: the whole suite (PostgreSQL too when TEVREDEN_TEST_DATABASE_URL is set)
test: $(VENV)/.test-deps browser
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

## make browser: a Chromium for Playwright (Debian's when we can install it, else Playwright's)
browser: $(VENV)/.test-deps
	@if [ -x /usr/bin/chromium ] || ls $${PLAYWRIGHT_BROWSERS_PATH:-$$HOME/.cache/ms-playwright}/chromium-* >/dev/null 2>&1; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq chromium; \
	else \
		$(BIN)/playwright install chromium; \
	fi

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .

## make translations: compile the .po catalogues after editing them
translations: $(BIN)/tevreden
	$(BIN)/pybabel compile --use-fuzzy -d server/translations -D widget
	$(BIN)/pybabel compile --use-fuzzy -d server/translations -D dashboard
	$(BIN)/pybabel compile --use-fuzzy -d server/translations -D privacy

clean:
	rm -rf $(VENV) build *.egg-info

# cmepath: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
TEST_STAMP := $(VENV)/.installed-test-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export DJANGO_SETTINGS_MODULE ?= cmepath.settings.dev

.PHONY: run test lint typecheck bench load fuzz static install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(TEST_STAMP)

install: $(STAMP)
install-test: $(TEST_STAMP)

## make run: set up, migrate SQLite, load demo data, serve on 127.0.0.1:8000
run: $(STAMP)
	$(BIN)/cmepath migrate --noinput
	$(BIN)/cmepath collectstatic --noinput --verbosity 0
	$(BIN)/cmepath demo
	@echo "Serving on http://127.0.0.1:8000  (Ctrl-C to stop)"
	$(BIN)/cmepath serve 127.0.0.1:8000

## make test: lint, type-check, pytest on SQLite; with CI=true also PostgreSQL and Chromium
test: $(TEST_STAMP)
	bash scripts/test.sh

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(TEST_STAMP)
	$(BIN)/mypy src/cmepath

## make bench: every benchmark under bench/, results in bench/results/*.json and docs/performance.md
bench: $(TEST_STAMP)
	bash scripts/bench.sh

## make load: gunicorn + PostgreSQL + demo data on 127.0.0.1, locust headless
load: $(TEST_STAMP)
	bash scripts/load.sh

## make fuzz: schemathesis against /api/v1/openapi.json with many examples per role
fuzz: $(TEST_STAMP)
	bash scripts/fuzz.sh

## make static: bandit and semgrep with the rules kept in .semgrep/, and the tests of those rules
static: $(TEST_STAMP)
	bash scripts/static-checks.sh
	DJANGO_SETTINGS_MODULE=cmepath.settings.test $(BIN)/pytest -q -m static -p no:cacheprovider

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

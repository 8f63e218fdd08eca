# The placements API. `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test lint openapi install install-dev bench clean vendor-docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install -q -c constraints.txt -e .
	@touch $@

$(VENV)/.dev: pyproject.toml constraints.txt $(VENV)/.runtime
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	@touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## run: set up, migrate and serve on 127.0.0.1:$(PORT) (SQLite by default)
run: install
	@$(BIN)/placements dev-secret > /dev/null
	@if [ -z "$$PLACEMENTS_JWT_SECRET" ]; then \
	  echo "Using the development secret in .dev-secret. Mint a token with:"; \
	  echo "  $(BIN)/placements token --role practitioner --team north --sub alice"; \
	fi
	@export PLACEMENTS_JWT_SECRET="$${PLACEMENTS_JWT_SECRET:-$$(cat .dev-secret)}"; \
	  $(BIN)/placements migrate && exec $(BIN)/placements serve --host 127.0.0.1 --port $(PORT)

## test: the whole suite, on SQLite and PostgreSQL
test: install-dev
	$(BIN)/pytest -q -p no:cacheprovider

## lint: ruff, mypy (domain), import contracts, and the contract with Spectral
lint: install-dev node_modules/.installed
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations
	$(BIN)/mypy
	$(BIN)/lint-imports
	npx --no-install spectral lint --fail-severity=warn --ruleset openapi/.spectral.yaml openapi/openapi.json

## openapi: regenerate the committed contract from the app
openapi: install
	$(BIN)/python -m app.openapi > openapi/openapi.json.tmp && mv openapi/openapi.json.tmp openapi/openapi.json

## bench: the server benchmark against the floor app, on PostgreSQL at 127.0.0.1:5432
## (not part of `make test`; e.g. BENCH_ARGS="--rounds 1 --duration 5")
bench: install-dev
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	@command -v pgbench >/dev/null || apt-get install -y -qq postgresql-contrib
	$(BIN)/python bench/run.py $(BENCH_ARGS)

vendor-docs: node_modules/.installed
	cp node_modules/swagger-ui-dist/{swagger-ui-bundle.js,swagger-ui.css,favicon-32x32.png} app/static/
	cp node_modules/redoc/bundles/redoc.standalone.js app/static/

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache

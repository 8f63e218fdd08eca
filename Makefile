# The placements API. `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test lint lock lock-clients openapi clients install install-dev browser bench clean vendor-docs

# Dependencies come from the locks (the whole tree pinned, with hashes; `make lock` makes
# them from pyproject.toml). They are installed with uv, itself pinned and bootstrapped
# into the venv with pip; `make run INSTALLER=pip` (or `make test INSTALLER=pip`) uses
# plain pip instead, from the same locks.
INSTALLER ?= uv
UV_VERSION := 0.13.8
ifeq ($(INSTALLER),pip)
INSTALL := $(BIN)/python -m pip install -q --disable-pip-version-check
INSTALL_TOOL := $(BIN)/python
else ifeq ($(INSTALLER),uv)
INSTALL := $(BIN)/uv pip install -q --python $(BIN)/python
INSTALL_TOOL := $(BIN)/uv
else
$(error INSTALLER must be uv or pip, not $(INSTALLER))
endif

# With uv the venv needs no pip of its own (ensurepip is the slowest step of a fresh
# set-up): uv is put in with the interpreter's pip, or with the venv's own pip when the
# interpreter has none.
ifeq ($(INSTALLER),pip)
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
else
$(BIN)/python:
	$(PYTHON) -m venv --without-pip $(VENV)
endif

PIP_QUIET := -q --disable-pip-version-check
$(BIN)/uv: | $(BIN)/python
	$(PYTHON) -m pip $(PIP_QUIET) --python $(BIN)/python install uv==$(UV_VERSION) 2> /dev/null \
	  || { $(BIN)/python -m ensurepip -q && $(BIN)/python -m pip install $(PIP_QUIET) uv==$(UV_VERSION); }

$(VENV)/.runtime: pyproject.toml requirements.lock | $(INSTALL_TOOL)
	$(INSTALL) --require-hashes -r requirements.lock
	$(INSTALL) --no-deps -e .
	@touch $@

$(VENV)/.dev: pyproject.toml requirements-dev.lock $(VENV)/.runtime
	$(INSTALL) --require-hashes -r requirements-dev.lock
	@touch $@

## lock: re-pin requirements.lock and requirements-dev.lock from pyproject.toml (keeps
## every pin it can; `make lock UPGRADE=1` moves everything to the newest allowed)
COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes -q --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
lock: $(BIN)/uv
	$(COMPILE) -o requirements.lock
	$(COMPILE) --extra dev -o requirements-dev.lock

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## run: set up, migrate and serve on 127.0.0.1:$(PORT) (SQLite by default); `make run DEMO=1`
## loads the demo council first (placements seed-demo) and allows its loopback webhook
## One process migrates, seeds and serves (`placements run`): one start-up, not three.
run: install
	@if [ -z "$$PLACEMENTS_JWT_SECRET" ]; then \
	  echo "Using the development secret in .dev-secret (made on first run). Mint a token with:"; \
	  echo "  $(BIN)/placements token --role practitioner --team north --team adults-east --sub alice"; \
	fi
	@$(if $(DEMO),PLACEMENTS_WEBHOOKS_ALLOW_PRIVATE="$${PLACEMENTS_WEBHOOKS_ALLOW_PRIVATE:-true}") \
	  exec $(BIN)/placements run --dev-secret --host 127.0.0.1 --port $(PORT) $(if $(DEMO),--demo)

# The docs browser test (tests/process/test_docs_browser.py) needs Debian's chromium:
# installed here when missing and this user may (root, apt-get); otherwise it skips.
browser:
	@command -v chromium > /dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null 2>&1; then \
	    echo "Installing chromium (Debian) for the docs browser test..."; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	        --no-install-recommends chromium; } > /dev/null \
	      || echo "chromium could not be installed: the docs browser test will say why"; \
	  else \
	    echo "chromium is missing and this user cannot apt-get it: the docs browser test skips"; \
	  fi; }

## test: the whole suite, on SQLite and PostgreSQL, and the docs in headless Chromium
test: install-dev browser
	$(BIN)/pytest -q -p no:cacheprovider

## lint: ruff, mypy, import contracts, the Dockerfile (hadolint), the contract (Spectral),
## and clients/typescript/usage.ts against the generated types (tsc --strict)
lint: install-dev node_modules/.installed clients/typescript/schema.d.ts
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/hadolint Dockerfile
	npx --no-install spectral lint --fail-severity=warn --ruleset openapi/.spectral.yaml openapi/openapi.json
	npx --no-install tsc --strict --noEmit -p clients/typescript

## openapi: regenerate the committed contract from the app
openapi: install
	$(BIN)/python -m app.openapi > openapi/openapi.json.tmp && mv openapi/openapi.json.tmp openapi/openapi.json

## clients: generate the Python client (clients/python, package placements_client) and the
## TypeScript types (clients/typescript/schema.d.ts) from the contract; neither is committed.
## A generator that prints any warning fails the target: fix the contract, not the client.
## openapi-python-client pins an old typer, so it has an environment of its own
## (.venv-clients, from clients/requirements.lock); openapi-typescript is an npm devDependency.
CLIENTS_VENV := .venv-clients
CLIENTS_BIN := $(CLIENTS_VENV)/bin
CLIENTS_LOG := $(CLIENTS_VENV)/generate.log
# Fail on a generator's warnings: print its output and stop when any line says "warn".
NO_WARNINGS = if grep -qiE 'warn|⚠' $(CLIENTS_LOG); then cat $(CLIENTS_LOG); \
	  echo "make clients: the generator warned (see above): fix the contract"; exit 1; fi

$(CLIENTS_VENV)/.installed: clients/requirements.lock | $(BIN)/uv
	$(PYTHON) -m venv --without-pip $(CLIENTS_VENV)
	$(BIN)/uv pip install -q --python $(CLIENTS_BIN)/python --require-hashes -r clients/requirements.lock
	@touch $@

clients/python/.generated: openapi/openapi.json clients/openapi-python-client.yaml $(CLIENTS_VENV)/.installed
	@PATH="$(CURDIR)/$(CLIENTS_BIN):$$PATH" $(CLIENTS_BIN)/openapi-python-client generate \
	  --path openapi/openapi.json --output-path clients/python --overwrite \
	  --config clients/openapi-python-client.yaml > $(CLIENTS_LOG) 2>&1 \
	  || { cat $(CLIENTS_LOG); exit 1; }
	@$(NO_WARNINGS)
	@echo "clients/python: generated with 0 warnings"
	@touch $@

clients/typescript/schema.d.ts: openapi/openapi.json node_modules/.installed | $(CLIENTS_VENV)/.installed
	@npx --no-install openapi-typescript openapi/openapi.json -o $@.tmp.ts > $(CLIENTS_LOG) 2>&1 \
	  || { cat $(CLIENTS_LOG); rm -f $@.tmp.ts; exit 1; }
	@$(NO_WARNINGS)
	@mv $@.tmp.ts $@
	@echo "$@: generated with 0 warnings"

clients: clients/python/.generated clients/typescript/schema.d.ts

## lock-clients: re-pin clients/requirements.lock from clients/requirements.in
lock-clients: $(BIN)/uv
	$(BIN)/uv pip compile clients/requirements.in --universal --python-version 3.11 \
	  --generate-hashes -q --custom-compile-command "make lock-clients" -o clients/requirements.lock

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
	rm -rf $(VENV) $(CLIENTS_VENV) node_modules .pytest_cache .mypy_cache .ruff_cache \
	  clients/python clients/typescript/schema.d.ts

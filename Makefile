# Entry points. A newcomer needs two: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
KAFKA_PORT ?= 9092
export KAFKA_BOOTSTRAP_SERVERS ?= 127.0.0.1:$(KAFKA_PORT)
PACKAGES := events services/ledger services/documents services/web
PYTEST_ARGS ?=

# Tests see the running services through the same variables the apps read.
with_services = set -a && . var/postgres/postgres.env && set +a &&

.PHONY: help install run test test-unit test-api test-integration test-documents \
        kafka-up kafka-down postgres-up postgres-down services-up services-down \
        lint bench clean relay schemas preview-tools web-assets browser

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstall only when a dependency list changes.
$(VENV)/.installed: $(BIN)/python constraints.txt $(addsuffix /pyproject.toml,$(PACKAGES)) services/web/package-lock.json
	@# setuptools warns about every editable install (some 20 lines): keep pip's output, show it
	@# only if the install fails, so a real error is never hidden.
	@echo "installing the packages into $(VENV) (output in $(VENV)/pip.log)"
	@$(BIN)/pip install -q -c constraints.txt $(addprefix -e ,$(PACKAGES)) \
		pytest hypothesis testcontainers packaging httpx2 ruff mypy schemathesis jsonschema playwright \
		>$(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }
	@$(MAKE) --no-print-directory web-assets browser
	touch $@

# The web workplace's front-end packages, exactly as services/web/package-lock.json pins them,
# copied to where the app serves them (nothing loads from the internet at run time).
WEB_VENDOR := services/web/thidua_web/static/vendor
web-assets:  ## Install the web workplace's npm packages (lockfile) and copy them into its static files
	@command -v npm >/dev/null || { echo "npm is needed for the web workplace's assets (apt-get install -y npm)"; exit 1; }
	@cd services/web && npm ci --silent --no-audit --no-fund
	@mkdir -p $(WEB_VENDOR)
	cp services/web/node_modules/htmx.org/dist/htmx.min.js $(WEB_VENDOR)/htmx.min.js

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
browser:  ## Install Debian's chromium for the browser tests, when missing
	@command -v chromium >/dev/null || { apt-get install -y chromium || \
		{ apt-get update && apt-get install -y chromium; }; }

install: $(VENV)/.installed  ## Create the virtualenv and install the three packages

run: install  ## Start the ledger, documents and web services on SQLite under ./var
	@deploy/local/run.sh

relay: install kafka-up  ## Publish the ledger's log to Kafka (at least once; resumes where it stopped)
	$(BIN)/ledger relay

schemas: install  ## Regenerate the JSON Schemas and asyncapi.yaml from the fact models
	$(BIN)/python -m thidua_events.schemas

kafka-up:  ## Start the single-node KRaft broker (fetches Kafka's jars once)
	@deploy/kafka/kafka.sh up

kafka-down:  ## Stop the broker
	@deploy/kafka/kafka.sh down

postgres-up:  ## Install (if missing) and start PostgreSQL, create the test role and database
	@deploy/postgres/postgres.sh up

postgres-down:  ## Stop PostgreSQL
	@deploy/postgres/postgres.sh down

preview-tools:  ## Install LibreOffice headless and poppler for PDF previews (if missing)
	@deploy/libreoffice/install.sh

services-up: kafka-up postgres-up preview-tools  ## Start Kafka and PostgreSQL (and install the preview tools)
services-down: kafka-down postgres-down  ## Stop Kafka and PostgreSQL

test: install services-up  ## Install, start Kafka and PostgreSQL, run the whole suite
	$(with_services) $(BIN)/pytest $(PYTEST_ARGS)

test-unit: install  ## Unit tests only (no services)
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

test-api: install services-up  ## API tests
	$(with_services) $(BIN)/pytest tests/api $(PYTEST_ARGS)

test-integration: install services-up  ## Integration tests against real Kafka and PostgreSQL
	$(with_services) $(BIN)/pytest tests/integration $(PYTEST_ARGS)

test-documents: install services-up  ## Document rendering tests
	$(with_services) $(BIN)/pytest tests/documents $(PYTEST_ARGS)

lint: install  ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/python -m thidua_events.schemas --check
	$(BIN)/mypy events services/ledger/thidua_ledger services/documents/thidua_documents services/web/thidua_web

bench: install services-up  ## Benchmarks (ratios against their baselines)
	$(with_services) for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean: services-down  ## Stop services and remove ./var and the virtualenv
	rm -rf var $(VENV)

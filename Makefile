# Cloud Bank — the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# the venv first on PATH: dbt, dagster and friends are called by name
export PATH := $(CURDIR)/.venv/bin:$(PATH)
CLOUDBANK := .venv/bin/cloudbank
PYTEST := .venv/bin/pytest

.PHONY: help setup demo up down status logs reset test lint bench pipeline

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Install OS packages (if missing), the Python env from uv.lock and the SPA deps
	@infra/local/setup.sh

demo: setup ## Set up, start the stack, load the seed data, run the pipeline, print the URLs
	@$(CLOUDBANK) up
	@$(CLOUDBANK) seed --if-empty
	@$(CLOUDBANK) pipeline
	@$(CLOUDBANK) urls

up: setup ## Start every component (idempotent)
	@$(CLOUDBANK) up

down: ## Stop every component this stack started
	@if [ -x $(CLOUDBANK) ]; then $(CLOUDBANK) down; fi

status: ## Per component: state, pid, port, health (exit 1 if any is unhealthy)
	@$(CLOUDBANK) status

logs: ## Last lines of every component's log (cloudbank logs -f COMPONENT to follow one)
	@$(CLOUDBANK) logs

reset: ## Stop everything and wipe var/ (asks first unless FORCE=1)
	@if [ "$(FORCE)" != "1" ]; then \
	  read -r -p "This deletes every database, log and lake file under var/. Continue? [y/N] " ans; \
	  [ "$$ans" = "y" ] || [ "$$ans" = "Y" ] || { echo "aborted"; exit 1; }; \
	fi
	@if [ -x $(CLOUDBANK) ]; then $(CLOUDBANK) down; fi
	@rm -rf var
	@echo "var/ wiped"

lint: ## ruff check and format check
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .

test: setup lint ## Set up, start the test stack (var/test), run the whole suite, stop it
	@$(PYTEST) -q $(PYTEST_ARGS)

bench: setup ## Benchmarks (tests/perf/), results printed as tables
	@for script in tests/perf/bench_*.py; do \
	  echo "=== $$script"; .venv/bin/python $$script || exit 1; \
	done

pipeline: setup ## Run the data pipeline once (exit non-zero on any failed step or check)
	@$(CLOUDBANK) pipeline

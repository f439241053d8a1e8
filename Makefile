# Mijnschade. `make run` starts the demo, `make test` runs everything CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: help venv setup run test lint bench load services-up services-down debs

help:
	@echo "make run     migrate, seed the demo and serve on http://127.0.0.1:8000"
	@echo "make test    lint, migration check and the test suite on PostgreSQL and Redis"
	@echo "make lint    ruff"
	@echo "make setup   create .venv and install the project (again when pyproject.toml changed)"
	@echo "make bench   benchmarks"
	@echo "make load    mixed load test: 50 users (residents, case guides, API) for 60 s on loopback"

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "python3.11 not found" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); scripts/services.sh apt python3-venv && $(PYTHON) -m venv $(VENV); }

# Reinstall only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet -e ".[dev]"
	@touch $@

venv setup: $(STAMP)

run: setup
	scripts/run.sh

test:
	scripts/test.sh

lint: setup
	$(VENV)/bin/ruff check .

# The committed OpenAPI description; tests/api/test_schema.py fails while it differs from the code.
.PHONY: openapi
openapi: setup
	$(VENV)/bin/python manage.py spectacular --file openapi.yaml

# Issue 8: database `bench` (made, migrated and seeded with 250,000 claims when needed; reused after), gunicorn and
# a worker on loopback, every page beside the admin and its bare SQL, letters, a 30 s mixed load: one table, also in
# bench/RESULTS.md. Then the in-process page timings with the EXPLAIN findings (why a page is slow).
# Arguments after BENCH_ARGS, e.g. `make bench BENCH_ARGS="--claims 5000 --runs 20 --mixed 0"`.
bench: setup
	$(VENV)/bin/python -m pip install -q -e ".[dev,bench]"
	scripts/services.sh up
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)
	$(VENV)/bin/python bench/casework_pages.py --runs 20 --claims 1  # on what run.py left; never seeds

# Its own database (made, seeded and dropped), gunicorn and a Celery worker on loopback, locust for 60 s.
# Arguments after LOAD_ARGS, e.g. `make load LOAD_ARGS="--users 100 --time 120 --keep-db"`.
load: setup
	$(VENV)/bin/python -m pip install -q -e ".[dev,bench]"
	scripts/services.sh up
	$(VENV)/bin/python bench/load_mixed.py $(LOAD_ARGS)

debs:
	scripts/services.sh debs

services-up:
	scripts/services.sh up

services-down:
	scripts/services.sh down

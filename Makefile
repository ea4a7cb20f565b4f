# Article ETL: one command each. Everything installs into .venv from the lock (requirements.txt).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
STAMP := $(VENV)/.installed

.PHONY: install lock lint test test-fast demo ui bench bench-large bench-extras eval clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip --default-pip >/dev/null
	@test -x $(UV) || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(UV) pip install --quiet --compile-bytecode -p $(BIN)/python -r requirements.txt
	$(UV) pip install --quiet -p $(BIN)/python --no-deps -e .
	@touch $(STAMP)

lock: $(STAMP)
	$(UV) pip compile requirements.in -p 3.11 -o requirements.txt --no-header

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

test-fast: $(STAMP)
	$(BIN)/pytest -m "not e2e"

demo: $(STAMP)
	$(BIN)/article-etl demo

ui: $(STAMP)
	SOURCES="$(SOURCES)" bash scripts/ui.sh

clean:
	rm -rf .article_etl .pytest_cache .mypy_cache .ruff_cache

# A whole day of N articles through every stage beside its floors (bench/day.py): writes
# bench/results/bench-N.json, the BENCHMARKS.md section and docs/bench-scaling.png. AIRFLOW lists
# the runs of the same day through Airflow (bench.airflow_cost; e.g. AIRFLOW=local,celery:1,celery:2).
N ?= 10000
AIRFLOW ?= dags-test,local
# It also times extraction on the Fundus pages (ours beside trafilatura, readability, Resiliparse
# and bare lxml/Lexbor parses, by wall clock and CPU time: bench/extract_speed.py, issue #9).
bench: $(STAMP)
	$(BIN)/python -m bench.day $(N) --airflow "$(AIRFLOW)"
	$(BIN)/python bench/extract_speed.py 3

# 100k: the in-process stages, their references and the LocalExecutor run (about 50 min alone on 2
# cores); add dags-test with LARGE_AIRFLOW=dags-test,local (about 30 min more).
LARGE_AIRFLOW ?= local
bench-large: $(STAMP)
	$(BIN)/python -m bench.day 100000 --airflow "$(LARGE_AIRFLOW)"

# The older, finer figures (extraction vs page size, fetch and load speed tables; Fundus speed again).
bench-extras: $(STAMP)
	$(BIN)/python bench/run.py

eval: $(STAMP)
	$(BIN)/python -m bench.eval.harness

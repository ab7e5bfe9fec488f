# converge_assets: `make demo` migrates the demo databases; `make test` runs the test suite.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
export DAGSTER_HOME ?= $(CURDIR)
export DAGSTER_POSTGRES_URL ?= postgresql+psycopg2://postgres@127.0.0.1:5432/dagster

.PHONY: env services demo test lint ui bench screenshots

env:  ## the virtualenv with every dependency (installs uv from PyPI if missing)
	@command -v uv >/dev/null 2>&1 || [ -x "$(UV)" ] || python3 -m pip install --quiet --user uv
	@# Bytecode compiled once at install: where PYTHONDONTWRITEBYTECODE is set (as on our CI
	@# machines), every process would otherwise compile dagster from source (~4.5 s a start).
	@$(UV) sync --quiet --frozen --compile-bytecode
	@$(UV) run --frozen python -m compileall -q converge_assets

services:  ## MariaDB and PostgreSQL running locally
	@bash scripts/services.sh

demo: env services  ## create the demo sources and migrate both
	$(UV) run python -m demo.seed
	$(UV) run converge discover --all
	$(UV) run converge run --source alkemio
	$(UV) run converge run --source kratos
	@echo
	@echo "Open the Dagster UI:  make ui   (then http://127.0.0.1:3000)"

test: env services  ## the test suite, against the real MariaDB and PostgreSQL
	$(UV) run pytest

screenshots: env services  ## the browser test, writing its screenshots to docs/screenshots/
	CONVERGE_SCREENSHOTS=$(CURDIR)/docs/screenshots $(UV) run pytest -s converge_assets_tests/test_ui.py

lint: env
	$(UV) run ruff check . && $(UV) run ruff format --check .

ui: env services  ## the Dagster UI and daemon on http://127.0.0.1:3000
	$(UV) run python -c "from converge_assets.cli import prepare_instance_environment as p; p()"
	$(UV) run dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

bench: env services  ## converge vs pgloader vs the raw client pipeline
	$(UV) run python -m benchmarks.run

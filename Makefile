# The two commands a council analyst or CI needs: `make demo` and `make test`.
# Everything else (virtualenv, packages, database server, browser) is installed by these.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python

.PHONY: demo test check bench lint install install-dev assets

# Installed modules (and careassure's own, installed editable from src/) are compiled to bytecode
# once, at install, so a command started where bytecode cannot be written (a read-only install,
# PYTHONDONTWRITEBYTECODE) does not recompile every import on every run: 1.8 s instead of 5.2 s
# for one measure from the command line.
export UV_COMPILE_BYTECODE := 1

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==0.13.9"

install: $(UV)
	$(UV) sync --frozen --no-dev
	$(PY) -m compileall -q src

install-dev: $(UV)
	$(UV) sync --frozen --all-extras
	$(PY) -m compileall -q src

# GOV.UK Frontend (and axe-core for the accessibility tests) from the npm lock file.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

assets: node_modules/.package-lock.json

demo: install assets
	.venv/bin/careassure demo

test: $(UV)
	UV=$(UV) scripts/test.sh

bench: install-dev assets
	$(PY) -m benchmarks

# Style and types: ruff on everything, mypy on the package (zero errors).
lint: install-dev
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/mypy

# Fast feedback while working: lint, types and every test not marked slow (PySpark, the
# one-figure and property sweeps) or browser (Chromium). `make test` runs those too, on SQLite
# and PostgreSQL.
check: lint assets
	.venv/bin/pytest -n "$${PYTEST_WORKERS:-2}" -q -m "not slow and not browser"

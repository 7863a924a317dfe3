# The two commands a council analyst or CI needs: `make demo` and `make test`.
# Everything else (virtualenv, packages, database server, browser) is installed by these.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python

.PHONY: demo test bench lint install install-dev assets

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==0.13.9"

install: $(UV)
	$(UV) sync --frozen --no-dev

install-dev: $(UV)
	$(UV) sync --frozen --all-extras

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

lint: install-dev
	.venv/bin/ruff check src tests benchmarks

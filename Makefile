# Lower Back Lump Navigator. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
STAMP := $(VENV)/.installed
LOCK := requirements.lock
TOOLS_VENV := .venv-tools
LOCK_ARGS ?=

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z][a-z0-9-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)

# Installs exactly the lock (the whole tree, every file checked against its SHA-256); reinstalls when the
# lock changes or the interpreter was recreated. requirements*.txt only feed `make lock`.
$(STAMP): $(LOCK) $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	touch $(STAMP)

install: $(STAMP) ## Create .venv from the hashed lock, requirements.lock (if needed)

# The lock tool lives in its own venv so that .venv holds exactly the lock.
$(TOOLS_VENV)/.installed: requirements-tools.txt
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-tools.txt
	touch $@

# Keeps the lock's other pins; LOCK_ARGS=--upgrade re-resolves everything, LOCK_ARGS="--upgrade-package NAME" one.
lock: $(TOOLS_VENV)/.installed ## Re-resolve requirements.lock (with hashes) from requirements*.txt after changing a pin
	CUSTOM_COMPILE_COMMAND="make lock" $(TOOLS_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	  --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) --output-file=$(LOCK) requirements-dev.txt
.PHONY: lock

run: $(STAMP) ## Serve the app on this machine only: http://localhost:$(PORT) (loopback, no login)
	$(PY) -m streamlit run streamlit_app.py --server.address 127.0.0.1 --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Network deployment (deploy/README.md): nginx with TLS on every interface, two Streamlit processes on loopback.
SERVE_NAME ?= $(shell hostname -f 2>/dev/null || hostname)
HTTPS_PORT ?= 8443
HTTP_PORT ?= 8080
LOGIN ?= required
SERVE_ARGS ?=

serve: $(STAMP) ## Open the app to a ward or classroom network through nginx + TLS (login required; LOGIN=off for a trial)
	$(PY) deploy/lbln_deploy.py serve --server-name $(SERVE_NAME) --https-port $(HTTPS_PORT) --http-port $(HTTP_PORT) --login $(LOGIN) $(SERVE_ARGS)

deploy-test: $(STAMP) ## Run only the deployment tests (nginx, TLS, limits, login; needs nginx and /usr/bin/chromium)
	$(PY) -m pytest tests/deploy

# The suite runs on both cores of the 2-core machine (pytest-xdist; each worker has its own Streamlit
# servers and Chromium). TEST_WORKERS=0 runs it in one process, as a single test is usually run.
TEST_WORKERS ?= 2

test: $(STAMP) ## Run the whole test suite on TEST_WORKERS processes (browser tests need /usr/bin/chromium)
	$(PY) -m pytest -n $(TEST_WORKERS)

test-fast: $(STAMP) ## Run the tests without the browser tests (and without the benchmarks)
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not e2e and not benchmark"

e2e: $(STAMP) ## Run only the browser tests (Playwright + /usr/bin/chromium)
	$(PY) -m pytest -n $(TEST_WORKERS) -m e2e

bench: $(STAMP) ## Benchmark the engine (median time per assess on random valid cases)
	$(PY) -m pytest tests/benchmarks -m benchmark --benchmark-only --benchmark-columns=min,median,mean,max,rounds -q -p no:randomly

WSLOAD_ARGS ?=
LOADTEST_ARGS ?= --timeout-s 420

loadtest: $(STAMP) ## Load test: a class of 30 on one local server, as websocket clients (the server's own times)
	$(PY) tools/wsload.py $(WSLOAD_ARGS)

loadtest-browser: $(STAMP) ## The same class in 30 real Chromium pages (needs /usr/bin/chromium; times the whole machine)
	$(PY) tools/loadtest.py $(LOADTEST_ARGS)

lint: $(STAMP) ## Lint with ruff
	$(PY) -m ruff check knowledge casebook classroom dashboard deploy validation tests tools streamlit_app.py

validate: $(STAMP) ## Score the engine on the validation corpus (validation/report/report.md and calibration.svg)
	$(PY) -m validation.report

knowledge-manifest: $(STAMP) ## After a reviewed change to knowledge/data: record every file's SHA-256 and the required ids
	$(PY) -c 'from knowledge.loader import DATA_DIR; from knowledge.manifest import write; print("wrote", write(DATA_DIR))'

knowledge-schemas: $(STAMP) ## Regenerate the JSON schemas of the knowledge files (knowledge/data/schemas)
	$(PY) -m knowledge.file_schemas

typecheck: $(STAMP) ## Type-check with mypy (the targets are in pyproject.toml)
	$(PY) -m mypy

vignettes: $(STAMP) ## Score the engine on the shared sample vignettes (needs ../shared)
	$(PY) ../shared/tools/check_vignettes.py ../shared/vignettes/dev.json --project .

clean: ## Remove caches (keeps .venv)
	rm -rf .pytest_cache .ruff_cache .mypy_cache .benchmarks test-artifacts
	find . -name __pycache__ -prune -exec rm -rf {} +

.PHONY: help install run serve deploy-test test test-fast e2e bench loadtest loadtest-browser lint typecheck knowledge-schemas knowledge-manifest validate vignettes clean

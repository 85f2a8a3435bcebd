# Orderloom -- the two commands:
#   make run        demo data, then the designer on http://127.0.0.1:8000 with sample orders flowing
#                   (embedded SQLite, in-process; no services; DEMO_ORDERS=0 for no sample orders)
#   make test       every test, with a real Redis and PostgreSQL started for the run (what CI runs)
# and for the inner loop:
#   make test-fast  unit tests only: no servers, no browser, stops at the first failure
#   make lint       ruff
# Each target creates .venv and installs what is missing; `pip install -e .[test]` runs again only
# when setup.cfg or pyproject.toml changed. Extra pytest arguments: make test PYTEST_ARGS='-k health'.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
DEMO_ORDERS ?= 300
DEMO_INTERVAL ?= 3

.PHONY: run test test-fast lint install frontend frontend-check system-packages clean

# `orderloom demo` is idempotent: warehouses, stock, customers, carriers, feeds, demo connections (pointing at
# this server's /api/demo-receiver) and the template flows; then the server sends DEMO_ORDERS sample orders,
# one every DEMO_INTERVAL seconds, through the runtime in the background (they stop with the server).
run: $(INSTALLED) frontend
	$(VENV)/bin/orderloom demo --receiver-url http://127.0.0.1:$(PORT)/api/demo-receiver
	$(VENV)/bin/orderloom serve --host $(HOST) --port $(PORT) --demo-trickle $(DEMO_ORDERS) \
	  --trickle-interval $(DEMO_INTERVAL)

# exec: a TERM to make reaches .ci/with-services itself, whose trap stops the servers
test: system-packages $(INSTALLED) frontend frontend-check
	exec .ci/with-services $(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(INSTALLED)
	$(PY) -m pytest -m "not slow and not browser and not services" -x -q $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .

install: $(INSTALLED)

system-packages:
	@.ci/system-packages

# Debian's python3 needs python3-venv for `-m venv`; install it on demand.
$(PY):
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); .ci/system-packages python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q -U pip

$(INSTALLED): setup.cfg pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

# The frontend is built only when it exists, and again only when a file under it changed.
ifneq ($(wildcard frontend/package.json),)
FRONTEND_BUILT := frontend/dist/index.html
FRONTEND_SOURCES := $(shell find frontend -path frontend/node_modules -prune -o -path frontend/dist -prune \
                      -o -type f -print)
frontend: $(FRONTEND_BUILT)
$(FRONTEND_BUILT): $(FRONTEND_SOURCES)
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' \
	  || { echo "Vite needs node >= 20.19 (found: $$(node --version 2>/dev/null || echo none))" >&2; exit 1; }
	cd frontend && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; \
	  else npm install --no-audit --no-fund --loglevel=error; fi && npm run build --silent
	@touch $@
# the frontend's own checks: the type checker and the Vitest unit tests (after the build installed node_modules)
frontend-check: $(FRONTEND_BUILT)
	cd frontend && npx --no-install tsc --noEmit && npx --no-install vitest run
else
frontend:
frontend-check:
endif

clean:
	rm -rf build *.egg-info .pytest_cache .ruff_cache test-results

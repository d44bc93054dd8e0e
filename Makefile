# Remissportalen. The two commands of the README:
#   make run    set everything up and serve the portal with the seed case at http://127.0.0.1:8000
#   make test   lint and run the whole test suite (DATABASE_URL picks the database; SQLite if unset)

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# axe-core, which the browser tests inject to check WCAG 2.1 A and AA (package-lock.json pins it).
AXE := node_modules/axe-core/axe.min.js
# The first Python that is 3.12 or newer (pyenv's shims honour .python-version).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.14 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: run test install lint format migrate seed lock clean bench-pdf bench-load worker

# The portal needs Python only; node is for the test suite's accessibility checks (make install).
run: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py seed_demo
	@echo "Remissportalen: http://$(HOST):$(PORT)/  (log in as handlaggare, password demo)"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: install lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(VENV)/bin/mypy
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

install: $(VENV)/.installed $(AXE)

$(VENV)/.installed: requirements.lock scripts/check_system.py
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python 3.12 or newer is needed: sudo apt-get install python3 (Debian 13, Ubuntu 24.04)" >&2; \
		exit 1; fi
	@if ! $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null; then \
		echo "Python's venv module is missing: sudo apt-get install python3-venv" >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) scripts/check_system.py
	touch $@

# Reruns only when the lock changes (npm keeps no mtimes, hence the touch). Without npm the
# accessibility checks skip (and fail under REQUIRE_BROWSER=1), so the rest still installs.
$(AXE): package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		echo "npm ci --no-audit --no-fund" && npm ci --no-audit --no-fund && touch $@; \
	else \
		echo "npm is missing, so the accessibility checks (axe-core) will be skipped: sudo apt-get install npm"; \
	fi

# PDF rendering benchmark (not a test): render times as ratios to a minimal render, and memory.
bench-pdf: $(VENV)/.installed
	$(PY) bench/pdf_render.py

# Load benchmark (not a test): a large city in a throw-away PostgreSQL database, the portal under
# gunicorn in production mode, pages as ratios to /halsa/, then 50 users at once (bench/load.py;
# BENCH_LOAD_SECONDS and the other BENCH_* variables shorten it).
bench-load: $(VENV)/.installed
	$(PY) bench/load.py

# The background worker for TASKS_BACKEND=database (production): renders the archived PDFs.
worker: $(VENV)/.installed
	$(PY) manage.py db_worker

# Refresh the pinned versions after changing pyproject.toml.
lock: install
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 \
		--generate-hashes -q -o requirements.lock

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache test-artifacts

# Remissportalen. The two commands of the README, each installing first what it needs:
#   make run    set everything up and serve the portal with the seed case at http://127.0.0.1:8000
#   make test   lint and run the whole test suite, on every core (DATABASE_URL picks the database;
#               SQLite if unset)

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in mail point at the address the portal is served on, which Django then accepts, unless
# SITE_URL and ALLOWED_HOSTS say otherwise.
SITE_URL ?= http://$(HOST):$(PORT)
ALLOWED_HOSTS ?= 127.0.0.1,localhost,[::1],$(HOST)
# Test processes: one per core (pytest-xdist); PYTEST_WORKERS=0 runs the suite in this process.
PYTEST_WORKERS ?= auto
# axe-core, which the browser tests inject to check WCAG 2.1 A and AA (package-lock.json pins it).
AXE := node_modules/axe-core/axe.min.js
# The first Python that is 3.12 or newer (pyenv's shims honour .python-version).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.14 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: run test install lint format migrate seed lock clean bench-pdf bench-load worker \
	packages-run packages-test

# The portal needs Python and Pango only; node is for the test suite's accessibility checks.
run: packages-run $(VENV)/.installed
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py seed_demo
	@echo "Remissportalen: $(SITE_URL)/  (log in as handlaggare, password demo)"
	DEBUG=1 SITE_URL='$(SITE_URL)' ALLOWED_HOSTS='$(ALLOWED_HOSTS)' $(PY) manage.py runserver $(HOST):$(PORT)

# The slowest tests, then the suite's wall time (pytest's last line).
test: packages-test install lint
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist worksteal --durations=15 $(PYTEST_ARGS)

# One command per check; each must pass.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(VENV)/bin/mypy
	DEBUG=1 DATABASE_URL=sqlite://:memory: $(PY) manage.py makemigrations --check --dry-run

# The system packages (scripts/system_packages.sh holds the list), installed when missing: with
# apt-get as root, with sudo -n where allowed; otherwise make stops with the command to run.
packages-run:
	@PYTHON="$(PYTHON)" scripts/system_packages.sh run

packages-test:
	@PYTHON="$(PYTHON)" scripts/system_packages.sh run test

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

install: packages-test $(VENV)/.installed $(AXE)

$(VENV)/.installed: requirements.lock scripts/check_system.py | packages-run
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

# Reruns only when the lock changes (npm keeps no mtimes, hence the touch). Without npm (make
# install and make test install it) the accessibility checks skip, or fail under REQUIRE_BROWSER=1.
$(AXE): package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		echo "npm ci --no-audit --no-fund" && npm ci --no-audit --no-fund && touch $@; \
	else \
		echo "npm is missing, so the accessibility checks (axe-core) will be skipped"; \
	fi

# PDF rendering benchmark (not a test): render times as ratios to a minimal render, and memory.
bench-pdf: $(VENV)/.installed
	$(PY) bench/pdf_render.py

# Load benchmark (not a test): a city in a throw-away PostgreSQL database, the portal under
# gunicorn in production mode, each page as a ratio to a bare Django hello view, an empty
# logged-in view and /halsa/, then 50 users at once (bench/load.py), once per city size in
# BENCH_SIZES (remisses). BENCH_SHORT=1 is the short mode: under 3 minutes a size.
BENCH_SIZES ?= 100 2000
bench-load: $(VENV)/.installed
	@scripts/system_packages.sh bench
	@for size in $(BENCH_SIZES); do BENCH_REMISSES=$$size $(PY) bench/load.py || exit 1; done

# The schema a new database gets, kept in tests/fixtures/schema/ (tests/test_migrations.py
# compares the test database's with it): run after writing a migration, commit with it.
SCHEMA_POSTGRES ?= postgres://postgres@127.0.0.1:5432
.PHONY: schema
schema: $(VENV)/.installed
	SCHEMA_POSTGRES='$(SCHEMA_POSTGRES)' $(PY) -m tests.schema --write

# National-scale simulation (not a test): 290 municipalities' remisses (2.6 million recipients)
# written with COPY into a throw-away PostgreSQL database, the main pages' queries under EXPLAIN
# (ANALYZE, BUFFERS), the report in docs/scale.md. NATIONAL_* variables shrink it (bench/national.py).
.PHONY: bench-national
bench-national: $(VENV)/.installed
	$(PY) bench/national.py

# The background worker for TASKS_BACKEND=database (production): renders the archived PDFs, sends
# the mail and starts the daily reminders. Start several at once if you like (remiss/worker.py says why it is
# safe); `manage.py worker_health` tells whether one is alive on this machine.
worker: $(VENV)/.installed
	$(PY) manage.py worker

# Production: one stateless app server under gunicorn (deploy/gunicorn.conf.py says why its workers
# and timeouts are what they are). Needs the production variables (.env.example, DEBUG=0); gathers
# the static files with hashed names first (a build step: nothing is written while serving).
# Database migrations are a separate step of an upgrade (docs/deployment.md).
.PHONY: serve
serve: $(VENV)/.installed
	$(PY) manage.py collectstatic --no-input --verbosity 0
	GUNICORN_BIND=$${GUNICORN_BIND:-$(HOST):$(PORT)} $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py remiss.wsgi

# Refresh the pinned versions after changing pyproject.toml.
lock: $(VENV)/.installed
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 \
		--generate-hashes -q -o requirements.lock
	# The runtime dependencies alone, for the production image (deploy/Containerfile).
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.12 \
		--generate-hashes -q -o requirements-production.lock

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache test-artifacts

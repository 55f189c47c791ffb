# Maillage — commands for a newcomer and for CI. Quick start: `make run`, then `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# Marker files: re-running is quick when the lock files have not changed.
INSTALLED := $(VENV)/.installe-runtime
INSTALLED_DEV := $(VENV)/.installe-dev

.PHONY: run install install-dev migrate demo serve test bench lint format check-deploy lock clean

run: install migrate demo serve

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(INSTALLED): requirements.lock | $(VENV)/bin/python
	$(PIP) install --quiet --require-hashes -r requirements.lock
	touch $@

$(INSTALLED_DEV): requirements-dev.lock | $(VENV)/bin/python
	$(PIP) install --quiet --require-hashes -r requirements-dev.lock
	touch $@ $(INSTALLED)

install: $(INSTALLED)

install-dev: $(INSTALLED_DEV)

migrate: install
	$(PY) manage.py migrate --noinput

# Reference data, the demo association and the three demo accounts (charger_demo runs
# charger_referentiel and comptes_demo first); a second run does nothing.
demo: migrate
	$(PY) manage.py charger_demo

serve: install
	@echo "Maillage : http://127.0.0.1:$(PORT)/"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite. SQLite by default; PostgreSQL when DATABASE_URL names one.
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks, not part of make test: the report on the demo data, and the PDF renderer on
# a synthetic 35-page document. Figures and machine in docs/performance.md.
BENCH_DB ?= sqlite:////tmp/maillage-bench.sqlite3
bench: install-dev
	DATABASE_URL=$(BENCH_DB) $(PY) bench/rapport.py
	DJANGO_SETTINGS_MODULE=maillage.settings $(PY) bench/rendu_pdf.py --repetitions 2

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The production configuration must pass Django's deployment checklist with no warning.
check-deploy: install
	MAILLAGE_ENV=production DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DATABASE_URL=postgres://maillage@127.0.0.1:5432/maillage ALLOWED_HOSTS=maillage.example.org \
	$(PY) manage.py check --deploy --fail-level WARNING

# Regenerate the lock files after editing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 -o requirements.lock
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 -o requirements-dev.lock

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

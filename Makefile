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

.PHONY: run install install-dev migrate demo serve test bench charge lint format check-deploy lock clean

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

# Benchmarks, not part of make test: the report, the casework pages, the dashboards, the
# appointment import and the PDF renderer. Figures and machine in docs/performance.md.
# Scale 1: the demo, loaded into a throw-away SQLite database on the first run. Scale 100:
# a PostgreSQL database built beforehand (5-7 minutes on a quiet machine, see docs/performance.md):
#   make bench BENCH_DB=postgres://postgres@127.0.0.1:5432/maillage_echelle100
# The import adds dossiers to its database, so it runs on a copy: made here for SQLite;
# for PostgreSQL give one, e.g. BENCH_IMPORT_DB=postgres://.../maillage_echelle100_import
# after `createdb -T maillage_echelle100 maillage_echelle100_import`.
BENCH_DB ?= sqlite:////tmp/maillage-bench.sqlite3
BENCH_IMPORT_DB ?= $(if $(filter sqlite:%,$(BENCH_DB)),$(BENCH_DB:.sqlite3=-import.sqlite3))
bench: install-dev
	DATABASE_URL=$(BENCH_DB) $(PY) bench/rapport.py
	DATABASE_URL=$(BENCH_DB) $(PY) bench/pages.py
	DATABASE_URL=$(BENCH_DB) $(PY) bench/tableaux.py
ifneq ($(filter sqlite:%,$(BENCH_DB)),)
	cp $(patsubst sqlite:///%,%,$(BENCH_DB)) $(patsubst sqlite:///%,%,$(BENCH_IMPORT_DB))
endif
ifneq ($(BENCH_IMPORT_DB),)
	DATABASE_URL=$(BENCH_IMPORT_DB) $(PY) bench/import_rendez_vous.py
else
	@echo "Import de rendez-vous non mesuré : donnez BENCH_IMPORT_DB (une copie de la base)."
endif
	DJANGO_SETTINGS_MODULE=maillage.settings $(PY) bench/rendu_pdf.py --repetitions 2

# Load test (issue 9): gunicorn + locust, 20 users for 60 s, on a PostgreSQL database that
# holds the demo (created if missing, migrated and loaded here first). Prints
# p50/p95/p99 per page and the errors. Read-only: make charge CHARGE_LECTURE_SEULE=1.
CHARGE_DB ?= postgres://postgres@127.0.0.1:5432/maillage_charge
charge: install-dev
	$(PY) bench/creer_base.py $(CHARGE_DB)
	DATABASE_URL=$(CHARGE_DB) $(PY) manage.py migrate --noinput
	DATABASE_URL=$(CHARGE_DB) $(PY) manage.py charger_demo
	DATABASE_URL=$(CHARGE_DB) bench/charge.sh

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

# CGBookStore: `make run` (embedded, no services) and `make test` (real PostgreSQL + Redis).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
EMBEDDED_ENV := CGB_EMBEDDED=1 DEBUG=1
PYTEST_ARGS ?=
# The embedded default in CI too (SQLite, local-memory cache, eager tasks): the browser
# journey, the crawl-and-fuzz test and every write service. Tests marked `full_stack`
# rely on PostgreSQL or Redis and are left out (docs/reliability.md).
EMBEDDED_TESTS := e2e/test_journey.py reliability/test_fuzz.py reliability/test_security.py core/tests/test_bad_input.py \
	accounts/tests/test_services.py \
	debates/tests/test_services.py moderation/tests/test_services.py library/tests/test_services.py library/tests/test_bulk.py \
	notifications/tests/test_services.py

.PHONY: install run test test-embedded lint stack soak clean

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-bench.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip check
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Translations: .mo files are built, never committed (GNU gettext's msgfmt).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	@command -v msgfmt >/dev/null || { echo "GNU gettext (msgfmt) is required to compile translations"; exit 1; }
	msgfmt --check -o $@ $<

install: $(VENV)/.installed node_modules/.installed $(MO_FILES)

run: install
	$(EMBEDDED_ENV) $(PY) manage.py migrate --noinput
	$(EMBEDDED_ENV) $(PY) manage.py import_goodbooks data/sample
	$(EMBEDDED_ENV) $(PY) manage.py seed_demo --users 40 --topics 30 --posts 300 --follows 200
	$(EMBEDDED_ENV) $(PY) manage.py ensure_demo_admin
	$(EMBEDDED_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: install
	scripts/install_browser.sh
	eval "$$(scripts/services.sh)" && $(PY) -m pytest -n 2 $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-embedded

test-embedded: install
	env -u REDIS_URL -u CELERY_BROKER_URL $(EMBEDDED_ENV) DATABASE_URL=sqlite://:memory: \
		$(PY) -m pytest -n 2 -m "not full_stack" $(EMBEDDED_TESTS)

soak: install
	eval "$$(scripts/services.sh)" && SOAK_SECONDS=$${SOAK_SECONDS:-600} $(PY) -m reliability.soak

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@! git grep -nE '^(<<<<<<<|>>>>>>>) ' -- . || { echo "lint: merge-conflict markers left in the lines above"; exit 1; }

stack: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/honcho start

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3

include bench/bench.mk

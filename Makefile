# Sunshine: `make run` for a populated demo site, `make test` for the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
# Tests run on every core (pytest-xdist); `make test PYTEST_ARGS=` runs them in one process.
PYTEST_ARGS ?= -n auto
PORT ?= 8000

.PHONY: run install migrate demo test test-postgres lint format bench messages worker clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo: migrate
	$(PY) manage.py seed_demo

# The background worker (reminders, deadlines) runs beside the web server and stops with it.
# Before it starts: queue the daily jobs, and hand back reminder campaigns a killed worker left.
run: demo
	@mkdir -p var
	@echo ""
	@echo "Sunshine is at http://$(HOST):$(PORT)/  (stop with Ctrl-C; worker log: var/worker.log)"
	@$(PY) manage.py schedule_jobs > /dev/null
	@$(PY) manage.py reminders_resume > /dev/null
	@$(PY) manage.py db_worker --queue-name '*' > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: migrate
	$(PY) manage.py schedule_jobs
	$(PY) manage.py reminders_resume
	$(PY) manage.py db_worker --queue-name '*'

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check sunshine bench tests tools conftest.py
	$(VENV)/bin/ruff format --check sunshine bench tests tools conftest.py
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

format: install
	$(VENV)/bin/ruff format sunshine bench tests tools conftest.py
	$(VENV)/bin/ruff check --fix sunshine bench tests tools conftest.py

bench: install
	@for f in $(wildcard bench/bench_*.py); do echo "== $$f"; $(PY) $$f || exit 1; done

# Each app with a locale/ folder keeps its own catalogue; the rest (core, lib, shared templates)
# share sunshine/locale. English msgstr are filled in by hand in the .po files.
APP_LOCALES := $(wildcard sunshine/*/locale)
messages: install
	@for loc in $(APP_LOCALES); do (cd $$(dirname $$loc) && $(abspath $(PY)) $(abspath manage.py) makemessages -l en --no-obsolete >/dev/null); done
	cd sunshine && $(abspath $(PY)) $(abspath manage.py) makemessages -l en --no-obsolete $(foreach d,$(APP_LOCALES),-i $(notdir $(patsubst %/locale,%,$(d)))) >/dev/null
	$(PY) manage.py compilemessages >/dev/null

clean:
	rm -rf $(VENV) .pytest_cache

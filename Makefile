# Two commands on a fresh machine: `make run` and `make test`. Everything else is what they call.
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test setup setup-dev messages migrate demo lint contract format openapi openapi-check pytest screenshots clean

run: setup migrate demo
	@scripts/run-dev.sh $(PORT)

test: setup-dev
	bash scripts/system-deps.sh
	$(MAKE) --no-print-directory messages lint contract
	DJANGO_SETTINGS_MODULE=strom.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory openapi-check pytest

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime messages

setup-dev: $(VENV)/.dev

messages: $(VENV)/.runtime
	@bash scripts/system-deps.sh --runtime
	cd strom && ../$(PY) ../manage.py compilemessages --verbosity 0

migrate: setup
	$(PY) manage.py migrate --no-input --verbosity 0
	$(PY) manage.py createcachetable

demo: migrate
	STROM_PORT=$(PORT) $(PY) manage.py load_demo

# The layers (.importlinter): a wrong import fails here, naming the importing module and line.
contract: setup-dev
	$(VENV)/bin/lint-imports --no-cache --no-logo

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

openapi: setup
	DJANGO_SETTINGS_MODULE=strom.settings.test $(PY) manage.py export_openapi --write

openapi-check: setup
	DJANGO_SETTINGS_MODULE=strom.settings.test $(PY) manage.py export_openapi --check

# In parallel, one worker per core (PYTEST_WORKERS=0: one process), each with its own test database,
# live-server port and scratch folders. The browser tests share the pool (faster than a serial pass of
# their own), and an idle worker takes tests from a busy one. The slowest tests last.
PYTEST_WORKERS ?= auto
pytest: setup-dev
	$(VENV)/bin/pytest --numprocesses=$(PYTEST_WORKERS) --dist=worksteal --durations=15

screenshots: setup-dev
	STROM_SCREENSHOTS=1 $(VENV)/bin/pytest tests/browser

clean:
	rm -rf $(VENV) staticfiles var/*.sqlite3* var/huey*

# The two commands: `make run` serves the portal with a job worker; `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test lint browser bench install install-test clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Embedded default: SQLite, django-q2's database broker, the built-in sandbox of Axion.
run: export DEBUG ?= true
run: export AXION_SANDBOX ?= true
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --if-new
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@echo ""
	@echo "  Portal: http://127.0.0.1:8000   (demo login: demo / demo)"
	@echo ""
	@trap 'kill 0' INT TERM; \
	  $(PY) manage.py qcluster & \
	  $(PY) manage.py runserver 127.0.0.1:8000 & \
	  wait

lint: install-test
	$(VENV)/bin/ruff check .

# Debian's Chromium for the browser tests (never a browser download of Playwright's own);
# without root or apt the browser tests skip with a message.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	  || echo "No Chromium could be installed: the browser tests will be skipped."; }

test: install-test lint browser
	$(VENV)/bin/pytest

# The load generator of bench/webhook_ingest.py.
bench: install-test
	@command -v wrk >/dev/null 2>&1 || apt-get install -y -qq wrk

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

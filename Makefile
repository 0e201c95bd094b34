# The two commands: `make run` serves the portal with a job worker; `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test lint browser bench install install-test lock lock-upgrade clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# requirements.txt and requirements-test.txt are locks: every package, direct or not, at an
# exact version with its hashes, so every install (here, in CI, in the Dockerfile) is the same.
$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	$(PIP) install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/bin/activate
	$(PIP) install --quiet --require-hashes -r requirements-test.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# `make lock` compiles the ranges of requirements.in and requirements-test.in into the two
# locks, keeping the versions already locked where the ranges allow; `make lock-upgrade` (or
# `make lock UPGRADE=1`) moves every package to the newest version its ranges allow.
# pip-tools lives in a venv of its own (not a dependency of the portal), and the locks are
# compiled from the public index alone: this machine's own pip configuration (local wheel
# folders and indexes) is left out, so the locks hold the same hashes wherever they are made.
LOCK_VENV := $(VENV)/lock-tools
PIP_COMPILE := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT \
  PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" \
  $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
  $(if $(UPGRADE),--upgrade)

$(LOCK_VENV)/bin/pip-compile:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --upgrade pip "pip-tools>=7.5,<8"

lock: $(LOCK_VENV)/bin/pip-compile
	$(PIP_COMPILE) --output-file=requirements.txt requirements.in
	$(PIP_COMPILE) --output-file=requirements-test.txt requirements-test.in

lock-upgrade:
	$(MAKE) lock UPGRADE=1

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
	@trap 'kill 0' INT TERM HUP; \
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

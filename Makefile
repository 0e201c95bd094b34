# The two commands: `make run` serves the portal with a job worker; `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test lint venv install install-test migrate demo clean

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

test: install-test lint
	$(VENV)/bin/pytest

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

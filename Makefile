# Developer entry points. Run `make help` for the list.
#
# Variables you can override:  make test PYTEST_ARGS='-k pathway -x'
#                              make test TEST_WORKERS=1   (one process; default: one per core)
#                              make venv PYTHON=/usr/bin/python3.12

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
# Steps depend on each other's order (system packages, then venv, then Django).
.NOTPARALLEL:
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
# Interpreter used to create the venv: python3.11 when available, otherwise python3.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
PYTEST_ARGS ?=
# pytest-xdist processes for `make test`; each test module stays in one process (--dist
# loadscope), so data a module makes once (tests/module_data.py) is made once.
TEST_WORKERS ?= auto

RUN_URL := http://127.0.0.1:8000/
DEMO_USERS := kliniker konsulent jurist itarkitekt indkoeb aikompetence admin

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv venv-runtime system-deps system-deps-runtime run test lint messages

help:
	@echo "Targets:"
	@echo "  make run          migrate, load pathways, seed demo data, start dev server on $(RUN_URL)"
	@echo "  make test         run the test suite (PYTEST_ARGS='...' to pass options to pytest)"
	@echo "  make lint         ruff check + ruff format --check"
	@echo "  make messages     makemessages (da, en) + compilemessages"
	@echo "  make venv         create $(VENV) and install requirements-dev.txt (make run: requirements.txt)"
	@echo "  make system-deps  check/install Debian packages (WeasyPrint, gettext, chromium)"

# --- virtualenv ------------------------------------------------------------------------------

# pyvenv.cfg is written by `python -m venv` and, unlike bin/python (a symlink), has a stable mtime.
$(VENV)/pyvenv.cfg:
	@if [[ -z "$(PYTHON)" ]]; then \
	    echo "ERROR: neither python3.11 nor python3 found on PATH (Python >= 3.11 required)." >&2; \
	    exit 1; \
	fi
	@if ! "$(PYTHON)" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
	    echo "ERROR: $(PYTHON) is Python $$("$(PYTHON)" -c 'import platform; print(platform.python_version())'); 3.11 or newer is required." >&2; \
	    echo "       Install python3.11 or run: make venv PYTHON=/path/to/python3.11" >&2; \
	    exit 1; \
	fi
	@echo "Creating $(VENV) with $(PYTHON)"
	@if ! "$(PYTHON)" -m venv "$(VENV)"; then \
	    rm -rf "$(VENV)"; \
	    echo "ERROR: could not create $(VENV). On Debian/Ubuntu: apt-get install python3-venv" >&2; \
	    exit 1; \
	fi

# Re-install only when a requirements file is newer than its stamp. Serving (`make run`) needs
# the runtime requirements only; the tests, lint and browser tools come with `make test`.
$(VENV)/.installed-runtime: requirements.txt | $(VENV)/pyvenv.cfg
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements.txt
	@touch $@

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(VENV)/pyvenv.cfg
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements-dev.txt
	@touch $@ $(VENV)/.installed-runtime

venv-runtime: $(VENV)/.installed-runtime
venv: $(VENV)/.installed

# --- system packages -------------------------------------------------------------------------

system-deps:
	bash scripts/system-deps.sh

system-deps-runtime:
	bash scripts/system-deps.sh --runtime

# --- run / test / lint / i18n ----------------------------------------------------------------

run: export DJANGO_DEBUG := 1
run: system-deps-runtime venv-runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_pathways
	$(PY) manage.py seed_demo
	@echo
	@echo "  Open $(RUN_URL)"
	@echo "  Demo logins (password for all: demo):"
	@for u in $(DEMO_USERS); do echo "    $$u"; done
	@echo
	@# The background worker (dossier jobs) runs beside the web server and stops with it; jobs
	@# a killed earlier worker left RUNNING are marked failed first.
	$(PY) manage.py reap_tasks
	$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

test: export DJANGO_ALLOW_ASYNC_UNSAFE := true
test: system-deps venv
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The settings refuse to load without a secret key unless DEBUG is on.
messages: export DJANGO_DEBUG := 1
messages: system-deps-runtime venv-runtime
	@mkdir -p locale
	$(PY) manage.py makemessages -l da -l en --ignore=.venv --ignore=static --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

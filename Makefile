# The two commands a newcomer needs: `make run` and `make test`.
# Django 6.1 needs Python 3.12+; find one without asking the user to configure anything.
PYTHON ?= $(shell for p in python3.13 python3.12; do $$p -c 'import sys' >/dev/null 2>&1 && { echo $$p; exit; }; done; \
	for p in $$(pyenv root 2>/dev/null)/versions/3.1[3-2]*/bin/python; do [ -x $$p ] && { echo $$p; exit; }; done; \
	python3 -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && echo python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint bench clean-db

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Newsroom needs Python 3.12 or newer: install it, or set PYTHON=/path/to/python3.12" >&2; exit 1; fi
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST)

test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

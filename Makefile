# The two commands a newcomer needs: `make run` and `make test`.
# Django 6.1 needs Python 3.12+: find one without asking the user to configure anything.
PYTHON_FOR_VENV = $(shell scripts/find-python)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint bench backup restore

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then echo "Newsroom needs Python 3.12 or newer: install it, or set PYTHON=/path/to/python3.12" >&2; exit 1; fi
	@[ -x $(PY) ] || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py load_demo
	$(PY) manage.py make_renditions
	$(PY) manage.py runserver $(HOST)

test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Everything (content, people, history, media) into backups/<time>.tar.gz, and back.
backup: $(VENV)/.installed
	$(PY) manage.py backup $(FILE)

restore: $(VENV)/.installed
	@[ -n "$(FILE)" ] || { echo "Usage: make restore FILE=backups/newsroom-….tar.gz [REPLACE=1]" >&2; exit 2; }
	$(PY) manage.py restore $(FILE) $(if $(REPLACE),--replace)

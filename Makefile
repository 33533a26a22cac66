# The two commands a newcomer needs: `make run` and `make test`.
# Django 6.1 needs Python 3.12+: find one without asking the user to configure anything.
PYTHON_FOR_VENV = $(shell scripts/find-python)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# The browser tests drive the system's Chromium (Debian's package), never a downloaded one.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
# axe-core and the Nu HTML Checker, from package-lock.json; reinstalled when the lock changes.
NODE_TOOLS := node_modules/.installed

.PHONY: run test lint bench bench-live backup restore browser-tools screenshots

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then echo "Newsroom needs Python 3.12 or newer: install it, or set PYTHON=/path/to/python3.12" >&2; exit 1; fi
	@[ -x $(PY) ] || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

# DEBUG is off unless set (production fails closed): the development commands turn it on.
run backup restore: export DEBUG ?= true
# The address in what `make run` prints and in workflow e-mails is the one it serves.
run: export NEWSROOM_SITE_URL = http://$(HOST)
# Renditions signed with a development Content Credentials key, made once (git-ignored).
run: export NEWSROOM_C2PA_KEY ?= var/c2pa/signing-key.pem
run: export NEWSROOM_C2PA_CERT ?= var/c2pa/signing-cert.pem
run: export NEWSROOM_C2PA_TRUST_ANCHORS ?= var/c2pa/authority.pem
run: $(VENV)/.installed
	$(PY) manage.py make_signing_key var/c2pa
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py load_demo
	$(PY) manage.py make_renditions
	$(PY) manage.py runserver $(HOST)

$(NODE_TOOLS): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "The browser tests need npm to install axe-core and the Nu HTML Checker: apt-get install -y npm" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# Fail early, saying what to install: the browser tests are part of the suite, never skipped.
browser-tools: $(NODE_TOOLS)
	@[ -x "$(CHROMIUM)" ] || { echo "The browser tests need Chromium at $(CHROMIUM): apt-get install -y chromium (or set CHROMIUM=/path/to/chromium)" >&2; exit 1; }
	@command -v java >/dev/null 2>&1 || { echo "The HTML validity tests need Java for the Nu HTML Checker: apt-get install -y default-jre-headless" >&2; exit 1; }

test: $(VENV)/.installed browser-tools
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

# SCALE stories (default 10,000) in a throwaway database, served by gunicorn on loopback, loaded
# by wrk: a temporary SQLite file (DB=sqlite), or a PostgreSQL server started for the run and
# removed after it (DB=postgres). More options through BENCH_ARGS (`.venv/bin/python -m bench
# --help`). N is the older name of SCALE.
SCALE ?= $(or $(N),10000)
DB ?= sqlite
bench: $(VENV)/.installed
ifeq ($(DB),postgres)
	scripts/throwaway-postgres $(PY) -m bench --stories $(SCALE) $(BENCH_ARGS)
else ifeq ($(DB),sqlite)
	DATABASE_URL= $(PY) -m bench --stories $(SCALE) $(BENCH_ARGS)
else
	@echo "DB is sqlite (the default) or postgres, not $(DB)" >&2; exit 2
endif

# A live page under load (bench/live.py): 200 readers polling while an entry is posted every 5 s.
bench-live: $(VENV)/.installed
	$(PY) -m bench.live $(BENCH_ARGS)

# The README's pictures of the product, from the demo content on a throwaway database.
screenshots: $(VENV)/.installed
	$(PY) scripts/screenshots.py docs/screenshots

lint: $(VENV)/.installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Everything (content, people, history, media) into backups/<time>.tar.gz, and back.
backup: $(VENV)/.installed
	$(PY) manage.py backup $(FILE)

restore: $(VENV)/.installed
	@[ -n "$(FILE)" ] || { echo "Usage: make restore FILE=backups/newsroom-….tar.gz [REPLACE=1]" >&2; exit 2; }
	$(PY) manage.py restore $(FILE) $(if $(REPLACE),--replace)

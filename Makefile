# psm — the verbs. Quick start: `make run`, `make test` (README).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SCALE ?= 1000000

.PHONY: run test lint worker e2e bench vendor messages db-start db-stop clean backup restore mutate

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

## run: the whole app on the embedded default (PostgreSQL, broker), demo data, Ctrl-C stops all
run: $(STAMP)
	@bash scripts/run.sh

## test: the whole suite (PostgreSQL from DATABASE_URL or the embedded one): on both cores,
## then the browser journeys in one process (they share a live server and a snapshot)
test: $(STAMP)
	@bash scripts/with-db.sh bash -c '$(PY) -m pytest -n 2 -m "not browser" $(PYTEST_ARGS) && $(PY) -m pytest -m browser $(PYTEST_ARGS)'

## lint: ruff, ruff format --check, import-linter's layers, mypy, makemigrations --check, bandit
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	PSM_TESTING=1 bash scripts/with-db.sh $(VENV)/bin/mypy .
	PSM_TESTING=1 bash scripts/with-db.sh $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/bandit -q -c pyproject.toml -r psm cases volunteers reports

## worker: a Celery worker with beat (REDIS_URL or the embedded broker)
worker: $(STAMP)
	@bash scripts/with-db.sh $(VENV)/bin/celery -A psm worker -B --loglevel=INFO --concurrency=2

## e2e: the browser journeys only
e2e: $(STAMP)
	@bash scripts/with-db.sh $(PY) -m pytest -m browser $(PYTEST_ARGS)

## mutate: mutation testing of the rule modules against their fast tests (not CI; minutes);
## `make mutate MUTATE_ARGS="nik sla"` for some modules, MUTATE_ARGS=--list to count
mutate: $(STAMP)
	@bash scripts/with-db.sh nice -n 10 $(PY) scripts/mutate.py $(MUTATE_ARGS)

## bench: benchmarks at SCALE cases (default 1,000,000); `make bench SCALE=100000` for a quick run
bench: $(STAMP)
	@command -v wrk >/dev/null || { apt-get install -y wrk || sudo apt-get install -y wrk; }
	@bash scripts/with-db.sh $(PY) -m bench --scale $(SCALE) $(BENCH_ARGS)

## vendor: copy front-end assets from npm into static/vendor (after changing package.json)
vendor:
	npm ci --no-audit --no-fund && npm run vendor

## messages: extract strings, fill translations from locale/id/src/*.json, compile the .mo
messages: $(STAMP)
	PSM_TESTING=1 bash scripts/with-db.sh $(PY) manage.py makemessages -l id --no-obsolete --ignore=node_modules --ignore=.venv --ignore=.data
	$(PY) scripts/po_fill.py locale/id/src/*.json

## backup: database (pg_dump, custom format) + media into ./backups/<timestamp>/
backup: $(STAMP)
	@bash scripts/with-db.sh bash scripts/backup.sh

## restore: `make restore BACKUP=backups/<timestamp>` (asks first; CONFIRM=yes skips the question)
restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/<timestamp>"; exit 2; }
	@bash scripts/with-db.sh bash scripts/restore.sh "$(BACKUP)"

db-start: $(STAMP)
	@$(PY) -m psm.devdb start

db-stop: $(STAMP)
	@$(PY) -m psm.devdb stop

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache

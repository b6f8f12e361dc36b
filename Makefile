# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEV_ENV := DJANGO_DEV=1

.PHONY: run test install migrate load demo lint format migrations-check messages clean prod-check \
	upgrade-check bench-spreadsheet bench-data bench-progress bench-dashboard bench-load bench

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Browser libraries (Chart.js for the dashboards; axe-core for the accessibility tests) from the
# npm registry, pinned by package-lock.json and served as static files.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.installed

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput

load: migrate
	$(DEV_ENV) $(PY) manage.py load_plans
	$(DEV_ENV) $(PY) manage.py load_indicators
	$(DEV_ENV) $(PY) manage.py load_funding

# seed_demo first: the demo opens its past mid-year period (2024-H1) through the period
# service, which tells the national teams; on a fresh database there are none to tell yet.
demo: load
	$(DEV_ENV) $(PY) manage.py seed_demo
	$(DEV_ENV) $(PY) manage.py create_demo_users

## Set everything up on SQLite and serve http://127.0.0.1:$(PORT)/ (the links in e-mails too:
## settings.SITE_URL defaults to http://127.0.0.1:$PORT in development)
run: demo
	$(DEV_ENV) PORT=$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

## The whole suite (SQLite unless DATABASE_URL points elsewhere).
# Two workers (pytest-xdist): the suite is CPU-bound and CI machines have two cores;
# TEST_WORKERS=0 runs it in one process (e.g. to read a failure's output in order).
TEST_WORKERS ?= 2
test: install
	$(PY) -m pytest -n $(TEST_WORKERS)

## The production stack, proven: two gunicorn instances sharing only PostgreSQL and Redis, DEBUG
## off, checked over HTTP (scripts/prod_check.py; needs both servers on 127.0.0.1, cleans up).
prod-check: install
	$(PY) scripts/prod_check.py

## Nothing lost on upgrade (scripts/upgrade_check.py): builds a database with the previous
## release's code and data, migrates it with this checkout, and finds every row and file again.
## SQLite in a temporary directory; PostgreSQL when DATABASE_URL names a server (it creates and
## drops its own databases mirps_upgrade_check*). UPGRADE_FROM: the previous release.
UPGRADE_FROM ?= 6d78e67903876829200955b7600a4bffcc650e3e
upgrade-check: install
	$(PY) scripts/upgrade_check.py --from $(UPGRADE_FROM)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

## The code's shape from its own imports (scripts/shape.py): package sizes, import order and
## cycles, functions over 80 lines, imports of another app inside functions (tests/test_shape.py).
.PHONY: shape
shape: install
	$(PY) scripts/shape.py

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

migrations-check: install
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

## Rebuild the compiled translations after editing locale/*/LC_MESSAGES/django.po
messages: install
	$(DEV_ENV) $(PY) manage.py makemessages -l es --no-location --ignore=.venv --ignore=node_modules
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

## Benchmarks (see docs/benchmarks.md; never run by the tests or CI). Each writes only into its
## own throwaway databases mirps_bench_* (SQLite files in $TMPDIR, or PostgreSQL databases with
## BENCH_PG=postgres://user@host:5432) and refuses any other. SIZES: which generated sizes to use.
SIZES ?= 229 20k 100k
bench-data: install
	$(PY) benchmarks/generate.py 229 --commitments 229 --updates 2290 --replace
	$(PY) benchmarks/generate.py 20k --commitments 20000 --updates 200000 --replace
	$(PY) benchmarks/generate.py 100k --commitments 100000 --updates 1000000 --replace

bench-progress: install
	$(PY) benchmarks/progress.py $(SIZES)

bench-dashboard: install
	$(PY) benchmarks/dashboard.py 100k

# Needs Debian's wrk (apt-get install wrk); loopback only, port 18280 unless BENCH_PORT is set.
bench-load: install
	$(PY) benchmarks/load.py 100k --port $(or $(BENCH_PORT),18280)

bench-spreadsheet: install
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) benchmarks/spreadsheet_upload.py

bench: bench-progress bench-dashboard bench-load bench-spreadsheet

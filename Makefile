# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
UV := $(PYTHON) -m uv
# Python comes from this machine (.python-version), never from a download.
export UV_PYTHON_DOWNLOADS := never
DEV_ENV := DEBUG=1 DATABASE_URL=

.PHONY: run demo-code worker test serve scale-check bench-reminders install migrate seed lint format check-deploy clean

# `make run` serves and runs a task worker beside the server (it sends the
# mail, which shows in this console). Ctrl-C, or the server stopping for any
# reason, stops both: the trap ends the worker, and waits for it to finish its task.
run: install ## Install, migrate, load the demo, serve on http://127.0.0.1:8000 with a worker beside it
	$(DEV_ENV) $(UV) run python manage.py migrate --noinput
	$(DEV_ENV) $(UV) run python manage.py seed_content
	$(DEV_ENV) $(UV) run python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 with a task worker beside it (Ctrl-C stops both)"
	@echo "Signing in as a practitioner or the staff admin? In another terminal, \`make demo-code\` prints their code."
	@$(DEV_ENV) $(UV) run python manage.py worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(DEV_ENV) $(UV) run python manage.py runserver 127.0.0.1:8000

demo-code: ## The code each demo practitioner's and the staff admin's authenticator shows now (after make run)
	@$(DEV_ENV) $(UV) run --no-sync python manage.py demo_code

# The worker as production runs it: settings from the environment (DATABASE_URL,
# SECRET_KEY, the email server...), nothing set here. WORKER_OPTIONS adds any
# of `manage.py worker --help`'s options, e.g. WORKER_OPTIONS="--worker-id web1-a".
WORKER_OPTIONS ?=
worker: ## The task worker with the settings in the environment (see README "Deploying")
	$(UV) run python manage.py worker $(WORKER_OPTIONS)

# TEST_PROCESSES shares the test files between that many processes
# (pytest-xdist; each has its own test database), coverage gathered from all.
TEST_PROCESSES ?= 3
test: install ## The whole suite with branch coverage, failing under 90 % (PostgreSQL when DATABASE_URL is set, SQLite otherwise), in TEST_PROCESSES processes (3)
	$(UV) run pytest --numprocesses $(TEST_PROCESSES) --dist loadfile --cov --cov-report=
	$(UV) run coverage report

# `make serve` installs production's packages only: this leaves out the dev
# tools (pytest, ruff...); `make test` puts them back.
serve: ## Serve with gunicorn under production settings (SECRET_KEY, ALLOWED_HOSTS, SITE_URL, DATABASE_URL... from the environment; PORT, WEB_CONCURRENCY)
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --no-dev --group prod --quiet
	DEBUG=0 $(UV) run --no-sync python manage.py collectstatic --noinput --verbosity 0
	DEBUG=0 $(UV) run --no-sync gunicorn --config clinic/deploy/gunicorn.conf.py clinic.wsgi

# gunicorn (the prod group) too: the tests start it.
install:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --group prod --quiet

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run djade --check $$(git ls-files 'templates/*.html')

format: install
	$(UV) run ruff format .
	$(UV) run ruff check --fix .
	$(UV) run djade $$(git ls-files 'templates/*.html')

check-deploy: install ## Django's deployment checklist under production settings
	DEBUG=0 ALLOWED_HOSTS=clinic.example SITE_URL=https://clinic.example \
	SECRET_KEY=$$($(UV) run python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	$(UV) run python manage.py check --deploy --fail-level WARNING

# Backups (PostgreSQL only, from DATABASE_URL) run the site as installed
# (--no-sync): taking or restoring a backup never changes the installed packages.
.PHONY: backup restore
BACKUP_DIR ?= var/backups

backup: ## pg_dump of DATABASE_URL's database into BACKUP_DIR (var/backups), mode 0600; prints path and size
	$(UV) run --no-sync python manage.py backup --dir "$(BACKUP_DIR)"

restore: ## Restore FILE=... into a new database (RESTORE_DB, default from the file name), never over an existing one
	$(UV) run --no-sync python manage.py restore "$(FILE)" --name "$(RESTORE_DB)" --dir "$(BACKUP_DIR)"

scale-check: install ## Two gunicorn instances and two workers on one PostgreSQL (DATABASE_URL): sessions shared, 1,000 emails sent once each
	DEBUG=1 $(UV) run --no-sync python manage.py scale_check

# BENCH_OPTIONS adds any of `manage.py reminder_bench --help`'s options,
# e.g. BENCH_OPTIONS="--patients 1000".
BENCH_OPTIONS ?=
bench-reminders: install ## 10,000 patients due in the same minute, two workers, a local SMTP sink (DATABASE_URL on PostgreSQL): time to the last reminder, duplicates, misses
	DEBUG=1 $(UV) run --no-sync python manage.py reminder_bench $(BENCH_OPTIONS)

# ATTACK_OPTIONS adds any of `manage.py sign_in_attack_bench --help`'s options,
# e.g. ATTACK_OPTIONS="--seconds 60 --rotate-addresses".
# `make bench-data` makes its own database, BENCH_DB (matcompanion_bench), on
# DATABASE_URL's PostgreSQL server (dropped first if it is there: it only ever
# holds made-up patients), migrates it, publishes the content and loads the
# data set; var/bench/manifest.json says who to sign in as. BENCH_DATA_OPTIONS
# adds any of `manage.py bench_data --help`'s options, e.g. "--scaling 100".
.PHONY: bench-data load
BENCH_DB ?= matcompanion_bench
BENCH_DATA_OPTIONS ?=
BENCH_URL = $(shell echo "$$DATABASE_URL" | sed -E 's#/[^/]*$$#/$(BENCH_DB)#')
# Dropping and making BENCH_DB, the client tools connect to the server's own database.
BENCH_SERVER_URL = $(shell echo "$$DATABASE_URL" | sed -E 's#/[^/]*$$#/postgres#')
bench-data: ## A fresh BENCH_DB beside DATABASE_URL's (PostgreSQL), filled with 20 clinics x 250 patients and a year of care each, scaling clinics of 100/1,000/5,000 patients; prints timings and rows per table
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --group prod --group bench --quiet
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; \
	*) echo "make bench-data needs DATABASE_URL pointing at a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres"; exit 2;; esac
	@case "$(BENCH_DB)" in matcompanion_bench*) ;; \
	*) echo "BENCH_DB must start with matcompanion_bench: it is dropped and made again."; exit 2;; esac
	dropdb --if-exists --force --maintenance-db="$(BENCH_SERVER_URL)" $(BENCH_DB)
	createdb --maintenance-db="$(BENCH_SERVER_URL)" $(BENCH_DB)
	DEBUG=1 DATABASE_URL="$(BENCH_URL)" $(UV) run --no-sync python manage.py migrate --noinput -v 0
	DEBUG=1 DATABASE_URL="$(BENCH_URL)" $(UV) run --no-sync python manage.py seed_content >/dev/null
	DEBUG=1 DATABASE_URL="$(BENCH_URL)" nice -n 10 $(UV) run --no-sync python manage.py bench_data $(BENCH_DATA_OPTIONS)

# `make load` needs `make bench-data` first. LOAD_OPTIONS adds any of
# `manage.py load_test --help`'s options, e.g. LOAD_OPTIONS="--users 20 --seconds 30".
LOAD_OPTIONS ?=
load: ## Locust against gunicorn (production settings, loopback) on BENCH_DB: patients and practitioners from the manifest on their journeys; prints requests, failures, p50/p95/p99
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --group prod --group bench --quiet
	DEBUG=1 DATABASE_URL="$(BENCH_URL)" $(UV) run --no-sync python manage.py load_test $(LOAD_OPTIONS)

.PHONY: attack-bench
ATTACK_OPTIONS ?=
attack-bench: install ## A patient's Today page (p50/p95/max) alone, then while 8 attackers post wrong passwords to the sign-in form; gunicorn as in production (PostgreSQL when DATABASE_URL is set, SQLite otherwise)
	DEBUG=1 $(UV) run --no-sync python manage.py sign_in_attack_bench $(ATTACK_OPTIONS)

# `make bench` is both: a fresh clinic group's data, then every page under load.
# On this 2-core machine it takes about 15-20 minutes; DATABASE_URL names the
# PostgreSQL server (its database is left alone; BENCH_DB is made beside it).
.PHONY: bench
bench: bench-data bench-run ## The whole speed benchmark: make bench-data, then make bench-run (PostgreSQL, DATABASE_URL); BENCH_RUN_OPTIONS=--write records it in BENCHMARKS.md

# BENCH_RUN_OPTIONS adds any of `manage.py bench_run --help`'s options, e.g.
# BENCH_RUN_OPTIONS="--seconds 3 --no-scaling" or "--write" (BENCHMARKS.md).
# wrk comes from Debian (apt-get) when the machine lacks it, as CI's Chromium does.
# The site runs under production settings on loopback: a fresh secret key,
# requests as from a TLS proxy on the same machine. The database is make
# bench-data's (BENCH_URL) when the Makefile names one, else DATABASE_URL's.
.PHONY: bench-run
BENCH_RUN_OPTIONS ?=
bench-run: install ## Every page under load (wrk, 8 connections, gunicorn as in production) against a bare view and a signed-in floor, on make bench-data's database and var/bench/manifest.json (BENCH_RUN_OPTIONS=--demo: seed_demo's people in DATABASE_URL's)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	DEBUG=0 BEHIND_PROXY=1 ALLOWED_HOSTS=127.0.0.1 SITE_URL=https://127.0.0.1 \
	DATABASE_URL="$(or $(BENCH_URL),$$DATABASE_URL)" \
	STATIC_ROOT=$(CURDIR)/var/bench/static LOG_FORMAT=json \
	SECRET_KEY=$$($(UV) run --no-sync python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	$(UV) run --no-sync python manage.py bench_run --settings clinic.operations.bench_settings $(BENCH_RUN_OPTIONS)

# Lighthouse itself (pinned, from npm) goes into var/lighthouse on first use.
# LIGHTHOUSE_OPTIONS adds any of `manage.py lighthouse_check --help`'s options,
# e.g. LIGHTHOUSE_OPTIONS="--pages Today Timer --keep-reports var/lighthouse/reports".
.PHONY: lighthouse
LIGHTHOUSE_OPTIONS ?=
lighthouse: install ## Lighthouse on the patient's pages under production settings (a scratch database, DEBUG off, compressed static): accessibility, best practices, performance, installable; fails under 100 or if not installable
	DEBUG=1 $(UV) run --no-sync python manage.py lighthouse_check $(LIGHTHOUSE_OPTIONS)

clean:
	rm -rf var/db.sqlite3* var/staticfiles

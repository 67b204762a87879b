# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
UV := $(PYTHON) -m uv
# Python comes from this machine (.python-version), never from a download.
export UV_PYTHON_DOWNLOADS := never
DEV_ENV := DEBUG=1 DATABASE_URL=

.PHONY: run test serve install migrate seed lint format check-deploy clean

run: install ## Install, migrate, load the demo and serve on http://127.0.0.1:8000
	$(DEV_ENV) $(UV) run python manage.py migrate --noinput
	$(DEV_ENV) $(UV) run python manage.py seed_content
	$(DEV_ENV) $(UV) run python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C stops)"
	$(DEV_ENV) $(UV) run python manage.py runserver 127.0.0.1:8000

test: install ## The whole suite with branch coverage, failing under 90 % (PostgreSQL when DATABASE_URL is set, SQLite otherwise)
	$(UV) run coverage run -m pytest
	$(UV) run coverage report

# `make serve` installs production's packages only: this leaves out the dev
# tools (pytest, ruff...); `make test` puts them back.
serve: ## Serve with gunicorn under production settings (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL... from the environment; PORT, WEB_CONCURRENCY)
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
	DEBUG=0 ALLOWED_HOSTS=clinic.example \
	SECRET_KEY=$$($(UV) run python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	$(UV) run python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var/db.sqlite3* var/staticfiles

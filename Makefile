# One entry point for people. Every target works on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= cafex_portal.settings.local

.PHONY: help install run migrate test screenshots lint format bench worker beat demo-offline fake-ncbi check-deploy prod-local loadtest clean

help:
	@echo "make run      set up, load the bundled review, serve http://$(HOST):$(PORT)"
	@echo "make test     run the whole test suite (SQLite, or DATABASE_URL)"
	@echo "make demo-offline  the same, synced against the bundled fake NCBI server"
	@echo "make worker   a Celery worker (needs REDIS_URL)"
	@echo "make prod-local  production settings on this machine: gunicorn, two workers, beat (honcho)"
	@echo "make bench    benchmarks that print numbers"
	@echo "make loadtest  60 s of locust against gunicorn on PostgreSQL (not part of make test)"
	@echo "make lint     ruff and the migrations check"
	@echo "make screenshots  run the browser tests and save docs/screenshots/ (needs Chromium)"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

migrate: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py load_demo --sync
	$(BIN)/python manage.py ensure_admin
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	DJANGO_SETTINGS_MODULE=cafex_portal.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

# Only this target rewrites the tracked images; an ordinary test run saves its screenshots to a temporary folder.
screenshots: install
	CAFEX_SCREENSHOTS=1 DJANGO_SETTINGS_MODULE=cafex_portal.settings.test $(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=cafex_portal.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-deploy: install
	DJANGO_SETTINGS_MODULE=cafex_portal.settings.production DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=portal.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

bench: install
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks.evidence

# Builds its own database (LOADTEST_DATABASE_URL, default cafex_loadtest on 127.0.0.1:5432), serves it with gunicorn
# under production settings and runs locust for 60 s; see loadtest/run.py for the options (LOADTEST_ARGS).
loadtest: install
	$(BIN)/python loadtest/run.py $(LOADTEST_ARGS)

FAKE_NCBI_PORT ?= 8765

# Serve the bundled review's network from the fake E-utilities server (no internet needed).
fake-ncbi: install
	$(BIN)/python -m fake_eutils --demo --port $(FAKE_NCBI_PORT)

# The portal synced against the fake server: load the review, sync it offline, serve.
demo-offline: migrate
	@$(BIN)/python -m fake_eutils --demo --port $(FAKE_NCBI_PORT) & echo $$! > var/fake-ncbi.pid; \
	trap 'kill $$(cat var/fake-ncbi.pid)' EXIT INT TERM; sleep 1; \
	export NCBI_EUTILS_BASE_URL=http://127.0.0.1:$(FAKE_NCBI_PORT)/entrez/eutils/; \
	$(BIN)/python manage.py load_demo && $(BIN)/python manage.py ensure_admin && \
	$(BIN)/python manage.py sync_review 34852849 && \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install
	$(BIN)/celery -A cafex_portal worker --loglevel=INFO --concurrency=2

beat: install
	$(BIN)/celery -A cafex_portal beat --loglevel=INFO

# Production settings on this machine, the processes of Procfile under honcho: gunicorn on 127.0.0.1:$(PORT), two
# Celery workers and beat, against DATABASE_URL and REDIS_URL (default: the local PostgreSQL and Redis).
prod-local: install
	@mkdir -p var
	@export PATH="$(CURDIR)/$(BIN):$$PATH" DJANGO_SETTINGS_MODULE=cafex_portal.settings.production \
	  DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	  DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	  DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-false}" \
	  DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cafex}" \
	  REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/0}" \
	  CELERY_BEAT_SCHEDULE_FILENAME="$${CELERY_BEAT_SCHEDULE_FILENAME:-var/celerybeat-schedule}"; \
	python manage.py migrate --noinput && \
	python manage.py collectstatic --noinput --verbosity 0 && \
	exec honcho start --procfile Procfile --port $(PORT)

clean:
	rm -rf $(VENV) var .pytest_cache

# One entry point for people. Every target works on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= cafex_portal.settings.local

.PHONY: help install run migrate test test-fast lint format bench worker beat demo-offline fake-ncbi check-deploy clean

help:
	@echo "make run      set up, load the bundled review, serve http://$(HOST):$(PORT)"
	@echo "make test     run the whole test suite (SQLite, or DATABASE_URL)"
	@echo "make worker   a Celery worker (needs REDIS_URL)"
	@echo "make bench    benchmarks that print numbers"
	@echo "make lint     ruff and the migrations check"

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
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py ensure_admin
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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

worker: install
	$(BIN)/celery -A cafex_portal worker --loglevel=INFO --concurrency=2

beat: install
	$(BIN)/celery -A cafex_portal beat --loglevel=INFO

clean:
	rm -rf $(VENV) var .pytest_cache

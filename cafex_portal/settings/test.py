"""Test settings: the database comes from DATABASE_URL (SQLite when unset), passwords hash fast."""

import os

from .base import *  # noqa: F403
from .base import CACHES, REST_FRAMEWORK, env

SECRET_KEY = "test-only-key"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Static files come straight from the app folders; collectstatic is for production only.
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=None)
WHITENOISE_USE_FINDERS = True

# Tasks run in-process unless a test starts a real worker; REDIS_URL still reaches the rate limiter and the cache.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

# Each test session keeps its cache keys (throttle counts) to itself on a shared Redis; worker processes started
# by a test inherit the prefix through the environment.
CACHES["default"]["KEY_PREFIX"] = env("CAFEX_CACHE_PREFIX", default=f"test-{os.getpid()}")

# The suite makes many API calls from one address and user; throttling stays on with rates it never reaches, and
# tests of the throttle lower them.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"}}

# Test transactions are rolled back, never committed, so the version of the data cached pages are kept under
# (CitationListChange, AnnotationListChange) never changes inside a test: cached pages would outlive the test's own
# changes. The caches' tests turn them on with committed data.
CITATION_PAGE_CACHE_SECONDS = 0
ANNOTATION_PAGE_CACHE_SECONDS = 0

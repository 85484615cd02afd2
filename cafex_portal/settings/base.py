"""Settings shared by every environment. Every value comes from the environment (django-environ)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "cafex_portal.admin_apps.PortalAdminConfig",  # django.contrib.admin, branded, open to editors
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
    "articles",
    "curation",
    "evidence",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that can answer, so that an allowed origin's API errors carry CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every page, the early 400 and 503 answers included, carries the Content-Security-Policy header.
    "csp.middleware.CSPMiddleware",
    # A NUL in a query string or form is a 400 before any view runs; an unreachable database is a 503, not a 500.
    "cafex_portal.middleware.RefuseNulMiddleware",
    "cafex_portal.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cafex_portal.middleware.PrivateReadMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused for too many failures into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cafex_portal.urls"
WSGI_APPLICATION = "cafex_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE_URL picks the database; unset, an embedded SQLite file keeps the one-command demo self-contained.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cafex.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and in-process sync write without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it pays off for long analytical scans, not for the portal's short queries, and a query
    # whose estimate crosses jit_above_cost (the curation queue's counts, with their EXISTS per citation) spent
    # 4.7 s compiling for 25 ms of work. `?options=` in DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# --- Failed logins (django-axes), on the portal's login page and the admin's: after AXES_FAILURE_LIMIT wrong
# passwords for one username from one address, that pair is refused for AXES_COOLOFF_TIME hours.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_TIME", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# Axes answers a locked-out XMLHttpRequest with JSON; it names no origin that may read it (CORS is off by default).
AXES_ALLOWED_CORS_ORIGINS = ""
# Behind reverse proxies every client would share the proxy's address: axes and DRF read it the same way.
AXES_CLIENT_IP_CALLABLE = "cafex_portal.client_ip.client_ip"

# --- Content-Security-Policy (django-csp): the portal's own files only; no inline script, style or handler anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Redis and Celery: with no REDIS_URL, tasks run in-process so the portal works on a laptop.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=55 * 60)
# With Redis down, .delay() must fail within about two seconds (the run is then failed with the reason), not hang.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 300,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
# Where beat remembers when each scheduled task last ran (relative to the working directory).
CELERY_BEAT_SCHEDULE_FILENAME = env("CELERY_BEAT_SCHEDULE_FILENAME", default="celerybeat-schedule")

if REDIS_URL:
    # An unreachable Redis is a cache miss, not a 500 (cafex_portal.cache); short timeouts bound what it costs.
    CACHES = {
        "default": {
            "BACKEND": "cafex_portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Seconds a page of a review's public citation list stays in the cache (PostgreSQL only); a change to articles,
# citations or reviews makes every cached page unreachable at once (articles.citation_json), and the seconds bound
# how long unreachable pages take room in Redis. 0 turns it off.
CITATION_PAGE_CACHE_SECONDS = env.int("CITATION_PAGE_CACHE_SECONDS", default=600)
# The same for the pages of the annotation list that visitors read: a change to what they may see of the
# annotations, or to articles, citations or reviews, makes them unreachable at once (curation.annotation_json).
ANNOTATION_PAGE_CACHE_SECONDS = env.int("ANNOTATION_PAGE_CACHE_SECONDS", default=600)

# --- NCBI E-utilities
NCBI_EUTILS_BASE_URL = env("NCBI_EUTILS_BASE_URL", default="https://eutils.ncbi.nlm.nih.gov/entrez/eutils/")
NCBI_EMAIL = env("NCBI_EMAIL", default="")
NCBI_TOOL = env("NCBI_TOOL", default="cafex-portal")
NCBI_API_KEY = env("NCBI_API_KEY", default="")
NCBI_MAX_RPS = env.int("NCBI_MAX_RPS", default=10 if NCBI_API_KEY else 3)
# Without Redis, the processes of one host share the NCBI limit through a locked file in this directory.
NCBI_RATE_LIMIT_DIR = env("NCBI_RATE_LIMIT_DIR", default=str(VAR_DIR))
NCBI_TIMEOUT = env.float("NCBI_TIMEOUT", default=30.0)
NCBI_MAX_ATTEMPTS = env.int("NCBI_MAX_ATTEMPTS", default=6)
NCBI_BACKOFF_BASE = env.float("NCBI_BACKOFF_BASE", default=0.5)
NCBI_BACKOFF_MAX = env.float("NCBI_BACKOFF_MAX", default=30.0)
NCBI_SIMILAR_LIMIT = env.int("NCBI_SIMILAR_LIMIT", default=20)
NCBI_BATCH_SIZE = env.int("NCBI_BATCH_SIZE", default=200)
SYNC_SCHEDULE_HOURS = env.float("SYNC_SCHEDULE_HOURS", default=24)
# A running sync beats every few seconds; one silent for this long is dead and the next request replaces it.
SYNC_STALE_SECONDS = env.int("SYNC_STALE_SECONDS", default=120)
# A queued sync no worker took up in this long lost its message; replacing it costs at most one idle message.
SYNC_QUEUED_STALE_SECONDS = env.int("SYNC_QUEUED_STALE_SECONDS", default=30 * 60)

CELERY_BEAT_SCHEDULE = {
    "refresh-every-review": {
        "task": "articles.tasks.queue_scheduled_syncs",
        "schedule": SYNC_SCHEDULE_HOURS * 3600,
    },
    "close-stale-sync-runs": {
        "task": "articles.tasks.close_stale_sync_runs",
        "schedule": SYNC_STALE_SECONDS,
    },
    "fold-annotation-list-changes": {
        "task": "curation.tasks.fold_annotation_list_changes",
        "schedule": 600,
    },
}

# --- API
# An anonymous client is its REMOTE_ADDR; behind N reverse proxies that append to X-Forwarded-For, set
# API_NUM_PROXIES=N (cafex_portal.client_ip), for the API throttle and the login lockout alike.
NUM_PROXIES = env.int("API_NUM_PROXIES", default=0)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    # DRF's renderers; the JSON one also takes JSON text the database made (cafex_portal.renderers.RawJSON).
    "DEFAULT_RENDERER_CLASSES": [
        "cafex_portal.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # DRF's JSON parser, refusing deep nesting and NUL characters with a 400 (see cafex_portal.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "cafex_portal.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "cafex_portal.permissions.ReadOpenWriteAuthenticated",
    ],
    "DEFAULT_PAGINATION_CLASS": "cafex_portal.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cafex_portal.exceptions.api_exception_handler",
    # Per anonymous address and per signed-in user; the counts live in the default cache (Redis with REDIS_URL),
    # shared by every process. A 429 says when to retry (Retry-After).
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "cafex_portal.throttling.SignedInRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/min"),
        "user": env("API_THROTTLE_USER", default="600/min"),
    },
    # Left unset, DRF would believe whatever X-Forwarded-For a client sends (see NUM_PROXIES).
    "NUM_PROXIES": NUM_PROXIES,
}
# A private deployment can close reads to anonymous visitors.
CAFEX_PUBLIC_READ = env.bool("CAFEX_PUBLIC_READ", default=True)

# --- CORS (django-cors-headers): off unless origins are listed (comma-separated, with scheme), and for the API only.
# No cookies cross origins: other sites' pages call the API with a token.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False

SPECTACULAR_SETTINGS = {
    "TITLE": "CAFex Portal API",
    "DESCRIPTION": "Reviews, their citation networks and curated CAF-exosome mechanisms.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files: the docs page works offline and needs no third-party CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cafex_portal.schema.error_responses",
    ],
}

# DJANGO_LOG_FORMAT=json writes one JSON object a line (timestamp, level, logger, message and any extra fields) for
# a log collector; the default is plain text.
LOG_FORMAT = env("DJANGO_LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise environ.ImproperlyConfigured(f"DJANGO_LOG_FORMAT is 'text' or 'json', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", **({"formatter": "json"} if LOG_FORMAT == "json" else {})}
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
# Celery workers log through the handler above when it writes JSON, instead of replacing it with their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

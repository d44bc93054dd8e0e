"""Settings for Remissportalen, read from environment variables (documented in .env.example).

Safe by default: with no variables set the portal is in production mode and refuses to start
until SECRET_KEY, ALLOWED_HOSTS and EMAIL_HOST are set; the security settings that
`manage.py check --deploy` asks for are on. DEBUG=1 (set by `make run` and for the tests) is
development mode: an SQLite file in the project folder and a secret key made for this checkout.
"""

from pathlib import Path

from django.utils.csp import CSP

from remiss.environment import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_path,
    env_secret_key,
    env_str,
    env_time,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret_key(
    "SECRET_KEY", debug=DEBUG, development_key_file=BASE_DIR / ".secret-key"
)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else None, required=not DEBUG
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "django_tasks_db",
    "programs",
    "remiss",
    "remiss.api",
    "remiss.archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "remiss.middleware.ChosenLanguage",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "remiss.login.Authentication",
    "remiss.middleware.SessionRenewedNowAndThen",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "remiss.middleware.SwedishErrorPagesInDevelopment",
    "remiss.middleware.UnstorableInputIsABadRequest",
    "remiss.middleware.TooLargeRequestRefused",
    "remiss.middleware.LoggedInPagesAreNotStored",
]

# Django's ModelBackend, with the logged-in person read by SQL built once (remiss/login.py).
AUTHENTICATION_BACKENDS = ["remiss.login.PersonBackend"]

ROOT_URLCONF = "remiss.urls"
WSGI_APPLICATION = "remiss.wsgi.application"

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
                "remiss.views.notices.header_counts",
            ],
        },
    },
]

# The municipality the portal serves (remiss/municipality.py): Stockholm's values by default.
MUNICIPALITY_NAME = env_str("MUNICIPALITY_NAME", "Stockholms stad")
MUNICIPALITY_LOGO_TEXT = env_str("MUNICIPALITY_LOGO_TEXT", MUNICIPALITY_NAME)
MUNICIPALITY_ADDRESS = env_str("MUNICIPALITY_ADDRESS", "Stadshuset, 105 35 Stockholm")
MUNICIPALITY_REGISTRY_PREFIX = env_str("MUNICIPALITY_REGISTRY_PREFIX", "KS")

DATABASES = {"default": env_database("DATABASE_URL", default_sqlite=BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

# Swedish unless the person chose English with the switch in the footer (the cookie that
# Django's set_language view sets); never from the browser's Accept-Language: see
# remiss.middleware.ChosenLanguage. Documents and e-mail stay Swedish (their templates are not
# marked for translation).
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env_path("MEDIA_ROOT", BASE_DIR / "media")

# Background work (rendering the frozen PDFs): "immediate" runs it at once, in the request;
# "database" queues it in the database for `python manage.py worker` (django-tasks-db).
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate")
if TASKS_BACKEND not in {"immediate", "database"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"TASKS_BACKEND: ogiltigt värde {TASKS_BACKEND!r}; ange immediate eller database."
    )
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}

# Automatic reminders (manage.py send_reminders, run daily): this many days before a deadline.
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", 3, minimum=1)

# Uploads: the limit users see on the attachment form; larger bodies are refused by Django.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A file stops being kept the moment it passes ATTACHMENT_MAX_BYTES; a larger body is refused
# before it is read (remiss.middleware.TooLargeRequestRefused).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "remiss.uploads.SizeLimitedUploadHandler",
]

# E-mail through Django 6.1's MAILERS: SMTP when EMAIL_HOST is set (required in production, where
# the workflow's notices must reach people), else the console.
EMAIL_HOST = env_str("EMAIL_HOST", required=not DEBUG)
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 587, minimum=1),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": env_int("EMAIL_TIMEOUT", 30, minimum=1),
            },
        }
    }
    if MAILERS["default"]["OPTIONS"]["use_tls"] and MAILERS["default"]["OPTIONS"]["use_ssl"]:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("EMAIL_USE_TLS och EMAIL_USE_SSL: sätt högst en av dem till 1.")
else:
    env_int("EMAIL_PORT", 25, minimum=1)  # still checked, so a typo is caught before it matters
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Remissportalen <remiss@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. In production the cookies are secure and HTTPS is enforced; behind a TLS-terminating
# proxy set SECURE_PROXY_SSL_HEADER=1 so Django trusts X-Forwarded-Proto.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: only the portal's own scripts, styles, fonts and images; no inline
# script or style anywhere (the pages and the admin need none), no framing, no plugins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Sessions end after SESSION_IDLE_MINUTES without a request. A request renews the session at most
# every few minutes (remiss.middleware.SessionRenewedNowAndThen), not on every request: the
# session ends between SESSION_IDLE_MINUTES minus that interval and SESSION_IDLE_MINUTES after
# the last request. A form posted after that is kept through the new login (kept_forms.py).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 60, minimum=5) * 60
SESSION_SAVE_EVERY_REQUEST = False

# Login throttling: after LOGIN_MAX_FAILURES failed attempts for one user name within
# LOGIN_FAILURE_WINDOW_MINUTES, further attempts for it are refused until it passes (remiss.login).
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15, minimum=1)

# Justering: how the chair and the justerare confirm who they are when they sign (docs/signing.md).
# The dotted path of a signing backend; the portal ships remiss.signing.PasswordBackend.
JUSTIFICATION_BACKEND = env_str("JUSTIFICATION_BACKEND", "remiss.signing.PasswordBackend")
# Where a justified protokoll is kept (förvaringsplats), as the anslag says (KL 8 kap. 12 §).
# {administration} is the council's förvaltning (or the council's name, if it has none).
MINUTES_KEPT_AT = env_str("MINUTES_KEPT_AT", "{administration}, registraturen")

# The APIs (issue 18): requests a minute per address (OParl) or per token (integration API);
# the OParl API presents MUNICIPALITY_NAME (above) as its Body.
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120, minimum=1)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", DEBUG)  # else webhooks must use https

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools log every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Production on several machines (docs/deployment.md) -------------------------------------
# App servers keep nothing of their own: static files are built into the release (collectstatic)
# and served by WhiteNoise with hashed names; uploaded and archived files live in object storage
# when S3_BUCKET is set; sessions and the cache live in Redis when REDIS_URL is set. Without these
# variables (`make run`) everything stays on this machine: files under MEDIA_ROOT, a local cache.

# Static files in production: WhiteNoise right after SecurityMiddleware, from STATIC_ROOT (filled
# by `collectstatic`). With hashed names (the default in production) every file is cached for a
# year as immutable. In development runserver serves them from static/ as before.
if not DEBUG:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
STATIC_HASHED_NAMES = env_bool("STATIC_HASHED_NAMES", not DEBUG)
# The fonts are read by WeasyPrint from static/, not sent to browsers: compressing them (brotli at
# its best takes most of collectstatic's time) would serve no one.
from whitenoise.compress import Compressor  # noqa: E402

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf")

# Files (bilagor, archived PDFs): S3-compatible object storage when S3_BUCKET is set.
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    S3_ADDRESSING_STYLE = env_str("S3_ADDRESSING_STYLE", "path")
    if S3_ADDRESSING_STYLE not in {"path", "virtual"}:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"S3_ADDRESSING_STYLE: ogiltigt värde {S3_ADDRESSING_STYLE!r}; ange path eller virtual."
        )
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("S3_PREFIX").strip("/"),
            "addressing_style": S3_ADDRESSING_STYLE,
            # Private objects; every download goes through a view that checks the person.
            "default_acl": None,
            "querystring_auth": True,
            # A stored name is never overwritten: an archived file stays the one archived.
            "file_overwrite": False,
            # Files up to this size are read in memory; larger ones spool to a temporary file.
            "max_memory_size": 32 * 1024 * 1024,
        },
    }
else:
    # MEDIA_ROOT, read when the storage is first used (so tests can point it elsewhere).
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_HASHED_NAMES
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
del _default_storage

# Cache and sessions: Redis (Django's own backend) when REDIS_URL (or CACHE_URL) is set, shared
# by every app server; else this process's memory. Sessions are written through the cache to the
# database (cached_db), so a restarted Redis logs nobody out.
REDIS_URL = env_str("REDIS_URL") or env_str("CACHE_URL")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"REDIS_URL: ogiltig adress {REDIS_URL!r}; ange till exempel redis://127.0.0.1:6379/0."
        )
    CACHES = {
        "default": {
            # Django's RedisCache, one client per pool, not per call (remiss/redis_cache.py).
            "BACKEND": "remiss.redis_cache.SharedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "remiss"),
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# The worker (manage.py worker): each one writes a heartbeat every WORKER_HEARTBEAT_SECONDS; a task
# claimed by a worker silent for WORKER_STALE_SECONDS is handed back to the queue. Daily jobs
# (the reminders) run at SCHEDULE_DAILY_AT, local time, once a day whatever the number of workers.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10, minimum=1)
WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 120, minimum=2)
SCHEDULE_DAILY_AT = env_time("SCHEDULE_DAILY_AT", "06:00")

# Operations: JSON-lines logs (one object a line, with the request id) in production, plain text
# in development; Prometheus metrics at /drift/metrics/ for a bearer token or listed addresses
# only (404 for anyone else, and for everyone when neither is set).
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"LOG_FORMAT: ogiltigt värde {LOG_FORMAT!r}; ange json eller text.")
MIDDLEWARE.insert(0, "remiss.operations.RequestLogMiddleware")
LOGGING["filters"] = {"request": {"()": "remiss.operations.RequestContextFilter"}}
LOGGING["formatters"] = {
    "json": {"()": "remiss.operations.JsonLinesFormatter"},
    "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
}
LOGGING["handlers"]["console"].update(formatter=LOG_FORMAT, filters=["request"])
# One line per request from RequestLogMiddleware replaces the runserver/django.request lines.
LOGGING["loggers"]["remiss.requests"] = {"level": "INFO"}
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS")

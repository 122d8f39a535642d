"""Settings for Commitment Tracker, read from the environment.

Every deployment-specific value comes from an environment variable; the defaults are safe for a
developer's machine (SQLite in the project folder, debug off unless asked for).
"""

import datetime
import importlib.util
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 0/1/true/false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Sessions, password-reset links and CSRF tokens are signed with this key: only a developer's
# machine (DJANGO_DEBUG=1, as `make run` sets) may fall back to a key everyone can read.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off: refusing to start with a "
            "key anyone can read. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "django-insecure-dev-only-key-for-make-run"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

HTTPS = env_bool("DJANGO_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
# A load balancer or monitor may ask an app server directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# One fixed policy, the same for every visitor, so that stored pages (commitments/page_cache.py)
# stay valid: no nonces. Scripts and styles come only from our static files, never inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

INSTALLED_APPS = [
    # Django's admin, for the office only (commitments/admin_site.py).
    "commitments.admin_site.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "axes",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "commitments",
]

MIDDLEWARE = [
    # Before anything that answers: CORS on every answer of the API and the feeds, 304s for
    # clients that hold the page already, per-client limits on the API and the exports. All
    # three are a few comparisons unless they answer (commitments/cors.py, conditional.py,
    # throttling.py).
    "commitments.cors.OpenDataCorsMiddleware",
    "commitments.conditional.ConditionalGetMiddleware",
    "commitments.throttling.ClientThrottleMiddleware",
    # Then the page cache, so that a stored page skips all the rest (commitments/page_cache.py).
    "commitments.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below the page cache, so that stored pages are kept compressed and tagged: compression of
    # what anonymous visitors share (never signed-in pages: BREACH), then ETag and Cache-Control.
    "commitments.compression.SharedResponseGZipMiddleware",
    "commitments.conditional.CachingHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "commitments.idle_sessions.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A transaction the database aborted (deadlock, serialisation failure): run once more, then 503.
    "commitments.transaction_retry.RetryAbortedTransactionMiddleware",
    # Last, as django-axes asks: it turns a sign-in refused for a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # Off by default: the check costs a `SELECT 1` per request. Without it, a connection that
        # broke between requests (a database restart) fails one request, and is then replaced.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", False),
    )
}
# On PostgreSQL, the statements of the pages that look a row up by id, and of the lists that have
# one best plan, sent with their values apart and prepared, so that their plans are kept
# (commitments/plans.py). 0: behind a transaction-pooling proxy that
# cannot keep prepared statements (pgbouncer before 1.21).
DATABASE_REUSE_PLANS = env_bool("DATABASE_REUSE_PLANS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    # A request's statements are short. Starting parallel workers for one costs more than it
    # saves (the workspace's counts took 12 ms with them, 5 ms without), and on a busy server
    # they only take cores from the other requests. 0: none; more for a reporting replica.
    _parallel = env_int("DATABASE_PARALLEL_WORKERS", 0)
    _settings = f"-c max_parallel_workers_per_gather={_parallel}"
    # Nor Memoize: a list's page joins 20 commitments to their replies and bureaus, but the
    # node's cache is sized for every row the join could reach, and setting it up took 1 ms of
    # the list's 1.6 (lists 25-35% faster without it; nothing measured slower).
    _settings += " -c enable_memoize=off"
    if DATABASE_REUSE_PLANS:
        # Only statements whose one plan suits every value are prepared, and only they are sent
        # with their values apart, which this setting needs (commitments/plans.py). Left to
        # choose, PostgreSQL planned the status list afresh on every run (1.5 ms, running it
        # 0.3), its generic plan's estimate being a little above the value-specific one's.
        _settings += " -c plan_cache_mode=force_generic_plan"
    _options["options"] = f"{_options.get('options', '')} {_settings}".strip()
# Each worker's own memory: the counts and page parts it keeps (commitments/kept.py), a few
# thousand small entries (a count per list filter, a part per organisation and language).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_int("TRACKER_SUMMARY_CACHE_ENTRIES", 5000)},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "commitments.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "commitments:overview"

# Sign-in lockout (django-axes): failures are counted in the database, so the count holds across
# workers and servers. Counted per username whatever the address: an attacker with many addresses
# gets no more tries, and a bureau office whose staff share one NAT address is not locked out
# together. A lockout ends TRACKER_LOCKOUT_MINUTES after the failure that set it (tries while
# locked out do not extend it), or when the office unlocks it (`manage.py unlock_user`, admin).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("TRACKER_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("TRACKER_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HTTP_RESPONSE_CODE = 403
# axes.W006 asks to lock addresses too: that would lock a whole bureau out behind its one NAT
# address. The username lock is what protects an account, however many addresses try it.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# A signed-in session ends after this long without a request (commitments/idle_sessions.py).
SESSION_COOKIE_AGE = env_int("TRACKER_SESSION_IDLE_HOURS", 8) * 3600

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "DJANGO_STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
# Serve static files straight from the app folders when collectstatic has not run (make run).
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
# Files browsers ask for at the root of the site (/favicon.ico), served as static files are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Evidence files on S3-compatible object storage (MinIO, Ceph, a cloud's) rather than in
# MEDIA_ROOT, for app servers without a shared disk. Needs `pip install "django-storages[s3]"`,
# which requirements.txt leaves out; the credentials it reads itself (AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY). Files stay private: the application serves each one after checking
# who may see it, never by a public bucket address.
TRACKER_MEDIA_STORAGE = os.environ.get("TRACKER_MEDIA_STORAGE", "filesystem")
if TRACKER_MEDIA_STORAGE == "s3":
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            'TRACKER_MEDIA_STORAGE=s3 needs django-storages: pip install "django-storages[s3]"'
        )
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("TRACKER_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
elif TRACKER_MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured(
        f"TRACKER_MEDIA_STORAGE must be filesystem or s3, not {TRACKER_MEDIA_STORAGE!r}"
    )

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "tracker@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
# Seconds before a silent SMTP server is given up on; the task worker then tries again later.
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 10)

# Every email goes out from a task (commitments/tasks.py). "database" queues it in the database
# for `manage.py db_worker`; "immediate" sends it at once, in the request (`make run`, tests).
task_backends = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TRACKER_TASKS_BACKEND = os.environ.get("TRACKER_TASKS_BACKEND", "database")
if TRACKER_TASKS_BACKEND not in task_backends:
    raise ImproperlyConfigured(
        f"TRACKER_TASKS_BACKEND must be one of {', '.join(task_backends)}, "
        f"not {TRACKER_TASKS_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": task_backends[TRACKER_TASKS_BACKEND]}}

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Commitment Tracker open data API",
    "DESCRIPTION": "Published proposals, replies, commitments and progress updates.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# The product's own settings.
# Reverting to an old version in the admin would bypass the rules of every write.
SIMPLE_HISTORY_REVERT_DISABLED = True

TRACKER_STALE_DAYS = env_int("TRACKER_STALE_DAYS", 90)
TRACKER_DUE_SOON_DAYS = env_int("TRACKER_DUE_SOON_DAYS", 30)
# A text search counts its matches up to this many and then says "more than": counting every
# match of a common word grows with the data (80,000 rows for 推进 at 300,000 commitments).
TRACKER_SEARCH_COUNT_LIMIT = env_int("TRACKER_SEARCH_COUNT_LIMIT", 1000)
TRACKER_MAX_UPLOAD_BYTES = env_int("TRACKER_MAX_UPLOAD_MB", 10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = TRACKER_MAX_UPLOAD_BYTES + 1024 * 1024
# A batch of reply letters (many files, or one .zip): at most this many letters and megabytes.
TRACKER_BATCH_MAX_LETTERS = env_int("TRACKER_BATCH_MAX_LETTERS", 200)
TRACKER_BATCH_MAX_BYTES = env_int("TRACKER_BATCH_MAX_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = TRACKER_BATCH_MAX_LETTERS + 1
# Days a bureau gets to reply again after a member rates the outcome 不满意.
TRACKER_REHANDLING_DAYS = env_int("TRACKER_REHANDLING_DAYS", 30)
# The page cache (commitments/page_cache.py): per worker process, in memory.
TRACKER_PAGE_CACHE = env_bool("TRACKER_PAGE_CACHE", True)
TRACKER_PAGE_CACHE_BYTES = env_int("TRACKER_PAGE_CACHE_MB", 64) * 1024 * 1024
# Pages show times relative to now ("3 hours ago") and the stale flag moves with the clock.
TRACKER_PAGE_CACHE_SECONDS = env_int("TRACKER_PAGE_CACHE_SECONDS", 60)
# On PostgreSQL, learn of changes through LISTEN/NOTIFY (one more connection per worker) rather
# than a query per request.
TRACKER_PAGE_CACHE_LISTEN = env_bool("TRACKER_PAGE_CACHE_LISTEN", True)
# Seconds a worker keeps the counts and summaries it made for the current data version
# (commitments/kept.py): overdue and stale move with the clock. 0: made for each request.
TRACKER_SUMMARY_CACHE_SECONDS = env_int("TRACKER_SUMMARY_CACHE_SECONDS", 60)
# Seconds a browser may show a public page, API answer or feed again without asking whether it
# changed (0: it asks each time, with the page's ETag, and a publication shows at once), and
# seconds a shared proxy may (conditional.py). Signed-in pages are never kept.
TRACKER_BROWSER_CACHE_SECONDS = env_int("TRACKER_BROWSER_CACHE_SECONDS", 0)
TRACKER_PROXY_CACHE_SECONDS = env_int("TRACKER_PROXY_CACHE_SECONDS", 60)
# Requests per minute one client address may make to the API, and downloads of exports (CSV,
# Excel); 0: no limit (commitments/throttling.py).
TRACKER_THROTTLE_API_PER_MINUTE = env_int("TRACKER_THROTTLE_API_PER_MINUTE", 120)
TRACKER_THROTTLE_EXPORTS_PER_MINUTE = env_int("TRACKER_THROTTLE_EXPORTS_PER_MINUTE", 10)
# Reverse proxies in front of the application (nginx alone: 1): the client's address is then
# read from X-Forwarded-For, as the outermost of them saw it. 0: the address of the connection.
TRACKER_TRUSTED_PROXIES = env_int("TRACKER_TRUSTED_PROXIES", 0)
# The address in links of emails sent outside a request (reminders, follow notices).
TRACKER_SITE_URL = os.environ.get("TRACKER_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# /healthz fails when a task (mail) has waited longer than this for the worker; 0: never.
TRACKER_HEALTH_QUEUE_LAG_SECONDS = env_int("TRACKER_HEALTH_QUEUE_LAG_SECONDS", 900)
# Let nginx send evidence files (X-Accel-Redirect to its internal /internal-media/ location,
# deploy/nginx/tracker.conf) once the view has checked who may see them.
TRACKER_EVIDENCE_ACCEL_REDIRECT = env_bool("TRACKER_EVIDENCE_ACCEL_REDIRECT", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

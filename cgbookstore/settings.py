"""CGBookStore settings: one module, configured by environment variables (12-factor).

Without any variable set this is the embedded default: SQLite, local-memory cache,
Celery tasks run eagerly. `DATABASE_URL` and `REDIS_URL` switch on the full stack.
Every variable is documented in the README's configuration table and `.env.example`.
"""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
# The embedded default may use a development key; anything else must set SECRET_KEY.
EMBEDDED = env.bool("CGB_EMBEDDED", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-insecure-key" if (DEBUG or EMBEDDED) else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- HTTPS (production sets HTTPS=true; `make run` and the tests speak plain HTTP) ----------
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=HTTPS)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if (DEBUG or EMBEDDED) else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "django_htmx",
    "csp",
    "django_celery_beat",
    "django_celery_results",
    "django_prometheus",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
LOCAL_APPS = [
    "core",
    "catalog",
    "accounts",
    "debates",
    "moderation",  # above accounts and debates: reports, hide/restore, pin/lock, suspensions
    "recommendations",
    "api",
    "notifications",
    "library",
    "social",
    "demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # Each layer costs every request (bench/middleware.py measures them): the metrics are one
    # middleware, the error pages one, the locale one that skips negotiating a single language.
    "core.metrics.RequestMetricsMiddleware",
    "core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.replica.ReadYourWritesMiddleware",
    "core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.ErrorResponseMiddleware",
]

ROOT_URLCONF = "cgbookstore.urls"
WSGI_APPLICATION = "cgbookstore.wsgi.application"

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
                "notifications.context_processors.unread_count",
                "core.context_processors.shared_page",
            ],
            # {% url %}, {% translate %} and {% static %} remembered per process
            # (core/templatetags/remembered_*.py)
            "builtins": ["core.templatetags.remembered_urls"],
            "libraries": {"i18n": "core.templatetags.remembered_i18n", "static": "core.templatetags.remembered_static"},
        },
    },
]
# Django warns of a tag library name given to two modules: replacing `i18n` and `static` is the
# point of the line above, and core/tests/test_remembered_tags.py fails on any other such name.
SILENCED_SYSTEM_CHECKS = ["templates.W003"]

# --- Database ---------------------------------------------------------------------------


def _postgres(url: str, connect_timeout: int) -> dict:
    """Persistent connections, checked before reuse; a bounded connect and a bounded
    statement so that no request hangs on a dead server or a runaway query."""
    database = dj_database_url.parse(url)
    if database["ENGINE"] != "django.db.backends.postgresql":
        return database
    database["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=600)
    database["CONN_HEALTH_CHECKS"] = True
    database.setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": connect_timeout,
            # Typo-tolerant search (catalog/search.py): "tolkein" is 0.5 word-similar to
            # "J.R.R. Tolkien", under pg_trgm's default threshold of 0.6.
            "options": f"-c statement_timeout={env.int('DB_STATEMENT_TIMEOUT_MS', default=30000)}"
            " -c pg_trgm.word_similarity_threshold=0.45",
        }
    )
    # The same backend, counting queries and their latency for /metrics, checked without a
    # round trip before reuse (core/postgresql/base.py).
    database["ENGINE"] = "core.postgresql"
    return database


DATABASES = {
    "default": _postgres(
        env("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), env.int("DB_CONNECT_TIMEOUT", default=10)
    )
}
# A streaming replica for the reads of pages and API lists (core/replica.py, docs/operations.md).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _postgres(DATABASE_REPLICA_URL, env.int("DB_REPLICA_CONNECT_TIMEOUT", default=2))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.replica.PrimaryReplicaRouter"]
    _before = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
    MIDDLEWARE.insert(_before, "core.replica.ReplicaRoutingMiddleware")
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=10.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=2.0)
READ_YOUR_WRITES_SECONDS = env.int("READ_YOUR_WRITES_SECONDS", default=15)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CACHE_TIMEOUT = env.int("REDIS_CACHE_TIMEOUT", default=300)
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", default="cgbookstore")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis, counting hits and misses for /metrics.
            "BACKEND": "core.metrics.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": CACHE_TIMEOUT,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 5,
                "SOCKET_TIMEOUT": 5,
                "CONNECTION_POOL_KWARGS": {"max_connections": 50, "retry_on_timeout": True},
                # A Redis outage degrades to the database instead of a 5xx.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "core.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "cgbookstore",
            "TIMEOUT": CACHE_TIMEOUT,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
# Readers of the hot pages share rendered HTML for this long (0 turns it off). A reader who
# wrote is served pages of their own for longer, so no shared page older than their write
# reaches them afterwards (core/microcache.py).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=10)
if PAGE_CACHE_SECONDS >= READ_YOUR_WRITES_SECONDS:
    raise ImproperlyConfigured("PAGE_CACHE_SECONDS must be shorter than READ_YOUR_WRITES_SECONDS")
# Pages stored until their data changes (a topic's, a profile's) live at most this long: it bounds
# what no cache version covers there, such as a topic's view count.
VERSIONED_PAGE_SECONDS = env.int("VERSIONED_PAGE_SECONDS", default=300)
# A book's page shows nothing of the kind (no view count, no "há …"; its book, reviews and
# debates bump their namespaces), so the long tail of the catalog stays stored this long; only
# what its panels show of other books (a renamed similar book) may lag as much.
BOOK_PAGE_SECONDS = env.int("BOOK_PAGE_SECONDS", default=60 * 60)
# Sessions live in the database and are cached: flushing or losing Redis loses none.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


# --- Celery -------------------------------------------------------------------------------
def _redis_db(url: str, db: int) -> str:
    """The same Redis server as `url`, another logical database (cache, broker apart)."""
    return urlsplit(url)._replace(path=f"/{db}").geturl()


CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=_redis_db(REDIS_URL, 1) if REDIS_URL else "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="django-db")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_TRACK_STARTED = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "America/Sao_Paulo"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# Keep the LOGGING below (JSON, request ids) in the worker instead of Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Synced into django-celery-beat's tables when beat starts; edit the times in the admin.
CELERY_BEAT_SCHEDULE = {
    "flush-topic-views": {"task": "debates.tasks.debates_views_flush", "schedule": 60.0},
    "reconcile-debate-counters": {
        "task": "debates.tasks.debates_counters_reconcile",
        "schedule": crontab(minute=30, hour=3),
    },
    "prune-debate-reads": {"task": "debates.tasks.debates_reads_prune", "schedule": crontab(minute=50, hour=3)},
    "reconcile-book-ratings": {"task": "accounts.tasks.book_ratings_reconcile", "schedule": crontab(minute=0, hour=4)},
    "remind-reading-deadlines": {
        "task": "notifications.tasks.notifications_deadline_reminders",
        "schedule": crontab(minute=15),
    },
    "prune-read-notifications": {
        "task": "notifications.tasks.notifications_prune",
        "schedule": crontab(minute=45, hour=4),
    },
    "recommendations-train": {"task": "recommendations.train", "schedule": crontab(minute=0, hour=5)},
    "warm-hot-pages": {"task": "core.warm_hot_pages", "schedule": 240.0},
    "fetch-missing-covers": {"task": "catalog.tasks.covers_fetch_missing", "schedule": 600.0},
    "reconcile-follow-counters": {
        "task": "social.tasks.social_counts_reconcile",
        "schedule": crontab(minute=40, hour=3),
    },
    "purge-expired-results": {"task": "celery.backend_cleanup", "schedule": 3600.0},
    "drain-task-outbox": {"task": "core.outbox_drain", "schedule": 60.0},
    "prune-task-outbox": {"task": "core.outbox_prune", "schedule": crontab(minute=20, hour=4)},
    "requeue-stalled-imports": {"task": "library.tasks.import_jobs_requeue", "schedule": 300.0},
}
# Named queues, each with its own workers (Procfile, deploy/systemd, docs/operations.md):
# what beat sends is upkeep on `maintenance`; training has `recommendations` to itself;
# library imports wait behind each other on `imports`; feed fan-out has `feeds`, so a reader
# with many followers never delays other work; the rest (readers' work) on `default`.
CELERY_TASK_ROUTES = {
    **{entry["task"]: {"queue": "maintenance"} for entry in CELERY_BEAT_SCHEDULE.values()},
    "recommendations.train": {"queue": "recommendations"},
    "library.tasks.*": {"queue": "imports"},
    "social.tasks.*": {"queue": "feeds"},
}
# Tasks enqueued by a write wait in the outbox (core/jobs.py) until the broker takes them:
# the drain leaves the newest OUTBOX_GRACE_SECONDS to their request; sent rows are kept a day.
OUTBOX_GRACE_SECONDS = env.int("OUTBOX_GRACE_SECONDS", default=30)
OUTBOX_KEEP_HOURS = env.int("OUTBOX_KEEP_HOURS", default=24)

# --- Social (follows and the home feed, docs/social.md) ------------------------------------
# Activity ids kept in each reader's Redis feed (older pages are read from the database).
SOCIAL_FEED_LENGTH = env.int("SOCIAL_FEED_LENGTH", default=500)
# Days a reader's feed stays in Redis unread; it is rebuilt from the database afterwards.
SOCIAL_FEED_TTL_DAYS = env.int("SOCIAL_FEED_TTL_DAYS", default=14)
# Readers with this many followers are not fanned out: their activities are merged at read time.
SOCIAL_FANOUT_MAX_FOLLOWERS = env.int("SOCIAL_FANOUT_MAX_FOLLOWERS", default=20000)
# Followers per fan-out task.
SOCIAL_FANOUT_CHUNK = env.int("SOCIAL_FANOUT_CHUNK", default=1000)

# --- Auth (django-allauth) ------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "accounts.backends.CachedModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # Named by sessions signed in before the cached backend; they stay signed in.
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "core:home"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="none")
ACCOUNT_LOGOUT_ON_GET = False
# Adding, removing or making an e-mail primary asks for the password again unless the
# reader logged in within ACCOUNT_REAUTHENTICATION_TIMEOUT seconds (300); security notices
# (e-mail changed or added, password changed) go to the account's address.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Brute-force protection on login and sign-up (allauth counts in the shared cache).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("RATELIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": env("RATELIMIT_SIGNUP", default="20/h/ip"),
}
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CGBookStore <nao-responda@cgbookstore.local>")

# --- Rate limits ---------------------------------------------------------------------------
# name → "count/period" (s, m, h, d). Counters live in the shared cache (Redis).
RATELIMITS = {
    "post_create": env("RATELIMIT_POST_CREATE", default="60/h"),
    "topic_create": env("RATELIMIT_TOPIC_CREATE", default="20/h"),
    "vote": env("RATELIMIT_VOTE", default="100/h"),
    "debates_list": env("RATELIMIT_DEBATES_LIST", default="200/h"),
    "review_write": env("RATELIMIT_REVIEW_WRITE", default="60/h"),
    "shelf_write": env("RATELIMIT_SHELF_WRITE", default="300/h"),
    "token_create": env("RATELIMIT_TOKEN_CREATE", default="10/h"),
    "post_edit": env("RATELIMIT_POST_EDIT", default="60/h"),
    "report": env("RATELIMIT_REPORT", default="30/h"),
    "follow_write": env("RATELIMIT_FOLLOW_WRITE", default="200/h"),
}
RATELIMIT_IP_META_KEY = "core.ratelimit.client_ip"
# Proxies in front of the app whose X-Forwarded-For we trust (nginx: 1). 0 = ignore the header.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    # Only our proxy sets it (and overwrites a client's): request.is_secure() behind TLS termination.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# With the cache unreachable, serve rather than refuse everyone.
RATELIMIT_FAIL_OPEN = True

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "pt-br"
# Only languages with a full translation are offered; the source strings are pt-BR.
LANGUAGES = [("pt-br", _("Português (Brasil)"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Sao_Paulo"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages come from npm at install time (`npm ci`), never from a CDN.
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
# Fetched files (book covers). FileSystemStorage under MEDIA_ROOT by default; any Django
# storage works, e.g. S3 with django-storages (MEDIA_STORAGE=storages.backends.s3.S3Storage).
# whitenoise does not serve media: nginx does (deploy/nginx.conf), runserver in DEBUG.
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": env("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        # Hashed, compressed files after `collectstatic`; plain files where none was run.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not (DEBUG or EMBEDDED))
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG or EMBEDDED)

_media_origin = ["{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL))] if urlsplit(MEDIA_URL).netloc else []
# Content-Security-Policy (django-csp), enforced: scripts and styles from our own origin only,
# no inline code anywhere (htmx's indicator styles are off, widths and colours are classes).
# The one exception is the Redoc page (`api/urls.py`). CSP_REPORT_ONLY=true only reports.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Covers may live elsewhere (S3, a CDN): MEDIA_URL's origin, plus CSP_IMG_SRC.
        "img-src": [SELF, "data:", *_media_origin, *env.list("CSP_IMG_SRC", default=[])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# --- Product limits -----------------------------------------------------------------------
CATALOG_PAGE_SIZE = 24
DEBATES_PAGE_SIZE = 20
# Topics untouched for longer than this count as read (and their read marks are pruned).
DEBATES_READ_CUTOFF_DAYS = env.int("DEBATES_READ_CUTOFF_DAYS", default=30)
# Minimum seconds between two posts of one reader (moderators exempt), besides the hourly limit.
DEBATES_POST_MIN_INTERVAL_SECONDS = env.int("DEBATES_POST_MIN_INTERVAL_SECONDS", default=15)
# Threads (top-level posts, with their replies) per topic page: 20 keeps a busy topic's page
# near 80 KB (50 made it 160 KB, twice the rendering and the filling per view).
POSTS_PAGE_SIZE = env.int("POSTS_PAGE_SIZE", default=20)
# Replies nest at most this deep; a reply to a post at the cap joins that post's parent.
DEBATES_MAX_REPLY_DEPTH = env.int("DEBATES_MAX_REPLY_DEPTH", default=8)
NOTIFICATIONS_PAGE_SIZE = 20
# E-mail copies of direct notifications (replies, mentions, milestones, reminders): off by default.
NOTIFICATIONS_EMAIL = env.bool("NOTIFICATIONS_EMAIL", default=False)
NOTIFICATIONS_PRUNE_DAYS = env.int("NOTIFICATIONS_PRUNE_DAYS", default=90)

# Share of its time an import worker may work: after each batch it rests in proportion
# (0.5: as long as the batch took), so a wave of imports leaves CPU to the pages on a
# shared box. 1 runs flat out (imports on machines of their own). docs/library.md.
LIBRARY_IMPORT_DUTY_CYCLE = min(1.0, max(0.05, env.float("LIBRARY_IMPORT_DUTY_CYCLE", default=0.5)))
# An active import with no sign of life for this long lost its task (or its worker): the
# sweeper (beat, every 5 minutes) queues it again. A live run shows life at every batch.
LIBRARY_IMPORT_STALE_MINUTES = env.int("LIBRARY_IMPORT_STALE_MINUTES", default=10)

# Book covers (docs/catalog.md#covers): fetched once by Celery into media storage, with
# thumbnails. Off in the embedded default (no network there): placeholders show at once.
COVERS_FETCH = env.bool("COVERS_FETCH", default=not EMBEDDED)
COVERS_TIMEOUT = env.float("COVERS_TIMEOUT", default=5.0)
COVERS_MAX_BYTES = env.int("COVERS_MAX_BYTES", default=5 * 1024 * 1024)
COVERS_MAX_ATTEMPTS = env.int("COVERS_MAX_ATTEMPTS", default=3)
COVERS_BATCH_SIZE = env.int("COVERS_BATCH_SIZE", default=50)
# Fallback source by ISBN; "?default=false" makes Open Library answer 404 instead of a blank image.
COVERS_OPENLIBRARY_URL = env(
    "COVERS_OPENLIBRARY_URL", default="https://covers.openlibrary.org/b/isbn/{isbn}-L.jpg?default=false"
)
# Thumbnail widths (CSS pixels × density) written for srcset; never wider than the source.
COVERS_WIDTHS = (160, 320, 480)

# --- Logging, metrics, errors ----------------------------------------------------------------
# JSON lines with the request id in production; one readable line in development.
LOG_FORMAT = env("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}, "redact": {"()": "core.logging.RedactFilter"}},
    "formatters": {
        "plain": {
            "()": "core.logging.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id", "redact"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# /metrics answers these networks (our proxy denies it to the public) or a bearer token.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env("METRICS_TOKEN", default="")
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    from core.logging import scrub_event

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=None),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,  # no user names, emails or IPs leave the site
        before_send=scrub_event,  # share-link tokens and reset keys stay out of reports
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )

# --- Development only -------------------------------------------------------------------------
if DEBUG and env.bool("DEBUG_TOOLBAR", default=False):
    INSTALLED_APPS += ["debug_toolbar"]
    MIDDLEWARE.insert(0, "debug_toolbar.middleware.DebugToolbarMiddleware")
    INTERNAL_IPS = ["127.0.0.1"]

# --- JSON API (Django REST framework, drf-spectacular) -----------------------------------------
REST_FRAMEWORK = {
    # Tokens for apps first, so an anonymous call gets 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],  # JSON with a bound on nesting
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 24,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
}
# API tokens (docs/api.md#authentication): lifetime when the reader does not choose one.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
SPECTACULAR_SETTINGS = {
    "TITLE": "CGBookStore API",
    "DESCRIPTION": "API JSON do CGBookStore: catálogo, estantes, leituras, resenhas, debates e recomendações.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc come from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ShelfTypeEnum": "accounts.models.BookShelf.ShelfType",
        "StatusShelfTypeEnum": "api.serializers.STATUS_SHELF_CHOICES",
    },
}

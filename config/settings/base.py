"""Settings shared by every environment; everything that varies comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def conn_max_age():
    """Seconds a database connection is kept for the next request (CONN_MAX_AGE, default 60; 0 closes it after
    each request). Opening one per request cost ~19 % of a page (issue 12)."""
    raw = env("CONN_MAX_AGE", env("DB_CONN_MAX_AGE", "60"))
    try:
        seconds = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"CONN_MAX_AGE {raw!r} is not a whole number of seconds") from None
    if seconds < 0:
        raise ImproperlyConfigured(f"CONN_MAX_AGE {raw!r} must be 0 or more seconds")
    return seconds


def database_from_url(url):
    """Parse DATABASE_URL, turning any mistake into one clear sentence. Connections persist for
    CONN_MAX_AGE seconds and are checked before reuse (CONN_HEALTH_CHECKS), so a restarted server costs one
    error-free reconnect, not a failed request."""
    max_age = conn_max_age()
    try:
        config = dj_database_url.parse(url, conn_max_age=max_age, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several types for malformed URLs
        raise ImproperlyConfigured(
            f"DATABASE_URL {url!r} is not a database URL ({exc}); "
            "use e.g. sqlite:///db.sqlite3 or postgres://user@host:5432/name"
        ) from None
    if config.get("ENGINE") not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL {url!r}: only sqlite and postgres are supported")
    if config["ENGINE"].endswith("postgresql"):
        config.setdefault("OPTIONS", {})
        if env_bool("DB_SERVER_SIDE_BINDING", False):
            # psycopg binds parameters on the server and prepares statements a connection runs often
            # (benchmarks/shipment_flow.py: ~20 % less time per shipment). Off by default: not behind
            # PgBouncer in transaction mode, and every query must type its parameters unambiguously.
            config["OPTIONS"].update(server_side_binding=True, prepare_threshold=2)
    if config["ENGINE"].endswith("sqlite3") and not config.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL {url!r} names no SQLite file")
    return config


SECRET_KEY = env("SECRET_KEY", "dev-insecure-key-change-me-in-production-0123456789abcdef")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_fsm",
    "django_tables2",
    "django_filters",
    "django_htmx",
    # Consign, lowest layer first (DESIGN.md, "Master data").
    "core",
    "accounts",
    "notifications",
    "catalog",
    "inventory",
    "orders",
    "shipments",
    "aftersales",
    "reconciliation",
    "reports",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",  # a logged-in user's own language (User.language)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Deny by default: every internal page must declare who may open it (core/access.py).
    "core.access.RoleAccessMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.navigation",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
# Reports read from a replica when one is configured (core/replica.py: report querysets only; every
# write goes to "default" through core.replica.PrimaryRouter).
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_from_url(env("DATABASE_REPLICA_URL"))
REPORTS_READ_REPLICA = "replica" in DATABASES
DATABASE_ROUTERS = ["core.replica.PrimaryRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# ModelBackend reading a user's own and group permissions (and group names) in one statement.
AUTHENTICATION_BACKENDS = ["accounts.backends.PermissionBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

# List exports (core/exporting.py, core/export_jobs.py): up to EXPORT_SYNC_MAX_ROWS rows are written in the
# request, more by a background job; more than EXPORT_MAX_ROWS are refused (narrow the filters).
EXPORT_SYNC_MAX_ROWS = int(env("EXPORT_SYNC_MAX_ROWS", "10000"))
EXPORT_MAX_ROWS = int(env("EXPORT_MAX_ROWS", "1000000"))

# E-mail
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Consign <noreply@consign.local>")

# Celery: without a broker URL tasks run in-process (the embedded default); with one, a real worker.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing to a dead broker fails in well under a second (one retry, short connect timeout), so an
# event never hangs on it; notifications stay pending and the periodic sweep queues them again.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "socket_connect_timeout": 2,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "redeliver-notifications": {
        "task": "notifications.tasks.deliver_pending_notifications",
        "schedule": 60.0,
    },
    "requeue-pdf-jobs": {
        "task": "core.tasks.requeue_stalled_pdf_jobs",
        "schedule": 60.0,
    },
    "check-stock": {
        "task": "inventory.tasks.check_stock_task",
        "schedule": crontab(minute=15, hour=2),
    },
    "delete-expired-idempotency-keys": {
        "task": "core.tasks.delete_expired_idempotency_keys",
        "schedule": crontab(minute=40),
    },
    "dispatch-deadline-notices": {
        "task": "shipments.tasks.send_deadline_notices_task",
        "schedule": 300.0,
    },
}
# The API keeps each Idempotency-Key's first response this long (at least; core/idempotency.py).
IDEMPOTENCY_KEY_HOURS = 24

# Business settings
AFTERSALES_SLA_DAYS = int(env("AFTERSALES_SLA_DAYS", "3"))
SELLER_NAME = env("SELLER_NAME", "Consign Demo Trading Co. 示例贸易有限公司")
# Where this site is reached from outside: links in notification e-mails are made absolute with it.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# Fonts for PDFs: a TrueType CJK font first (OpenType/CFF CJK fonts make WeasyPrint ~6x slower).
PDF_FONT_STACK = '"WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif'

# Django's widget templates, with <input> and <select> written in Python (the same markup, much cheaper).
FORM_RENDERER = "core.form_renderer.WidgetRenderer"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    # WeasyPrint logs every CSS parse at INFO ("Step 2 - Fetching and parsing CSS"), even at import.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# seed_demo refuses to run where this is False (production).
DEMO_DATA_ALLOWED = True

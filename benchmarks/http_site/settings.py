"""Settings of the benchmark's gunicorn: the test settings (plain static storage, eager tasks, a fast
password hasher for the logins) on the benchmark's own PostgreSQL database (DATABASE_URL), with the
benchmark-only URLconf. Persistent connections as configured (CONN_MAX_AGE, default 60)."""

from config.settings.test import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "http_site.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

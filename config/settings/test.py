"""Tests: DATABASE_URL picks SQLite (default) or PostgreSQL; Celery stays eager unless a worker test
points the app at the real broker itself (tests/conftest.py)."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if env("CONSIGN_TEST_EMAIL_DIR"):
    # A real worker process (tests/worker_support.py) writes its e-mails where the test can read them.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("CONSIGN_TEST_EMAIL_DIR")
MEDIA_ROOT = BASE_DIR / ".test-media"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
LANGUAGE_CODE = "en"
# The live server of browser tests serves static files straight from the finders (no collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The report replica (core/replica.py) in tests: the same test database through a second connection
# (TEST MIRROR), off unless a test turns REPORTS_READ_REPLICA on (tests/core/test_replica.py), so other
# tests need not open the "replica" alias.
DATABASES["replica"] = {**DATABASES.get("replica", DATABASES["default"]), "TEST": {"MIRROR": "default"}}
REPORTS_READ_REPLICA = False

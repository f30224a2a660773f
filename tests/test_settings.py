"""Settings come from the environment. With production values the deploy checks pass; a wrong or missing
value stops manage.py with one line that names the culprit, not a traceback; demo data stays out of
production."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "consign.example.com",
    "DATABASE_URL": "postgres://consign:secret@db.example.com:5432/consign",
    "CELERY_BROKER_URL": "redis://redis.example.com:6379/0",
}
# Anything the developer's shell sets that would change the outcome.
# (The browser tests' fixtures set DJANGO_ALLOW_ASYNC_UNSAFE in this process, which --deploy refuses.)
SCRUBBED = ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "LOG_LEVEL", "EMAIL_BACKEND",
            "DJANGO_ALLOW_ASYNC_UNSAFE")


def manage(*args, **overrides):
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED and k not in PRODUCTION}
    env.update(PRODUCTION)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_values_pass_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert result.stderr == "", "nothing on stderr when everything is right"


def test_the_production_checks_would_catch_an_insecure_setting():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="false")

    assert result.returncode == 1
    assert "security.W008" in result.stderr


@pytest.mark.parametrize("settings_module", ["config.settings.production", "config.settings.local"])
def test_a_malformed_database_url_is_one_line_naming_it(settings_module):
    result = manage("check", DATABASE_URL="nonsense://x", DJANGO_SETTINGS_MODULE=settings_module)

    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: DATABASE_URL 'nonsense://x'")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL"),
    ],
    ids=["sqlite-in-production", "unsupported-database", "no-secret-key", "short-secret-key",
         "no-allowed-hosts", "no-broker"],
)
def test_each_missing_or_wrong_production_value_is_named(overrides, named):
    result = manage("check", **overrides)

    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert named in result.stderr


def test_seed_demo_refuses_with_production_settings():
    result = manage("seed_demo")

    assert result.returncode == 1
    assert "refuses to run with production settings" in result.stderr
    assert "Demo logins" not in result.stdout


def database_setting(*expressions, **overrides):
    code = "from django.conf import settings; d = settings.DATABASES['default']; print(" + ", ".join(expressions) + ")"
    return manage("shell", "-c", code, **overrides)


def test_database_connections_persist_for_a_minute_and_are_checked_before_reuse():
    result = database_setting("d['CONN_MAX_AGE']", "d['CONN_HEALTH_CHECKS']", CONN_MAX_AGE=None, DB_CONN_MAX_AGE=None)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["60", "True"]


def test_conn_max_age_comes_from_the_environment():
    result = database_setting("d['CONN_MAX_AGE']", CONN_MAX_AGE="0")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["0"]


@pytest.mark.parametrize("value", ["soon", "-5"])
def test_a_malformed_conn_max_age_is_one_line_naming_it(value):
    result = manage("check", CONN_MAX_AGE=value)

    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "CONN_MAX_AGE" in lines[0] and "Traceback" not in result.stderr

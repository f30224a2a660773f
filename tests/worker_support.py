"""A real Celery worker for `@pytest.mark.worker` tests (loaded from tests/conftest.py).

The worker is another process, so it cannot see an in-memory SQLite database or an open test
transaction: these tests run on PostgreSQL with `transactional_db`, and the worker is pointed at the
test database. It is started once per test session (a few seconds) and shared; each test gets a fresh
broker queue and a fresh e-mail directory, and the in-test Celery app is switched from eager mode to
that broker for the test only.

Broker: CONSIGN_REDIS_URL (default redis://127.0.0.1:6379/15). The Redis db is flushed: give the tests
a db of their own. Unreachable Redis skips the worker tests, or fails them under CI=true."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
START_TIMEOUT = 30


def redis_url():
    """The broker for this test session. Under pytest-xdist each process gets its own worker, so each
    also gets its own Redis db (the given one + the xdist index, modulo 16): a worker must never take a
    task published by another session, whose rows live in another test database."""
    url = os.environ.get("CONSIGN_REDIS_URL") or DEFAULT_REDIS_URL
    xdist = os.environ.get("PYTEST_XDIST_WORKER", "")
    if xdist.startswith("gw") and xdist[2:].isdigit() and int(xdist[2:]) > 0:
        base, _slash, db = url.rpartition("/")
        db = int(db) if db.isdigit() else 0
        url = f"{base}/{(db + int(xdist[2:])) % 16}"
    return url


def _redis_client(url):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def database_url(settings_dict):
    """A DATABASE_URL for the worker naming the *test* database this session created."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def reset_app_connections(app):
    """Forget the app's broker pools so that a changed broker_url takes effect. (Not closed: kombu keeps
    pools per URL globally and hands the same one back when the URL comes back.)"""
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def celery_app_using(broker_url):
    """Point the in-test Celery app at `broker_url` (non-eager) and restore it afterwards."""
    from config.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_connection_retry")}
    app.conf.update(broker_url=broker_url, task_always_eager=False)
    reset_app_connections(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        reset_app_connections(app)


class WorkerProcess:
    """The running worker: its broker URL, e-mail directory and log, plus helpers for tests."""

    def __init__(self, *, broker_url, email_dir, log_path, process, hostname):
        self.broker_url = broker_url
        self.email_dir = Path(email_dir)
        self.log_path = Path(log_path)
        self.process = process
        self.hostname = hostname

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def sent_emails(self):
        """E-mails the worker wrote (file-based backend), as a list of raw message texts."""
        texts = []
        for path in sorted(self.email_dir.glob("*.log")):
            content = path.read_text(errors="replace")
            # The file backend separates messages with a line of 79 dashes.
            texts += [m for m in content.split("-" * 79 + "\n") if m.strip()]
        return texts

    def clear_emails(self):
        for path in self.email_dir.glob("*"):
            path.unlink()

    def wait_for(self, predicate, *, timeout=20, interval=0.1, message="condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            if self.process.poll() is not None:
                pytest.fail(f"the celery worker died while waiting for {message}:\n{self.log()[-3000:]}")
            time.sleep(interval)
        pytest.fail(f"timed out after {timeout}s waiting for {message}; worker log:\n{self.log()[-3000:]}")


def _start_worker(*, db_url, broker_url, email_dir, log_path):
    hostname = f"consign-test-{uuid.uuid4().hex[:8]}@%h"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": broker_url,
        "CONSIGN_TEST_EMAIL_DIR": str(email_dir),
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "tests.worker_app", "worker", "--pool=solo", "-Q", "celery",
        "--loglevel=INFO", "-n", hostname, "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]
    log_file = open(log_path, "w")  # noqa: SIM115 - closed when the worker stops
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    process._log_file = log_file
    return process, hostname


def _stop_worker(process):
    if process.poll() is None:
        process.terminate()  # warm shutdown: finishes the current task
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    process._log_file.close()


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup, django_db_blocker):
    from django.db import connection

    from tests.conftest import skip_or_fail

    if connection.vendor != "postgresql":
        skip_or_fail("the real-worker tests need PostgreSQL (set DATABASE_URL=postgres://…)")
    url = redis_url()
    try:
        client = _redis_client(url)
        client.ping()
    except Exception as exc:
        skip_or_fail(f"Redis is not reachable at {url} ({type(exc).__name__}); set CONSIGN_REDIS_URL")
    client.flushdb()  # no task left over from an earlier run may touch this run's rows
    workdir = Path(tempfile.mkdtemp(prefix="consign-worker-"))
    email_dir = workdir / "mail"
    email_dir.mkdir()
    log_path = workdir / "worker.log"
    started = time.monotonic()
    process, hostname = _start_worker(
        db_url=database_url(connection.settings_dict), broker_url=url, email_dir=email_dir, log_path=log_path,
    )
    worker = WorkerProcess(broker_url=url, email_dir=email_dir, log_path=log_path, process=process,
                           hostname=hostname)
    try:
        worker.wait_for(lambda: " ready." in worker.log(), timeout=START_TIMEOUT, message="the worker to start")
        worker.start_seconds = time.monotonic() - started
        yield worker
    finally:
        _stop_worker(process)
        shutil.rmtree(workdir, ignore_errors=True)


def restore_roles():
    """Transactional tests empty every table afterwards (data migrations included): put the role groups
    and their default permission grants back, as the migrations created them."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    from accounts.grants import grant_default_permissions
    from accounts.roles import Role

    for role in Role:
        Group.objects.get_or_create(name=role.value)
    for app_config in apps.get_app_configs():
        grant_default_permissions(apps, app_config.label)


@pytest.fixture
def celery_worker_process(_celery_worker_session, transactional_db):
    """A real `celery -A config worker` on the test database; the in-test app publishes to its broker.

    Yields a WorkerProcess: `.broker_url`, `.sent_emails()`, `.wait_for(predicate, timeout=…)`, `.log()`."""
    worker = _celery_worker_session
    restore_roles()
    _redis_client(worker.broker_url).delete("celery")  # nothing queued by an earlier test
    worker.clear_emails()
    with celery_app_using(worker.broker_url):
        yield worker

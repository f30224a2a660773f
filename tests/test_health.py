"""/healthz tells a monitor whether the database answers and whether the broker is up."""

import socket

import pytest
from django.db import connection

from core import health


def test_healthy_database_and_in_process_celery(client, db, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "not configured (in-process)"}


def test_needs_no_login(client, db, settings):
    settings.CELERY_BROKER_URL = ""
    assert client.get("/healthz").status_code == 200  # not a redirect to the login page


def dead_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_a_dead_broker_is_reported_as_down_but_is_not_fatal(client, db, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{dead_port()}/14"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "down"}


def test_a_live_redis_broker_is_reported_ok(client, db, settings):
    url = "redis://127.0.0.1:6379/14"
    if health.broker_state(url) != "ok":
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CELERY_BROKER_URL = url
    assert client.get("/healthz").json()["broker"] == "ok"


def test_a_database_that_does_not_answer_gives_503(client, db, settings, monkeypatch):
    settings.CELERY_BROKER_URL = ""

    class UnreachableDatabase:
        def cursor(self):
            raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", UnreachableDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"

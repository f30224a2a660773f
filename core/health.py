"""GET /healthz: is the database answering, and is the Celery broker reachable?

200 when the database answers, 503 when it does not. The broker is reported, never fatal: without it
tasks wait (notifications are stored first and delivered later), the site still works."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .access import Access

BROKER_TIMEOUT_SECONDS = 1.0


def database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means "not answering"
        return "error"
    return "ok"


def broker_state(url=None, timeout=BROKER_TIMEOUT_SECONDS):
    url = settings.CELERY_BROKER_URL if url is None else url
    if not url:
        return "not configured (in-process)"
    try:
        if url.startswith(("redis://", "rediss://", "unix://")):
            import redis

            client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
            try:
                client.ping()
            finally:
                client.close()
        else:
            from kombu import Connection

            with Connection(url, connect_timeout=timeout) as conn:
                conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception:
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    body = {"database": database_state(), "broker": broker_state()}
    return JsonResponse(body, status=200 if body["database"] == "ok" else 503)


healthz.access = Access.PUBLIC

"""`Idempotency-Key` for the API's creating calls (CONVENTIONS.md, "The API"; Stripe's design, our code).

An endpoint takes the header by one decorator line under its router decorator:

    @router.post("/receipts", response={201: ReceiptOut, …})
    @idempotent
    def post_receipt(request, payload: ReceiptIn): …

With the header the whole call runs in one database transaction that first inserts the row (user, key,
hash of the request), then runs the endpoint, then stores the response on that row:
- the same key and the same request (method, path, query and body) again → the stored status and body,
  with the header `Idempotent-Replayed: true`; nothing runs twice;
- the same key with another request → 422 `{"detail": …, "errors": {"Idempotency-Key": […]}}`;
- two calls with one key at once: the second one's insert waits on the unique index until the first
  commits, then answers the first one's response (if the first failed, it kept nothing, and the second runs).
Only successful (2xx) responses are kept. Stripe keeps the result of every request that began to execute,
because a failed charge may have had effects; here an error answer means the call wrote nothing (its
transaction, the key row included, is rolled back), so it is treated like Stripe's requests refused before
execution: the key stays free and a retry (corrected or not) runs again. Keys are per user and kept at least
IDEMPOTENCY_KEY_HOURS (24) hours; a periodic task deletes older ones. Without the header a call runs as
before, without the enclosing transaction."""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.utils import contribute_operation_callback

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
DEFAULT_KEEP_HOURS = 24

OPENAPI_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    "description": (
        "A unique value (a UUID) per intended write. A retry with the same key and body answers the first "
        "successful response again (header Idempotent-Replayed: true) without doing the work twice; the same "
        "key with another body answers 422. Error answers are not kept. Keys are kept per user for 24 hours."),
}

_ATTR = "_consign_idempotency"


@dataclass
class _Call:
    key: str
    record: IdempotencyKey | None = None


def keep_hours():
    return getattr(settings, "IDEMPOTENCY_KEY_HOURS", DEFAULT_KEEP_HOURS)


def key_problem(key):
    """Why `key` cannot be used as an idempotency key, or None."""
    if not key.strip():
        return _("The Idempotency-Key header is empty.")
    if len(key) > MAX_KEY_LENGTH:
        return _("The Idempotency-Key has at most %(n)d characters.") % {"n": MAX_KEY_LENGTH}
    if any(ord(c) < 32 or ord(c) == 127 for c in key):
        return _("The Idempotency-Key cannot contain control characters.")
    return None


def _canonical_json(body):
    """The JSON body in one spelling (keys sorted, no spaces; numbers as written), or None if not JSON."""
    try:
        data = json.loads(body, parse_float=Decimal)
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()
    except (ValueError, RecursionError, UnicodeDecodeError):
        return None


def request_fingerprint(request):
    """A hash of what the call asks for: method, path, query string and body (uploaded files included)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(json.dumps(sorted(request.GET.lists()), ensure_ascii=False).encode())
    if request.content_type == "multipart/form-data":
        digest.update(json.dumps(sorted(request.POST.lists()), ensure_ascii=False).encode())
        for name, uploads in sorted(request.FILES.lists()):
            for upload in uploads:
                digest.update(json.dumps([name, upload.name, upload.size], ensure_ascii=False).encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        body = request.body
        digest.update(b"\n" + (_canonical_json(body) or body))
    return digest.hexdigest()


def _error(status, detail, message):
    return JsonResponse({"detail": str(detail), "errors": {HEADER: [str(message)]}}, status=status)


def _replay(record, request_hash):
    if record.request_hash != request_hash:
        message = _("This Idempotency-Key was already used with another request; use a new key for a new request.")
        return _error(422, _("The request has invalid values."), message)
    if record.status_code is None:  # not reachable: the row and its response are committed together
        message = _("A request with this Idempotency-Key is still running; try again in a moment.")
        return _error(409, message, message)
    response = HttpResponse(record.response_body, status=record.status_code,
                            content_type=record.response_content_type or "application/json")
    response[REPLAYED_HEADER] = "true"
    return response


def _claim(request, call):
    """Insert (user, key) in the call's transaction → None, or the response to answer instead (a replay,
    a 422 for another request under the same key or a bad key)."""
    problem = key_problem(call.key)
    if problem:
        return _error(422, _("The request has invalid values."), problem)
    request_hash = request_fingerprint(request)
    for _attempt in range(3):
        try:
            with transaction.atomic():  # on PostgreSQL this waits for a concurrent holder of the key to finish
                call.record = IdempotencyKey.objects.create(
                    user=request.user, key=call.key, request_hash=request_hash, method=request.method[:10],
                    path=request.path[:255])
            return None
        except IntegrityError:
            record = IdempotencyKey.objects.filter(user=request.user, key=call.key).first()
            if record is not None:
                return _replay(record, request_hash)
            # deleted by the cleanup in between: the key is free again, claim it anew
    message = _("A request with this Idempotency-Key is still running; try again in a moment.")
    return _error(409, message, message)


def _store(record, response):
    record.status_code = response.status_code
    record.response_content_type = response.get("Content-Type", "")[:100]
    record.response_body = "" if response.streaming else response.content.decode(response.charset or "utf-8")
    record.save(update_fields=["status_code", "response_content_type", "response_body"])


def _run_in_transaction(run):
    """Wraps a ninja Operation.run: with the header, the call (errors answered included) is one transaction."""

    @wraps(run)
    def run_once(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return run(request, *args, **kwargs)
        call = _Call(key=key)
        setattr(request, _ATTR, call)
        with transaction.atomic():
            response = run(request, *args, **kwargs)
            if call.record is not None:
                if 200 <= response.status_code < 300:
                    _store(call.record, response)
                else:  # an error answer: nothing the call did is kept, the key row neither
                    transaction.set_rollback(True)
        return response

    return run_once


def _prepare_operation(operation):
    decorators = getattr(operation, "_run_decorators", [])
    operation.run = _run_in_transaction(operation.run)
    operation._run_decorators = [*decorators, _run_in_transaction]  # re-applied when ninja clones it
    extra = dict(operation.openapi_extra or {})
    extra["parameters"] = [*extra.get("parameters", []), OPENAPI_PARAMETER]
    operation.openapi_extra = extra  # its 422 is declared with every write's errors (core/api_contract.py)


def idempotent(view):
    """Make a creating endpoint take `Idempotency-Key` (put it under `@router.post(…)`)."""

    @wraps(view)
    def idempotent_view(request, *args, **kwargs):
        call = getattr(request, _ATTR, None)
        if call is not None and getattr(request.user, "pk", None) is not None:
            response = _claim(request, call)
            if response is not None:
                return response
        return view(request, *args, **kwargs)

    contribute_operation_callback(idempotent_view, _prepare_operation)
    return idempotent_view


def delete_expired_keys(*, now=None):
    """Delete the keys older than IDEMPOTENCY_KEY_HOURS → how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(hours=keep_hours())
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted

"""The HTTP API at /api/v1/ (django-ninja). Each app adds its Router from `<app>/api.py` below.

Authentication: `Authorization: Bearer <token>` with an `accounts.ApiToken` (tokens.py); the token acts
as its user, with exactly that user's Django permissions (the same as in the UI).

Every error is JSON: `{"detail": "<sentence>"}`, plus `"errors": {"field": ["message", …]}` for 400 and 422
(`__all__` for the request as a whole):
400 a business rule refused good-looking data (a form's or a service's validation: a quantity above what is
open, a missing reason) · 401 no/bad/revoked token · 403 no permission (and every supplier login on
internal endpoints) · 404 not found (also an unknown path under /api/) · 409 conflict (unique violation,
transition not allowed now, someone else changed the document first) · 422 the schema refuses the request:
a body or query field of the wrong type or out of range, an unknown body field or query parameter.

Lists: `limit` (1–500, default 50) and `offset` (0–10,000,000); each page answers `items`, `limit`, `offset`,
`next` (the next page's URL, null on the last page) and `count` (null unless `with_count=true` is sent: a
COUNT over millions of rows is not paid for on every page). `updated_since` (a time with its timezone) keeps
the rows changed at or after it, where the list offers it. Every path answers with or without its trailing
slash. Interactive docs: /api/v1/docs.

Retries: every call that creates or posts something (orders and the bulk order intake, shipments and their
transitions, goods receipts, tickets, their notes and transitions, statements, their transitions and
payments, invoices, catalog records) takes an `Idempotency-Key` header (1–255 characters, a UUID per
intended write). The same key with the same request (method, path, query, body) answers the first response
again — status and body, with the header `Idempotent-Replayed: true` — and does nothing twice, also when the
retries arrive at the same moment; the same key with another request answers 422 (`errors` names
`Idempotency-Key`). As with Stripe, only a request that was carried out is remembered: here an error answer
(4xx/5xx) means nothing was written, so it is not kept and the key may be used again (to send the corrected
request). Keys belong to the token's user and are kept 24 hours. Without the header a call behaves as
before; orders are also unique by store + external order no."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from accounts.tokens import TokenAuth
from core.api import Conflict, FormInvalid
from core.api_contract import ConsignAPI, LocalSwagger

logger = logging.getLogger(__name__)

api = ConsignAPI(
    title="Consign API",
    version="1",
    description=__doc__,
    urls_namespace="api",
    auth=TokenAuth(),
    docs=LocalSwagger(),  # Swagger UI from static/vendor/swagger-ui, never a CDN
    docs_url="/docs",
)


def error(request, status, detail, errors=None):
    body = {"detail": str(detail)}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


def _field_name(loc):
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "filters", "data", "page")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    errors = {}
    for item in exc.errors:
        errors.setdefault(_field_name(item.get("loc", ())), []).append(item.get("msg", ""))
    return error(request, 422, _("The request has invalid values."), errors)


@api.exception_handler(FormInvalid)
def on_form_invalid(request, exc):
    errors = {field: [e["message"] for e in items] for field, items in exc.form.errors.get_json_data().items()}
    return error(request, 400, _("The request has invalid values."), errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    response = error(request, 401, _("Send a valid API token: Authorization: Bearer <token>."))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return error(request, 403, str(exc) or _("You do not have permission to do this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, _("Not found."))


@api.exception_handler(TransitionNotAllowed)
def on_transition_not_allowed(request, exc):
    return error(request, 409, _("This cannot be done in the document's current state (%(error)s).") % {"error": exc})


@api.exception_handler(ConcurrentTransition)
def on_concurrent_transition(request, exc):
    return error(request, 409, _("Someone else changed this document at the same time; reload it and try again."))


@api.exception_handler(IntegrityError)
def on_integrity_error(request, exc):
    return error(request, 409, _("This conflicts with an existing record."))


@api.exception_handler(Conflict)
def on_conflict(request, exc):
    return error(request, 409, exc.detail)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    """ninja's own refusals (an unreadable body …): the same JSON body; an unparseable body is a 422."""
    status = 422 if exc.status_code == 400 else exc.status_code
    return error(request, status, str(exc))


@api.exception_handler(Exception)
def on_server_error(request, exc):
    """A bug: logged with its traceback, answered as JSON (never Django's HTML page)."""
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return error(request, 500, _("Something went wrong on the server; it has been logged."))


api.add_router("/catalog/", "catalog.api.router")
api.add_router("/orders", "orders.api.router")
# close short cancels shipments, so its endpoint lives in shipments (a lower app never imports a higher one)
api.add_router("/orders", "shipments.closing_api.router")
api.add_router("/stock", "inventory.api.router")
api.add_router("/supplier-entries", "reconciliation.api.router")
api.add_router("/statements", "reconciliation.api.statements_router")
api.add_router("/shipments", "shipments.api.router")
api.add_router("/aftersales", "aftersales.api.router")
# the supplier portal: supplier logins' tokens only (and those open nothing else: accounts.tokens)
api.add_router("/portal", "portal.api.router")

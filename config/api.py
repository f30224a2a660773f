"""The HTTP API at /api/v1/ (django-ninja). Each app adds its Router from `<app>/api.py` below.

Authentication: `Authorization: Bearer <token>` with an `accounts.ApiToken` (tokens.py); the token acts
as its user, with exactly that user's Django permissions (the same as in the UI). Error bodies are
always `{"detail": "<sentence>"}`, plus `"errors": {"field": ["message", …]}` for 400:
400 bad data · 401 no/bad/revoked token · 403 no permission (and every supplier login on internal
endpoints) · 404 not found · 409 conflict (unique violation, transition not allowed now, someone else
changed the document first)."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from core.api import Conflict, FormInvalid, TokenAuth

api = NinjaAPI(
    title="Consign API",
    version="1",
    description=__doc__,
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url=None,  # the interactive docs page loads its script from a CDN; the OpenAPI JSON is enough
)


def error(request, status, detail, errors=None):
    body = {"detail": str(detail)}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


def _field_name(loc):
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "filters", "data")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    errors = {}
    for item in exc.errors:
        errors.setdefault(_field_name(item.get("loc", ())), []).append(item.get("msg", ""))
    return error(request, 400, _("The request has invalid values."), errors)


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


api.add_router("/catalog/", "catalog.api.router")
api.add_router("/orders", "orders.api.router")
api.add_router("/stock", "inventory.api.router")
api.add_router("/supplier-entries", "reconciliation.api.router")
api.add_router("/statements", "reconciliation.api.statements_router")
api.add_router("/shipments", "shipments.api.router")
api.add_router("/aftersales", "aftersales.api.router")

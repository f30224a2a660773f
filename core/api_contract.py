"""The API as a contract, for every router at once (config/api.py builds `ConsignAPI`):

- an unknown query parameter is refused (422 naming it) on every operation, never silently dropped;
- operation ids are `<app>_<function>` (`shipments_approve`), not ninja's `<module path>_<function>`;
- the OpenAPI document declares the error answers each operation can give (with the one error schema);
  component names are class names, so two schema classes never share a name (tests/api/test_contract.py);
- the interactive docs page (`/api/v1/docs`) loads Swagger UI from the app's own static files (npm package
  swagger-ui-dist, copied by scripts/vendor_assets.sh), never from a CDN;
- paths answer with and without their trailing slash, and an unknown path under /api/ answers the JSON 404
  (`api_fallback`, routed last in config/urls.py)."""

import json

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.common import no_append_slash
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from pydantic import BaseModel

from .api import ErrorOut
from .api_types import check_value

ERROR_STATUSES = {
    400: "The request breaks a business rule (a form or service refused it): `errors` per field.",
    401: "No, a bad or a revoked token.",
    403: "The token's user may not do this (missing permission, maker-checker, supplier login).",
    404: "Not found, or not for the caller to know it exists.",
    409: "Conflict with the document's current state, a unique key, or someone else's change.",
    422: "The schema refuses the body, a path or query parameter (unknown ones included): `errors` per field.",
}
READ_ERRORS = (401, 403, 404, 422)
WRITE_ERRORS = (400, 401, 403, 404, 409, 422)


def _query_names(operation):
    names = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) != "query":
            continue
        flatten = getattr(model, "__ninja_flatten_map__", None)
        if flatten:
            names.update(flatten)
        else:
            names.update(field.alias or name for name, field in model.model_fields.items())
    return frozenset(names)


def _problems(name, value):
    """(field, message) for each value the database could not take (core.api_types.check_value: a NUL byte,
    an integer beyond a bigint …), through parameter schemas field by field."""
    if isinstance(value, BaseModel):
        for field in type(value).model_fields:
            yield from _problems(field, getattr(value, field))
    elif problem := check_value(value):
        yield name, problem


def _refuse_unknown_query(operation):
    """Wrap the operation's argument reading so that a query parameter it does not declare answers 422, and
    so does a path or query value no column could hold (bodies check their own: core.api.Input)."""
    known = _query_names(operation)
    get_values = operation._get_values

    def checked(request, path_params, temporal_response):
        unknown = sorted(set(request.GET) - known)
        if unknown:
            raise NinjaValidationError([{"loc": ("query", name), "msg": _("Unknown parameter."),
                                         "type": "extra_forbidden"} for name in unknown])
        values = get_values(request, path_params, temporal_response)
        problems = [(field, message) for name, value in values.items() for field, message in _problems(name, value)]
        if problems:
            raise NinjaValidationError([{"loc": ("query", field), "msg": message, "type": "value_error"}
                                        for field, message in problems])
        return values

    operation._get_values = checked


def _json_not_allowed(path_view):
    def not_allowed():
        allowed = sorted({method for operation in path_view.operations for method in operation.methods})
        response = JsonResponse({"detail": _("This path does not take that method; it takes %(allowed)s.")
                                 % {"allowed": ", ".join(allowed)}}, status=405)
        response["Allow"] = ", ".join(allowed)
        return response

    return not_allowed


class LocalSwagger(DocsBase):
    """Swagger UI served from static/vendor/swagger-ui (no CDN)."""

    def render_page(self, request, api, **kwargs):
        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True,
                    "persistAuthorization": True}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": json.dumps(settings)})


class ConsignAPI(NinjaAPI):
    def operations(self):
        """Every operation of every router: (path, operation)."""
        for bound in self._get_bound_routers():
            for path, path_view in bound.path_operations.items():
                for operation in path_view.operations:
                    yield path, operation

    def _get_urls(self):
        if not getattr(self, "_contract_applied", False):
            for _path, operation in self.operations():
                _refuse_unknown_query(operation)
            for bound in self._get_bound_routers():
                for path_view in bound.path_operations.values():
                    path_view._not_allowed = _json_not_allowed(path_view)
            self._contract_applied = True
        return super()._get_urls()

    def get_openapi_operation_id(self, operation):
        app = operation.view_func.__module__.split(".")[0]
        return f"{app}_{operation.view_func.__name__}"

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ErrorOut", ErrorOut.model_json_schema())
        ref = {"$ref": "#/components/schemas/ErrorOut"}
        for methods in schema["paths"].values():
            for method, operation in methods.items():
                responses = operation.setdefault("responses", {})
                for status in READ_ERRORS if method == "get" else WRITE_ERRORS:
                    responses.setdefault(status, {"description": ERROR_STATUSES[status],
                                                  "content": {"application/json": {"schema": ref}}})
        return schema


@csrf_exempt
@no_append_slash
def api_fallback(request, rest=""):
    """Routed after the API's own paths: the same path with (or without) its trailing slash is answered by its
    operation directly (no redirect, so a POST stays a POST); anything else is the JSON 404."""
    path = request.path_info
    other = path[:-1] if path.endswith("/") else path + "/"
    try:
        match = resolve(other)
    except Resolver404:
        match = None
    if match is not None and match.func is not api_fallback:
        request.path_info = other
        return match.func(request, *match.args, **match.kwargs)
    return JsonResponse({"detail": _("Not found.")}, status=404)

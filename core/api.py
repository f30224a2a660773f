"""Pieces every app's API router uses (config/api.py builds the NinjaAPI and answers these errors)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.responses import Status
from pydantic import AwareDatetime, ConfigDict, create_model, field_validator
from pydantic_core import PydanticCustomError

from .api_types import check_value


class FormInvalid(Exception):  # noqa: N818 - named after what the client did
    """Raised with a bound, invalid Django form: answered 400 with the form's field errors."""

    def __init__(self, form):
        super().__init__("invalid form")
        self.form = form


class Conflict(Exception):  # noqa: N818
    def __init__(self, detail):
        super().__init__(detail)
        self.detail = str(detail)


def require_permissions(request, *perms):
    """403 unless the token's user is internal staff holding every permission (the UI's rules)."""
    user = request.user
    if not getattr(user, "is_internal", False):
        raise PermissionDenied(_("Supplier logins cannot use this endpoint."))
    if not user.has_perms(perms):
        raise PermissionDenied(_("You do not have permission to do this (%(perms)s).") % {"perms": ", ".join(perms)})


def form_data(form_class, instance, changes):
    """Data for binding `form_class` to `instance` with `changes` applied: a PATCH keeps every field it
    does not name; a POST starts from the model's defaults (an unsaved instance), so a missing
    `is_active` means the default, not an unticked box."""
    fields = form_class._meta.fields
    data = model_to_dict(instance, fields=fields)
    for name, value in data.items():
        if isinstance(value, list):  # many-to-many: model_to_dict gives instances, a form wants ids
            data[name] = [getattr(v, "pk", v) for v in value]
    data.update(changes)
    return {k: ("" if v is None else v) for k, v in data.items()}


def save_form(form_class, instance, changes):
    """Validate through the same ModelForm as the UI and save; FormInvalid (400) otherwise."""
    form = form_class(data=form_data(form_class, instance, changes), instance=instance)
    if not form.is_valid():
        raise FormInvalid(form)
    return form.save()


# ---- the API contract shared by every app's router (CONVENTIONS.md "The API") --------------------------
class Input(Schema):
    """Base of every request body: a field the schema does not name is refused (422), never ignored; every
    field's value is checked by core.api_types.check_value (no NUL in text, integers inside a bigint,
    Decimals as money) — field types from core.api_types add each column's own range."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value):
        if problem := check_value(value):
            raise PydanticCustomError("value_error", "{message}", {"message": problem})
        return value


class ErrorOut(Schema):
    """Every error answer: a sentence, and for 400/422 the messages per field (`__all__` for the whole)."""

    detail: str = Field(..., description="What went wrong, in one sentence")
    errors: dict[str, list[str]] | None = Field(None, description="Messages per field (400 and 422)")


def error_messages(exc):
    """{field: [messages]} of a service's ValidationError, the whole document's under `__all__`: the
    `errors` of ErrorOut."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def invalid(errors):
    """The 400 answer (ErrorOut) of a request a business rule refused, with its messages per field."""
    return Status(400, {"detail": _("The request has invalid values."), "errors": errors})


MAX_LIMIT = 500
MAX_OFFSET = 10_000_000  # deeper than any list here; narrow with filters or updated_since to walk further


class PageIn(Schema):
    """The one pagination of every list: `limit` rows from `offset`; `with_count=true` adds the total."""

    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Rows per page (1 to {MAX_LIMIT})")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip")
    with_count: bool = Field(False, description="Also count every matching row (a COUNT query; off by default so "
                                                "a list over millions of rows stays fast)")
    updated_since: AwareDatetime | None = Field(None, description="Only rows changed (for append-only rows: "
                                                                   "posted) at or after this time; with its "
                                                                   "timezone, between the years 2000 and 2999")

    @field_validator("updated_since")
    @classmethod
    def _in_our_era(cls, value):
        """In UTC (the database refuses odd offsets such as -21:27), and within years a row can have."""
        if value is None:
            return value
        try:
            value = value.astimezone(datetime.UTC)
        except OverflowError:
            value = None
        if value is None or not 2000 <= value.year <= 2999:
            raise PydanticCustomError("value_error", "{message}",
                                      {"message": _("Give a time between the years 2000 and 2999.")})
        return value


class PageOut(Schema):
    """One page of a list. `next` is the URL of the next page, null on the last one; `count` is the number of
    matching rows when `with_count=true` was asked, else null."""

    count: int | None = Field(None, description="Every matching row (only with with_count=true)")
    next: str | None = Field(None, description="URL of the next page; null on the last page")
    limit: int
    offset: int


_PAGE_SCHEMAS = {}


def page_of(item_schema, name=None):
    """The page schema of a list of `item_schema` rows (one class per row schema, named `<Row>Page`)."""
    name = name or f"{item_schema.__name__}Page"
    if name not in _PAGE_SCHEMAS:
        _PAGE_SCHEMAS[name] = create_model(name, __base__=PageOut, __doc__=f"One page of {item_schema.__name__} rows.",
                                           items=(list[item_schema], ...))
    return _PAGE_SCHEMAS[name]


def paginate(request, queryset, page, *, changed="updated_at", **extra):
    """One page of `queryset` (already ordered) as a PageOut dict: reads limit + 1 rows to know whether a
    next page exists, and counts only when asked. `updated_since` filters on the field `changed` (its time of
    change, kept by the database: core/updated_at.py; `created_at` for append-only rows), or through
    `changed(queryset, since)` when a callable."""
    if page.updated_since is not None:
        if callable(changed):
            queryset = changed(queryset, page.updated_since)
        else:
            queryset = queryset.filter(**{f"{changed}__gte": page.updated_since})
    rows = list(queryset[page.offset:page.offset + page.limit + 1])
    next_url = None
    if len(rows) > page.limit:
        query = request.GET.copy()
        query["offset"] = page.offset + page.limit
        query["limit"] = page.limit
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    count = None
    if page.with_count:
        count = len(queryset) if isinstance(queryset, list) else queryset.count()
    return {"items": rows[:page.limit], "count": count, "next": next_url, "limit": page.limit,
            "offset": page.offset, **extra}

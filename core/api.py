"""Pieces every app's API router uses (config/api.py builds the NinjaAPI and answers these errors)."""

from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from accounts.tokens import user_for_key


class FormInvalid(Exception):  # noqa: N818 - named after what the client did
    """Raised with a bound, invalid Django form: answered 400 with the form's field errors."""

    def __init__(self, form):
        super().__init__("invalid form")
        self.form = form


class Conflict(Exception):  # noqa: N818
    def __init__(self, detail):
        super().__init__(detail)
        self.detail = str(detail)


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        user = user_for_key(token)
        if user is not None:
            request.user = user
        return user


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

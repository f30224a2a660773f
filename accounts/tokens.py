"""API tokens: created and revoked here, checked by the API's bearer authentication (config/api.py).

A key is `cns_` + 40 random URL-safe characters; the database keeps its SHA-256 and a display prefix,
so a stolen database dump does not hand out working keys. `last_used_at` is written at most once a
minute per token (a conditional UPDATE), so a busy integration does not write on every request."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from .models import ApiToken

KEY_PREFIX = "cns_"
PREFIX_LENGTH = 10
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_token(*, user, name, actor):
    """(token, plain key). The plain key exists only in this return value: show it once."""
    key = KEY_PREFIX + secrets.token_urlsafe(30)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name.strip(), key_hash=hash_key(key),
                                        prefix=key[:PREFIX_LENGTH])
    return token, key


def revoke_token(token, *, actor):
    """Revoke for good; a revoked token never authenticates again. Idempotent."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk, revoked=False).update(revoked=True, revoked_at=now)
    token.revoked = True
    token.revoked_at = token.revoked_at or now
    return token


def user_for_key(key):
    """The active user a key belongs to, or None (unknown, revoked, or the user is deactivated)."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=hash_key(key), revoked=False, user__is_active=True).first())
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        stale = now - LAST_USED_RESOLUTION
        ApiToken.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=token.pk).update(
            last_used_at=now
        )
    token.user.api_token = token
    return token.user



class TokenAuth(HttpBearer):
    """The API's bearer authentication (config/api.py): the token's user becomes the request's user.

    A supplier login's token opens only the supplier portal's endpoints (SupplierTokenAuth), whatever
    permissions its group holds: every other endpoint answers it 403 here, before any of them runs (some
    check a permission the supplier role also holds, such as dispatching a drop-ship, for any supplier)."""

    openapi_scheme = "bearer"
    for_supplier_logins = False

    def authenticate(self, request, token):
        user = user_for_key(token)
        if user is None:
            return None
        if user.is_supplier_user != self.for_supplier_logins:
            raise PermissionDenied(_("Supplier logins cannot use this endpoint.")
                                   if user.is_supplier_user else
                                   _("Only a supplier login's token opens the supplier portal's endpoints."))
        request.user = user
        return user


class SupplierTokenAuth(TokenAuth):
    """The supplier portal's endpoints (/api/v1/portal/): supplier logins only."""

    for_supplier_logins = True

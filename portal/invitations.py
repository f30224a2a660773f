"""Supplier users (DESIGN.md, "Supplier portal"): finance invites one by e-mail, the invitee sets a password
and is logged in; finance resends an invitation or deactivates a user. A supplier user is tied to exactly one
supplier: every service here refuses to tie it to a second.

The link carries the invitation's id signed with a timestamp (django.core.signing, its own salt), so it
cannot be forged or guessed and stops working after INVITATION_MAX_AGE; the row's `used_at` makes it work
once, and `cancelled_at` retires the earlier link when an invitation is resent."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import ApiToken
from accounts.roles import Role
from accounts.tokens import revoke_token
from catalog.models import Supplier
from core.audit import record_event

from .models import Invitation

INVITATION_MAX_AGE = timedelta(hours=72)
SALT = "portal.invitation"


def token_for(invitation):
    return signing.TimestampSigner(salt=SALT).sign(str(invitation.pk))


def accept_url(invitation):
    return settings.SITE_URL.rstrip("/") + reverse("portal:accept", kwargs={"token": token_for(invitation)})


def _supplier_of_login(user):
    return Supplier.objects.filter(portal_users=user).first()


def _check_email_for(supplier, email):
    """The normalised address, or ValidationError when it cannot become this supplier's user."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": [_("Enter a valid e-mail address.")]}) from exc
    user = get_user_model().objects.filter(username__iexact=email).first()
    if user is not None:
        if user.is_internal:
            raise ValidationError({"email": [_("This address belongs to a staff login; a supplier user needs its own.")]})
        tied = _supplier_of_login(user)
        if tied is not None and tied.pk != supplier.pk:
            # One supplier per user: the portal shows one supplier's records, never two.
            raise ValidationError({"email": [_("This address is already a user of another supplier.")]})
        if tied is not None and user.is_active:
            raise ValidationError({"email": [_("This address is already an active user of this supplier.")]})
    return email


def invite_supplier_user(supplier, *, email, actor, language=""):
    """Invite `email` to the supplier's portal: a new invitation (earlier open ones for the same address
    are retired) and its e-mail, sent once the row is committed. Returns the invitation."""
    email = _check_email_for(supplier, email)
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(supplier=supplier, email=email, used_at__isnull=True,
                                  cancelled_at__isnull=True).update(cancelled_at=now)
        invitation = Invitation.objects.create(supplier=supplier, email=email, invited_by=actor,
                                               expires_at=now + INVITATION_MAX_AGE)
        record_event(invitation, event="invited", actor=actor, comment=email)
        link = accept_url(invitation)
        transaction.on_commit(lambda: _send(invitation, link, language or settings.LANGUAGE_CODE))
    return invitation


def resend_invitation(invitation, *, actor):
    """A fresh invitation to the same address (the old link stops working)."""
    return invite_supplier_user(invitation.supplier, email=invitation.email, actor=actor)


def _send(invitation, link, language):
    with translation.override(language):
        subject = _("Invitation to the %(supplier)s supplier portal") % {"supplier": invitation.supplier.name}
        body = _("You are invited to the supplier portal of %(supplier)s. Open this link within 72 hours to "
                 "set your password; it works once:\n\n%(link)s") % {"supplier": invitation.supplier.name,
                                                                      "link": link}
    send_mail(subject, body, None, [invitation.email], fail_silently=False)


def invitation_for_token(token):
    """The open invitation a link names, or ValidationError saying why it no longer works."""
    try:
        pk = signing.TimestampSigner(salt=SALT).unsign(token, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This invitation has expired. Ask the seller to send a new one.")) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This invitation link is not valid.")) from exc
    invitation = Invitation.objects.select_related("supplier").filter(pk=pk).first()
    if invitation is None or invitation.cancelled_at is not None:
        raise ValidationError(_("This invitation link is not valid any more: a newer one was sent."))
    if invitation.used_at is not None:
        raise ValidationError(_("This invitation has already been used. Log in with your password."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has expired. Ask the seller to send a new one."))
    return invitation


def accept_invitation(token, *, password, language, first_name=""):
    """The invitee sets a password (and the language it reads the portal in): its user is created, or a
    deactivated one of the same supplier is re-activated, tied to the supplier. Works once. Returns the
    user."""
    invitation = invitation_for_token(token)
    User = get_user_model()
    with transaction.atomic():
        # The row is locked and checked again: two tabs accepting at once, one wins.
        invitation = Invitation.objects.select_for_update().select_related("supplier").get(pk=invitation.pk)
        if invitation.used_at is not None or invitation.cancelled_at is not None:
            raise ValidationError(_("This invitation has already been used. Log in with your password."))
        _check_email_for(invitation.supplier, invitation.email)  # nothing changed meanwhile
        user = User.objects.filter(username__iexact=invitation.email).first() or User(
            username=invitation.email, email=invitation.email)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
        user.is_active = True
        user.language = language or ""
        if first_name:
            user.first_name = first_name.strip()[:150]
        user.save()
        user.groups.add(Group.objects.get_or_create(name=Role.SUPPLIER)[0])
        invitation.supplier.portal_users.add(user)
        invitation.used_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["used_at", "user"])
        record_event(invitation, event="accepted", actor=user, comment=invitation.email)
    return user


def supplier_users(supplier):
    """The supplier's portal users, active ones first."""
    return supplier.portal_users.order_by("-is_active", "username")


def deactivate_supplier_user(supplier, user, *, actor):
    """Stop a supplier user at once: the login is deactivated, its sessions deleted and its API tokens
    revoked, in one transaction. The user stays tied to the supplier (its past actions keep their name)."""
    if not supplier.portal_users.filter(pk=user.pk).exists():
        raise ValidationError(_("This user is not a user of this supplier."))
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        for token in ApiToken.objects.filter(user=user, revoked=False):
            revoke_token(token, actor=actor)
        _delete_sessions_of(user)
        Invitation.objects.filter(supplier=supplier, email__iexact=user.email, used_at__isnull=True,
                                  cancelled_at__isnull=True).update(cancelled_at=timezone.now())
        record_event(supplier, event="supplier_user_deactivated", actor=actor, comment=user.username)
    return user


def _delete_sessions_of(user):
    # Database sessions keep the user id only inside the encoded data: read the live ones.
    user_id = str(user.pk)
    stale = [session.pk for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
             if session.get_decoded().get("_auth_user_id") == user_id]
    Session.objects.filter(pk__in=stale).delete()

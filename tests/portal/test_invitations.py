"""Inviting supplier users: the signed link works once, for 72 hours, for one supplier; deactivation stops
the login, its sessions and its API tokens at once."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tokens import create_token
from core.models import TransitionLog
from portal import invitations
from portal.models import Invitation
from tests.factories import SupplierFactory, UserFactory

from .factories import supplier_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(make_user):
    return make_user("finance", username="fang")


def token_in(message):
    path = message.body.split("/portal/invitation/")[1].split()[0].rstrip("/")
    return path


def invite(supplier, finance, email="li@factory.example", django_capture_on_commit_callbacks=None):
    return invitations.invite_supplier_user(supplier, email=email, actor=finance)


def test_finance_invites_by_email_and_the_invitee_sets_a_password_and_is_logged_in(
        client, finance, django_capture_on_commit_callbacks):
    supplier = SupplierFactory()
    client.force_login(finance)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:staff_supplier_users", args=[supplier.pk]),
                               {"email": "Li@Factory.example", "language": "zh-hans"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["li@factory.example"]
    assert "72" in mail.outbox[0].body
    token = token_in(mail.outbox[0])
    client.logout()

    page = client.get(reverse("portal:accept", args=[token]))
    assert page.status_code == 200 and supplier.name in page.content.decode()
    response = client.post(reverse("portal:accept", args=[token]), {
        "first_name": "李", "password": "Sup-plier-2026!", "password_again": "Sup-plier-2026!",
        "language": "zh-hans"})
    assert response.status_code == 302 and response.url == reverse("portal:home")
    user = supplier.portal_users.get()
    assert user.username == "li@factory.example" and user.is_supplier_user and user.language == "zh-hans"
    assert client.get(reverse("portal:home")).status_code == 200  # logged in
    invitation = Invitation.objects.get()
    assert invitation.used_at is not None and invitation.user == user
    assert set(TransitionLog.objects.filter(object_id=invitation.pk).values_list("transition", flat=True)) == {
        "invited", "accepted"}


def test_a_used_invitation_does_not_work_again(client, finance):
    supplier = SupplierFactory()
    invitation = invite(supplier, finance)
    token = invitations.token_for(invitation)
    invitations.accept_invitation(token, password="Sup-plier-2026!", language="en")

    with pytest.raises(ValidationError, match="already been used"):
        invitations.accept_invitation(token, password="Another-2026!", language="en")
    response = client.post(reverse("portal:accept", args=[token]), {
        "password": "Another-2026!", "password_again": "Another-2026!", "language": "en"})
    assert response.status_code == 410
    assert not client.session.get("_auth_user_id")


def test_an_invitation_expires_after_72_hours(client, finance):
    invitation = invite(SupplierFactory(), finance)
    token = invitations.token_for(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="expired"):
        invitations.accept_invitation(token, password="Sup-plier-2026!", language="en")
    assert client.get(reverse("portal:accept", args=[token])).status_code == 410
    assert not Invitation.objects.get().supplier.portal_users.exists()


def test_the_signature_itself_expires_whatever_the_row_says(finance, monkeypatch):
    invitation = invite(SupplierFactory(), finance)
    token = invitations.token_for(invitation)
    monkeypatch.setattr(invitations, "INVITATION_MAX_AGE", timedelta(seconds=-1))
    with pytest.raises(ValidationError, match="expired"):
        invitations.invitation_for_token(token)


def test_a_forged_or_resent_link_does_not_work(finance):
    supplier = SupplierFactory()
    first = invite(supplier, finance)
    old_token = invitations.token_for(first)
    with pytest.raises(ValidationError, match="not valid"):
        invitations.invitation_for_token(old_token[:-2] + "xx")
    invitations.resend_invitation(first, actor=finance)
    with pytest.raises(ValidationError, match="newer one"):
        invitations.invitation_for_token(old_token)
    assert Invitation.objects.filter(cancelled_at__isnull=True).count() == 1


def test_a_user_of_another_supplier_cannot_be_invited_nor_accept_for_a_second_one(finance):
    ours, theirs = SupplierFactory(), SupplierFactory()
    supplier_user(theirs, username="wang@other.example", email="wang@other.example")
    with pytest.raises(ValidationError, match="another supplier"):
        invite(ours, finance, email="wang@other.example")

    # Invited first, tied to the other supplier meanwhile: the link no longer ties it to a second one.
    invitation = invite(ours, finance, email="zhao@factory.example")
    supplier_user(theirs, username="zhao@factory.example", email="zhao@factory.example")
    with pytest.raises(ValidationError, match="another supplier"):
        invitations.accept_invitation(invitations.token_for(invitation), password="Sup-plier-2026!", language="en")
    assert not ours.portal_users.exists()
    assert Invitation.objects.get(pk=invitation.pk).used_at is None


def test_a_staff_address_cannot_become_a_supplier_user(finance):
    UserFactory(username="boss@seller.example", roles=("manager",))
    with pytest.raises(ValidationError, match="staff login"):
        invite(SupplierFactory(), finance, email="boss@seller.example")


def test_only_finance_and_administrators_invite(client, make_user):
    supplier = SupplierFactory()
    client.force_login(make_user("sales"))
    assert client.post(reverse("portal:staff_supplier_users", args=[supplier.pk]),
                       {"email": "x@y.example", "language": "en"}).status_code == 403
    assert not Invitation.objects.exists()


def test_deactivation_stops_the_session_and_the_api_token_at_once(client, finance):
    supplier = SupplierFactory()
    user = supplier_user(supplier)
    _token, key = create_token(user=user, name="ERP", actor=user)
    client.force_login(user)
    assert client.get(reverse("portal:home")).status_code == 200
    api = client.get("/api/v1/catalog/carriers", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code != 401
    assert Session.objects.count() == 1

    staff = type(client)()
    staff.force_login(finance)
    response = staff.post(reverse("portal:staff_user_deactivate", args=[supplier.pk, user.pk]))
    assert response.status_code == 302

    user.refresh_from_db()
    assert not user.is_active
    assert client.get(reverse("portal:home")).status_code == 302  # to the login page
    assert client.get("/api/v1/catalog/carriers", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert not Session.objects.filter(session_key=client.session.session_key or "").exists()
    assert user.api_tokens.get().revoked
    assert TransitionLog.objects.filter(transition="supplier_user_deactivated", comment=user.username).exists()


def test_deactivating_another_suppliers_user_is_not_found(client, finance):
    ours, theirs = SupplierFactory(), SupplierFactory()
    user = supplier_user(theirs)
    client.force_login(finance)
    assert client.post(reverse("portal:staff_user_deactivate", args=[ours.pk, user.pk])).status_code == 404
    user.refresh_from_db()
    assert user.is_active


def test_the_supplier_users_page_lists_users_and_open_invitations(client, finance):
    supplier = SupplierFactory()
    supplier_user(supplier, username="chen")
    invite(supplier, finance, email="new@factory.example")
    client.force_login(finance)
    page = client.get(reverse("portal:staff_supplier_users", args=[supplier.pk])).content.decode()
    assert "chen" in page and "new@factory.example" in page
    assert client.get(reverse("portal:staff_suppliers")).status_code == 200

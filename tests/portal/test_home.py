"""The portal's home lists what needs doing for the user's own supplier only: drop-ships to dispatch and
their deadlines at risk or overdue (shipments.deadlines), tickets to answer; an untied login is told so."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shipments.models import Shipment

from .factories import approved_drop_ship, supplier_user

pytestmark = pytest.mark.django_db


def overdue(shipment, hours):
    Shipment.objects.filter(pk=shipment.pk).update(approved_at=timezone.now() - timedelta(hours=hours))


def test_the_home_shows_its_own_late_drop_ships_and_not_anothers(client):
    ours, theirs = approved_drop_ship(), approved_drop_ship()
    overdue(ours, 200)
    overdue(theirs, 200)
    client.force_login(supplier_user(ours.supplier))
    page = client.get(reverse("portal:home")).content.decode()
    deadlines = page.split('id="todo-deadlines"')[1].split('id="todo-statements"')[0]
    assert ours.number in deadlines and 'data-deadline="overdue"' in deadlines
    assert theirs.number not in page


def test_a_supplier_login_tied_to_no_supplier_is_told_and_sees_nothing_else(client, make_user):
    approved_drop_ship()
    client.force_login(make_user("supplier"))
    page = client.get(reverse("portal:home"))
    assert page.status_code == 200 and b"portal-untied" in page.content and b"SH" not in page.content
    assert client.get(reverse("portal:dropship_list")).status_code == 403

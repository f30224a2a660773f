"""The supplier login's own inbox in its portal: its notifications newest first in its language, unread
marked and counted in the menu; opening one marks it read and follows its link; "mark all read" touches
only its own rows; another user's notification is not found."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.messages import ASSIGNED
from notifications.models import Notification
from notifications.services import notify
from tests.factories import SupplierFactory, UserFactory
from tests.notifications.factories import NotificationFactory

from .factories import supplier_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(client):
    user = supplier_user(SupplierFactory(), language="zh-hans")
    client.force_login(user)
    return user


def test_lists_own_notifications_newest_first_in_the_readers_language_with_unread_counted(client, user):
    old = NotificationFactory(recipient=user, subject="older one", created_at=timezone.now() - timedelta(days=1),
                              read_at=timezone.now())
    [new] = notify(recipients=[user], message=ASSIGNED, params={"no": "AS-77"}, link="/portal/tickets/")
    NotificationFactory(subject="somebody else's")

    body = client.get(reverse("portal:inbox")).content.decode()

    assert "售后单 AS-77 已分配给您" in body  # rendered in the reader's language, whoever wrote it
    assert "somebody else's" not in body
    assert body.index(f'id="notification-{new.pk}" data-read="0"') < body.index(f'id="notification-{old.pk}" data-read="1"')
    assert 'id="portal-inbox"' in body and 'data-unread="1"' in body


def test_menu_count_on_other_portal_pages(client, user):
    NotificationFactory(recipient=user)
    NotificationFactory(recipient=user)
    body = client.get(reverse("portal:home")).content.decode()
    assert 'id="portal-inbox"' in body and 'data-unread="2"' in body


def test_open_marks_read_and_follows_the_link(client, user):
    notification = NotificationFactory(recipient=user, link="/portal/tickets/")
    response = client.post(reverse("portal:inbox_open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == "/portal/tickets/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_open_without_a_safe_link_goes_back_to_the_inbox(client, user):
    notification = NotificationFactory(recipient=user, link="https://evil.example/")
    response = client.post(reverse("portal:inbox_open", args=[notification.pk]))
    assert response.url == reverse("portal:inbox")


def test_another_users_notification_is_not_found_and_stays_unread(client, user):
    theirs = NotificationFactory(recipient=supplier_user(SupplierFactory()))
    assert client.post(reverse("portal:inbox_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_own_rows(client, user):
    NotificationFactory.create_batch(2, recipient=user)
    theirs = NotificationFactory()
    response = client.post(reverse("portal:inbox_mark_all_read"))
    assert response.status_code == 302 and response.url == reverse("portal:inbox")
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_internal_users_are_refused_even_with_view_as(client):
    client.force_login(UserFactory(roles=("manager",)))
    assert client.get(reverse("portal:inbox")).status_code == 403

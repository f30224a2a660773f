"""The inbox: each person sees only their own notifications, opens them, marks them read."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lina(client, make_user):
    user = make_user("sales", username="lina")
    client.force_login(user)
    return user


def test_the_header_shows_the_unread_count_and_links_to_the_inbox(client, lina):
    NotificationFactory.create_batch(3, recipient=lina)
    NotificationFactory(recipient=lina, read_at="2026-01-01T00:00Z")
    NotificationFactory()  # somebody else's

    page = client.get(reverse("reports:home"))

    assert b'id="inbox-badge"' in page.content
    assert b'data-unread="3"' in page.content
    assert reverse("notifications:inbox").encode() in page.content


def test_the_inbox_lists_only_my_notifications_newest_first(client, lina):
    older = NotificationFactory(recipient=lina, subject="Older 旧的")
    newer = NotificationFactory(recipient=lina, subject="Newer 新的")
    NotificationFactory(subject="Someone else's secret")

    page = client.get(reverse("notifications:inbox"))

    assert page.status_code == 200
    assert list(page.context["page_obj"].object_list) == [newer, older]
    assert "Someone else" not in page.content.decode()
    assert "新的" in page.content.decode()


def test_the_unread_filter_hides_read_ones(client, lina):
    NotificationFactory(recipient=lina, subject="Read already", read_at="2026-01-01T00:00Z")
    unread = NotificationFactory(recipient=lina, subject="Still new")

    page = client.get(reverse("notifications:inbox"), {"show": "unread"})

    assert list(page.context["page_obj"].object_list) == [unread]


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, lina):
    notification = NotificationFactory(recipient=lina, link="/home/")

    response = client.post(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302
    assert response.url == "/home/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_to_another_site_is_not_followed(client, lina):
    notification = NotificationFactory(recipient=lina, link="https://evil.example/phish")

    response = client.post(reverse("notifications:open", args=[notification.pk]))

    assert response.url == reverse("notifications:inbox")


def test_mark_one_read_with_htmx_returns_the_row_and_refreshes_the_badge(client, lina):
    notification = NotificationFactory(recipient=lina)

    response = client.post(reverse("notifications:mark_read", args=[notification.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    assert f'id="notification-{notification.pk}"' in response.content.decode()
    assert 'data-read="1"' in response.content.decode()
    badge = client.get(reverse("notifications:badge"))
    assert b"data-unread" not in badge.content


def test_mark_one_read_without_javascript_goes_back_to_the_inbox(client, lina):
    notification = NotificationFactory(recipient=lina)

    response = client.post(reverse("notifications:mark_read", args=[notification.pk]))

    assert response.url == reverse("notifications:inbox")
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_mark_all_read_touches_only_mine(client, lina):
    NotificationFactory.create_batch(2, recipient=lina)
    other = NotificationFactory()

    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert not Notification.objects.filter(recipient=lina, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None
    assert "2 notification(s) marked as read." in response.content.decode()


def test_nobody_can_read_or_open_someone_elses_notification(client, lina):
    other = NotificationFactory(subject="not yours")

    assert client.post(reverse("notifications:mark_read", args=[other.pk])).status_code == 404
    assert client.post(reverse("notifications:open", args=[other.pk])).status_code == 404
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_a_supplier_login_has_no_inbox_and_no_badge(client, make_user):
    client.force_login(make_user("supplier"))

    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert b"inbox-badge" not in client.get(reverse("portal:home")).content


def test_the_inbox_is_in_the_menu(client, lina):
    page = client.get(reverse("reports:home"))
    assert ("Inbox", reverse("notifications:inbox")) in dict(page.context["nav_menu"])["Work"]


def test_the_inbox_pages_through_many_notifications(client, lina, django_assert_max_num_queries):
    NotificationFactory.create_batch(30, recipient=lina)

    with django_assert_max_num_queries(12):
        first = client.get(reverse("notifications:inbox"))
    second = client.get(reverse("notifications:inbox"), {"page": 2})

    assert len(first.context["page_obj"].object_list) == 25
    assert len(second.context["page_obj"].object_list) == 5

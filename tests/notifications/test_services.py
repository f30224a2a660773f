"""notify() stores inbox rows with the event and delivers their e-mail once, after commit."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from config.celery import app as celery_app
from notifications import services
from notifications.models import DeliveryStatus, Notification
from notifications.tasks import deliver_notification, deliver_pending_notifications
from tests.notifications.factories import NOTICE, NotificationFactory
from tests.worker_support import celery_app_using

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:6390/11"


def test_notify_stores_one_row_per_recipient_and_emails_after_commit(
    make_user, django_capture_on_commit_callbacks
):
    alice, bob = make_user("sales"), make_user("approver")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = services.notify(
            recipients=[alice, bob, alice], message=NOTICE, params={"subject": "Shipment S-1 approved", "body": "Ready to dispatch."},
            link="/shipments/1/", event="shipment.approved",
        )
        assert Notification.objects.count() == 2
        assert mail.outbox == [], "nothing is sent before the event commits"

    assert len(callbacks) == 1, "one on-commit callback for all rows, not one per row"
    assert {n.recipient_id for n in created} == {alice.pk, bob.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])
    assert "http://127.0.0.1:8000/shipments/1/" in mail.outbox[0].body
    for row in Notification.objects.all():
        assert row.delivery_status == DeliveryStatus.SENT
        assert row.email_sent_at is not None
        assert row.delivery_attempts == 1
        assert row.read_at is None


def test_notifications_roll_back_with_the_event(make_user, django_capture_on_commit_callbacks):
    alice = make_user("sales")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify(recipients=[alice], message=NOTICE, params={"subject": "Order cancelled"})
        raise RuntimeError("the event failed")

    assert Notification.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_notify_role_reaches_every_active_holder_of_the_role(make_user, django_capture_on_commit_callbacks):
    first, second = make_user("warehouse"), make_user("warehouse", "sales")
    make_user("warehouse", is_active=False)
    make_user("sales")
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify_role(Role.WAREHOUSE, message=NOTICE, params={"subject": "Shipment S-2 is in the dispatch queue"})

    assert {n.recipient_id for n in created} == {first.pk, second.pk}
    assert len(mail.outbox) == 2


def test_notify_with_nobody_to_tell_writes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.notify(recipients=[None], message=NOTICE, params={"subject": "nobody"}) == []
        assert services.notify_role(Role.FINANCE_SUPERVISOR, message=NOTICE, params={"subject": "nobody holds this role yet"}) == []
    assert callbacks == []


def test_a_recipient_without_address_still_gets_the_inbox_row(make_user, django_capture_on_commit_callbacks):
    user = make_user("sales", email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[user], message=NOTICE, params={"subject": "New order"})

    row = Notification.objects.get()
    assert row.delivery_status == DeliveryStatus.NO_ADDRESS
    assert row.email_sent_at is None
    assert mail.outbox == []


def test_delivering_twice_sends_the_email_once():
    notification = NotificationFactory()

    assert deliver_notification(notification.pk) == DeliveryStatus.SENT
    assert deliver_notification(notification.pk) == DeliveryStatus.SENT

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.delivery_attempts == 1


def test_a_row_claimed_by_a_live_worker_is_not_sent_again():
    notification = NotificationFactory(delivery_status=DeliveryStatus.SENDING, claimed_at=timezone.now())

    assert services.deliver(notification.pk) == DeliveryStatus.SENDING
    assert mail.outbox == []


def test_a_claim_abandoned_by_a_dead_worker_is_taken_over_by_the_sweep():
    stale = timezone.now() - services.CLAIM_TIMEOUT - timedelta(seconds=1)
    notification = NotificationFactory(
        delivery_status=DeliveryStatus.SENDING, claimed_at=stale, created_at=stale, delivery_attempts=1
    )

    assert deliver_pending_notifications() == 1

    notification.refresh_from_db()
    assert notification.delivery_status == DeliveryStatus.SENT
    assert notification.delivery_attempts == 2
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_leaves_the_row_pending_then_gives_up(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_services.BrokenEmailBackend"
    notification = NotificationFactory()

    for _attempt in range(services.MAX_ATTEMPTS - 1):
        assert services.deliver(notification.pk) == DeliveryStatus.PENDING
    assert services.deliver(notification.pk) == DeliveryStatus.FAILED

    notification.refresh_from_db()
    assert notification.delivery_attempts == services.MAX_ATTEMPTS
    assert "mail server down" in notification.last_error
    assert services.undelivered_ids(grace=timedelta(0)) == [], "a failed row is not retried for ever"


def test_the_sweep_leaves_young_rows_to_their_queued_task_and_sent_rows_alone():
    old = timezone.now() - timedelta(minutes=5)
    pending = NotificationFactory(created_at=old)
    NotificationFactory()  # just created: its own task is probably still in the queue
    NotificationFactory(created_at=old, delivery_status=DeliveryStatus.SENT, email_sent_at=old)

    assert services.undelivered_ids() == [pending.pk]


def test_broker_down_the_event_commits_and_rows_stay_pending(
    make_user, caplog, django_capture_on_commit_callbacks
):
    """With the broker unreachable, publishing fails fast and quietly; the sweep delivers later."""
    alice, bob = make_user("sales"), make_user("sales")
    with celery_app_using(DEAD_BROKER), caplog.at_level(logging.WARNING, logger="notifications.services"):
        started = timezone.now()
        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
            services.notify(recipients=[alice, bob], message=NOTICE, params={"subject": "New order TM-9"})
        elapsed = (timezone.now() - started).total_seconds()

    assert len(callbacks) == 1
    assert elapsed < 5, f"publishing to a dead broker took {elapsed:.1f}s"
    assert "stay pending" in caplog.text
    assert set(Notification.objects.values_list("delivery_status", flat=True)) == {DeliveryStatus.PENDING}
    assert celery_app.conf.task_always_eager, "the eager test app is restored afterwards"

    assert services.redeliver_pending(grace=timedelta(0)) == 2
    assert services.redeliver_pending(grace=timedelta(0)) == 0
    assert len(mail.outbox) == 2


class BrokenEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_one_notify_call_queues_one_delivery_task_for_all_its_rows(
    make_user, django_capture_on_commit_callbacks, monkeypatch
):
    """A shipment's approval tells every warehouse person: one message to the broker, each row still
    claimed (and sent) on its own."""
    from notifications import tasks

    published = []
    real_delay = tasks.deliver_notifications.delay
    monkeypatch.setattr(tasks.deliver_notifications, "delay",
                        lambda ids: published.append(list(ids)) or real_delay(ids))
    people = [make_user("warehouse") for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify_role("warehouse", message=NOTICE, params={"subject": "Shipment S-2 approved: ready to pick"})

    assert published == [sorted(n.pk for n in created)]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in people)
    assert set(Notification.objects.values_list("delivery_status", flat=True)) == {DeliveryStatus.SENT}
    assert tasks.deliver_notifications(published[0]) == [DeliveryStatus.SENT] * 3, "run twice: nothing sent again"
    assert len(mail.outbox) == 3

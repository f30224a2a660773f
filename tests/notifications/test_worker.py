"""With a real Celery worker and Redis (PostgreSQL pass): notifications leave by e-mail after the event
commits, and a broker outage loses nothing — the sweep delivers each pending row exactly once."""

import time
from email import message_from_string
from email.header import decode_header, make_header

import pytest
from django.db import transaction

from notifications import services
from notifications.models import DeliveryStatus, Notification
from notifications.tasks import deliver_notification, deliver_pending_notifications
from orders.messages import NEW_ORDER
from tests.worker_support import celery_app_using

pytestmark = pytest.mark.worker

DEAD_BROKER = "redis://127.0.0.1:6390/11"  # nothing listens there: publishing fails
# The worker is another process: it knows the messages the apps declare (not a test's own).
ORDER = {"no": "TM-1001", "store": "天猫旗舰店", "name": "王伟", "address": "北京"}


def subjects(worker):
    return sorted(str(make_header(decode_header(message_from_string(m)["Subject"]))) for m in worker.sent_emails())


def all_sent(ids):
    return lambda: Notification.objects.filter(pk__in=ids, delivery_status=DeliveryStatus.SENT).count() == len(ids)


def test_a_notification_is_emailed_by_the_worker_after_commit(celery_worker_process, make_user):
    """The worker renders each e-mail in its recipient's language (the message key is declared in
    orders/messages.py, which the worker process discovers at start)."""
    worker = celery_worker_process
    assert worker.start_seconds < 20, f"the worker took {worker.start_seconds:.1f}s to start"
    lina = make_user("sales", username="lina", language="zh-hans")
    anna = make_user("sales", username="anna", language="en")

    with transaction.atomic():
        rows = services.notify(
            recipients=[lina, anna], message=NEW_ORDER, link="/orders/1/", event="order.created",
            params={"no": "TM-1001", "store": "天猫旗舰店", "name": "王伟", "address": "北京"},
        )

    worker.wait_for(all_sent([n.pk for n in rows]), message="the e-mails to be sent")
    for row in Notification.objects.filter(pk__in=[n.pk for n in rows]):
        assert row.email_sent_at is not None
        assert row.delivery_attempts == 1
    assert subjects(worker) == ["New order TM-1001 from 天猫旗舰店", "新订单 TM-1001（天猫旗舰店）"]
    assert any("lina@example.com" in m for m in worker.sent_emails())


def test_the_same_row_queued_twice_is_emailed_once(celery_worker_process, make_user):
    worker = celery_worker_process
    with transaction.atomic():
        [notification] = services.notify(recipients=[make_user("approver")], message=NEW_ORDER, params=ORDER)
    deliver_notification.delay(notification.pk)  # a duplicate message, e.g. redelivered by the broker

    worker.wait_for(all_sent([notification.pk]), message="the e-mail to be sent")
    time.sleep(1)  # let the duplicate run too
    assert len(worker.sent_emails()) == 1
    assert Notification.objects.get(pk=notification.pk).delivery_attempts == 1


def test_broker_outage_loses_nothing_and_the_sweep_delivers_each_row_once(
    celery_worker_process, make_user, caplog
):
    worker = celery_worker_process
    warehouse = [make_user("warehouse") for _ in range(3)]

    # The broker is down while the event happens: the event still commits, quickly, rows stay pending.
    with celery_app_using(DEAD_BROKER):
        started = time.monotonic()
        with transaction.atomic():
            created = services.notify_role("warehouse", message=NEW_ORDER, params=ORDER)
        elapsed = time.monotonic() - started
    ids = [n.pk for n in created]
    assert elapsed < 5, f"the event waited {elapsed:.1f}s for a dead broker"
    assert "they stay pending" in caplog.text
    assert Notification.objects.filter(pk__in=ids, delivery_status=DeliveryStatus.PENDING).count() == 3
    time.sleep(0.5)
    assert worker.sent_emails() == []

    # The broker is back (this fixture's app points at it again): the periodic sweep runs — twice.
    deliver_pending_notifications.delay(grace_seconds=0)
    deliver_pending_notifications.delay(grace_seconds=0)

    worker.wait_for(all_sent(ids), message="the sweep to deliver the pending rows")
    time.sleep(1)  # any duplicate delivery task queued by the second sweep has run by now
    assert sorted(m.split("To: ")[1].split("\n")[0] for m in worker.sent_emails()) == sorted(
        u.email for u in warehouse
    )
    assert set(Notification.objects.filter(pk__in=ids).values_list("delivery_attempts", flat=True)) == {1}

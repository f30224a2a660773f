"""Two workers delivering the same notification at the same moment: the e-mail leaves once."""

import threading

import pytest
from django.core import mail
from django.db import connection

from notifications import services
from notifications.models import DeliveryStatus, Notification
from tests.notifications.factories import NotificationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


def test_concurrent_deliveries_of_one_row_send_one_email():
    notification = NotificationFactory()
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def deliver():
        try:
            barrier.wait(timeout=10)
            results.append(services.deliver(notification.pk))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=deliver) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(results) == THREADS
    assert len(mail.outbox) == 1
    row = Notification.objects.get(pk=notification.pk)
    assert row.delivery_status == DeliveryStatus.SENT
    assert row.delivery_attempts == 1

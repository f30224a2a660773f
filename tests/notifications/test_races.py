"""Two workers delivering the same notification at the same moment: the e-mail leaves once."""

import pytest
from django.core import mail

from notifications import services
from notifications.models import DeliveryStatus, Notification
from tests.notifications.factories import NotificationFactory
from tests.races import errors, run_together, successes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


def test_concurrent_deliveries_of_one_row_send_one_email():
    notification = NotificationFactory()

    outcomes = run_together(lambda i: services.deliver(notification.pk), THREADS)

    assert errors(outcomes) == []
    assert len(successes(outcomes)) == THREADS
    assert len(mail.outbox) == 1
    row = Notification.objects.get(pk=notification.pk)
    assert row.delivery_status == DeliveryStatus.SENT
    assert row.delivery_attempts == 1

"""Deadline notices when the periodic task runs twice at once (two beat schedulers, a redelivered task):
each (document, level) is announced once. PostgreSQL, real threads (tests/races.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from shipments.models import DeadlineNotice
from shipments.tasks import send_deadline_notices_task
from tests.factories import StoreFactory
from tests.orders.factories import OrderFactory
from tests.races import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_runs_announce_each_late_order_once():
    store = StoreFactory(promised_dispatch_hours=48)
    orders = [OrderFactory(store=store, ordered_at=timezone.now() - timedelta(hours=40 + i)) for i in range(5)]
    outcomes = run_together(lambda i: send_deadline_notices_task(), 4)
    assert all(outcome.ok for outcome in outcomes), [o.error for o in outcomes]
    announced = [o.value for o in outcomes if o.value and o.value["order"]]
    assert sum(value["order"] for value in announced) == 5
    assert DeadlineNotice.objects.count() == 5
    assert Notification.objects.filter(event="dispatch_deadline").count() == 5
    assert set(Notification.objects.values_list("recipient", flat=True)) == {store.salesperson_id}
    assert {n.document_id for n in DeadlineNotice.objects.all()} == {o.pk for o in orders}

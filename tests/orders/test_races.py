"""Two requests with the same (store, order no.) at the same moment: one order, both get it back."""

from decimal import Decimal

import pytest
from django.utils import timezone

from notifications.models import Notification
from orders.models import Order, OrderLine
from orders.services import create_order
from tests.factories import ProductFactory, StoreFactory, UserFactory
from tests.races import errors, run_together, successes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 6


def test_concurrent_retries_of_one_order_create_it_once():
    sales = UserFactory(roles=("sales",))
    store, product = StoreFactory(salesperson=sales), ProductFactory()

    def post(i):
        order, created = create_order(
            store=store, external_order_no="RACE-1", recipient_name="并发", recipient_phone="1",
            recipient_address="somewhere", ordered_at=timezone.now(),
            lines=[(product, 1, Decimal("1.00"))], actor=sales,
        )
        return order.pk, created

    outcomes = run_together(post, THREADS)

    results = successes(outcomes)
    assert errors(outcomes) == []
    assert len(results) == THREADS
    assert len({pk for pk, _created in results}) == 1
    assert sorted(created for _pk, created in results) == [False] * (THREADS - 1) + [True]
    assert Order.objects.count() == 1 and OrderLine.objects.count() == 1
    assert Notification.objects.filter(event="order_created").count() == 1

"""Two requests with the same (store, order no.) at the same moment: one order, both get it back."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import Notification
from orders.models import Order, OrderLine
from orders.services import create_order
from tests.factories import ProductFactory, StoreFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 6


def test_concurrent_retries_of_one_order_create_it_once():
    sales = UserFactory(roles=("sales",))
    store, product = StoreFactory(salesperson=sales), ProductFactory()
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def post():
        try:
            barrier.wait(timeout=10)
            order, created = create_order(
                store=store, external_order_no="RACE-1", recipient_name="并发", recipient_phone="1",
                recipient_address="somewhere", ordered_at=timezone.now(),
                lines=[(product, 1, Decimal("1.00"))], actor=sales,
            )
            results.append((order.pk, created))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == THREADS
    assert len({pk for pk, _created in results}) == 1
    assert sorted(created for _pk, created in results) == [False] * (THREADS - 1) + [True]
    assert Order.objects.count() == 1 and OrderLine.objects.count() == 1
    assert Notification.objects.filter(event="order_created").count() == 1

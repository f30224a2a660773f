"""Dispatch deadlines of orders (DESIGN.md "Dispatch deadline"): dispatch-by = ordered at + the store's
promised hours; at risk from 75 % of the window, overdue after it, only while not fully dispatched."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.deadlines import DeadlineLevel, filter_deadline, late_orders, late_orders_per_store, with_deadline
from orders.models import FulfilmentStatus, Order
from tests.factories import StoreFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def level(order, now=NOW):
    return with_deadline(Order.objects.filter(pk=order.pk), now=now).get().deadline


def order_placed(hours_ago, *, store=None, status=None):
    order = OrderFactory(store=store or StoreFactory(promised_dispatch_hours=48),
                         ordered_at=NOW - timedelta(hours=hours_ago))
    if status:
        Order.objects.filter(pk=order.pk).update(fulfilment_status=status)
    return order


def test_dispatch_by_is_ordered_at_plus_the_stores_hours():
    order = order_placed(1, store=StoreFactory(promised_dispatch_hours=24))
    row = with_deadline(Order.objects.filter(pk=order.pk), now=NOW).get()
    assert row.dispatch_by == order.ordered_at + timedelta(hours=24)
    assert row.at_risk_from == order.ordered_at + timedelta(hours=18)


@pytest.mark.parametrize(("elapsed", "expected"), [
    (timedelta(hours=36) - timedelta(seconds=1), DeadlineLevel.ON_TIME),   # just before 75 % of 48 h
    (timedelta(hours=36), DeadlineLevel.AT_RISK),                          # exactly 75 %
    (timedelta(hours=48), DeadlineLevel.AT_RISK),                          # at the deadline itself
    (timedelta(hours=48, seconds=1), DeadlineLevel.OVERDUE),               # just after it
])
def test_levels_at_the_boundaries(elapsed, expected):
    order = OrderFactory(store=StoreFactory(promised_dispatch_hours=48), ordered_at=NOW - elapsed)
    assert level(order) == expected


@pytest.mark.parametrize("status", [FulfilmentStatus.SHIPPED, FulfilmentStatus.CANCELLED,
                                    FulfilmentStatus.DELIVERED, FulfilmentStatus.INVOICED])
def test_a_dispatched_cancelled_or_closed_order_has_no_deadline(status):
    assert level(order_placed(100, status=status)) is None


def test_a_partly_shipped_order_is_still_held_to_its_deadline():
    assert level(order_placed(100, status=FulfilmentStatus.PARTIALLY_SHIPPED)) == DeadlineLevel.OVERDUE


def test_filter_and_order_oldest_deadline_first():
    slow_store = StoreFactory(promised_dispatch_hours=72)
    on_time = order_placed(1)
    at_risk = order_placed(40)
    overdue = order_placed(60)
    older_deadline = order_placed(100, store=slow_store)  # due 28 h ago: before `overdue` (12 h ago)
    order_placed(100, status=FulfilmentStatus.SHIPPED)
    everything = Order.objects.all()
    assert set(filter_deadline(everything, "at_risk", now=NOW)) == {at_risk}
    assert set(filter_deadline(everything, "overdue", now=NOW)) == {overdue, older_deadline}
    assert set(filter_deadline(everything, "late", now=NOW)) == {at_risk, overdue, older_deadline}
    assert set(filter_deadline(everything, "nonsense", now=NOW)) == set(everything)
    assert list(late_orders(now=NOW)) == [older_deadline, overdue, at_risk]
    assert on_time not in late_orders(now=NOW)


def test_late_orders_are_counted_per_store():
    store = StoreFactory(name="A 店铺")
    other = StoreFactory(name="B 店铺")
    order_placed(40, store=store)
    order_placed(60, store=store)
    order_placed(61, store=store)
    order_placed(40, store=other)
    order_placed(1, store=other)
    assert late_orders_per_store(now=NOW) == [
        {"store_id": store.pk, "store__name": store.name, "at_risk": 1, "overdue": 2},
        {"store_id": other.pk, "store__name": other.name, "at_risk": 1, "overdue": 0},
    ]

"""Dispatch deadlines of shipments: the order's window (ordered at + the store's hours) for an
undispatched sale shipment, and for an approved drop-ship also the supplier's (approved at + the
supplier's hours); the level is the worse of the two, dispatch-by the earlier."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.deadlines import DeadlineLevel
from orders.models import Order
from shipments.approval import approve_shipment, submit_shipment
from shipments.cancelling import cancel_shipment
from shipments.deadlines import filter_deadline, late_drop_ships, late_drop_ships_per_supplier, with_deadline
from shipments.dispatching import dispatch_shipment
from shipments.models import Shipment
from tests.shipments.factories import make_world

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def row(shipment, now=NOW):
    return with_deadline(Shipment.objects.filter(pk=shipment.pk), now=now).get()


def approved_drop_ship(*, ordered_hours_ago=1, approved_hours_ago=0, store_hours=48, supplier_hours=24):
    world = make_world()
    world.order.store.promised_dispatch_hours = store_hours
    world.order.store.save(update_fields=["promised_dispatch_hours"])
    Order.objects.filter(pk=world.order.pk).update(ordered_at=NOW - timedelta(hours=ordered_hours_ago))
    supplier = world.lines[0].product.default_supplier
    supplier.promised_dispatch_hours = supplier_hours
    supplier.save(update_fields=["promised_dispatch_hours"])
    shipment = world.ship("drop_ship")
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    Shipment.objects.filter(pk=shipment.pk).update(approved_at=NOW - timedelta(hours=approved_hours_ago))
    shipment.world = world
    return shipment


def test_a_draft_sale_shipment_is_held_to_its_orders_window():
    world = make_world()
    Order.objects.filter(pk=world.order.pk).update(ordered_at=NOW - timedelta(hours=37))
    shipment = world.ship()
    got = row(shipment)
    assert got.deadline == DeadlineLevel.AT_RISK
    assert got.dispatch_by == NOW - timedelta(hours=37) + timedelta(hours=48)


@pytest.mark.parametrize(("approved_ago", "expected"), [
    (timedelta(hours=18) - timedelta(seconds=1), DeadlineLevel.ON_TIME),  # just before 75 % of 24 h
    (timedelta(hours=18), DeadlineLevel.AT_RISK),
    (timedelta(hours=24), DeadlineLevel.AT_RISK),
    (timedelta(hours=24, seconds=1), DeadlineLevel.OVERDUE),
])
def test_an_approved_drop_ship_is_held_to_its_suppliers_window_from_approval(approved_ago, expected):
    shipment = approved_drop_ship(ordered_hours_ago=1, store_hours=480, supplier_hours=24)
    Shipment.objects.filter(pk=shipment.pk).update(approved_at=NOW - approved_ago)
    got = row(shipment)
    assert got.deadline == expected
    assert got.dispatch_by == NOW - approved_ago + timedelta(hours=24)


def test_the_worse_window_decides_and_dispatch_by_is_the_earlier():
    # Supplier on time (approved just now, 24 h) but the store's 48 h window is nearly spent.
    shipment = approved_drop_ship(ordered_hours_ago=47, approved_hours_ago=0, store_hours=48, supplier_hours=24)
    got = row(shipment)
    assert got.deadline == DeadlineLevel.AT_RISK
    assert got.dispatch_by == NOW + timedelta(hours=1)
    assert got.dispatch_by == got.order_dispatch_by < got.supplier_dispatch_by


def test_dispatched_or_cancelled_shipments_have_no_deadline():
    shipment = approved_drop_ship(ordered_hours_ago=100, approved_hours_ago=100)
    assert row(shipment).deadline == DeadlineLevel.OVERDUE
    cancel_shipment(Shipment.objects.get(pk=shipment.pk), actor=shipment.world.approver, reason="客户取消")
    assert row(shipment).deadline is None


def test_a_dispatched_drop_ship_has_no_deadline():
    shipment = approved_drop_ship(ordered_hours_ago=100, approved_hours_ago=100)
    dispatch_shipment(Shipment.objects.get(pk=shipment.pk), actor=shipment.world.sales,
                       carrier=shipment.world.carrier, tracking_number="SF100")
    assert row(shipment).deadline is None


def test_late_drop_ships_oldest_first_and_counted_per_supplier():
    on_time = approved_drop_ship(approved_hours_ago=1, supplier_hours=24, store_hours=480)
    at_risk = approved_drop_ship(approved_hours_ago=20, supplier_hours=24, store_hours=480)
    overdue = approved_drop_ship(approved_hours_ago=30, supplier_hours=24, store_hours=480)
    assert list(late_drop_ships(now=NOW)) == [overdue, at_risk]
    assert set(filter_deadline(Shipment.objects.all(), "overdue", now=NOW)) == {overdue}
    assert on_time not in set(filter_deadline(Shipment.objects.all(), "late", now=NOW))
    per_supplier = {r["supplier_id"]: (r["at_risk"], r["overdue"]) for r in late_drop_ships_per_supplier(now=NOW)}
    assert per_supplier == {at_risk.supplier_id: (1, 0), overdue.supplier_id: (0, 1)}

"""The daily shipment summary: what the dispatch service adds as it goes equals what `rebuild_summaries`
computes from the lines, and both equal the dispatched lines themselves."""

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from shipments.approval import approve_shipment, submit_shipment
from shipments.cancelling import cancel_shipment
from shipments.dispatching import dispatch_shipment, dispatch_shipments, mark_delivered, start_picking
from shipments.models import DISPATCHED_OR_LATER, ShipmentDaySummary, ShipmentLine
from shipments.summary import rebuild

from .factories import make_world

pytestmark = pytest.mark.django_db


def rows():
    return sorted(ShipmentDaySummary.objects.values_list("day", "store_id", "supplier_id", "warehouse_id",
                                                         "product_id", "kind", "lines", "units"),
                  key=lambda r: [-1 if v is None else v for v in r])


def approved(world, kind, quantities):
    shipment = world.ship(kind, quantities=quantities,
                          prices=["3.00"] * len(world.lines) if kind == "drop_ship" else None)
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    if kind == "company_dispatch":
        start_picking(shipment, actor=world.warehouse_user)
    return shipment


def test_incremental_summary_equals_the_rebuilt_one_after_a_series_of_dispatches():
    world = make_world(lines=3, quantity=6)
    c1 = approved(world, "company_dispatch", [1, 2, 0])
    dispatch_shipment(c1, actor=world.warehouse_user, carrier=world.carrier, tracking_number="SF1")
    # the same day, store, warehouse and products again, two at once: the rows add up
    c2 = approved(world, "company_dispatch", [1, 1, 0])
    c3 = approved(world, "company_dispatch", [0, 0, 1])
    dispatch_shipments([(c2, world.carrier, "SF2"), (c3, world.carrier, "SF3")], actor=world.warehouse_user)
    d1 = approved(world, "drop_ship", [1, 0, 2])
    dispatch_shipment(d1, actor=world.sales, carrier=world.carrier, tracking_number="YT1")
    mark_delivered(c1, actor=world.sales)  # later steps change nothing
    cancelled = approved(world, "drop_ship", [1, 1, 1])  # never dispatched: never counted
    cancel_shipment(cancelled, actor=world.approver, reason="customer cancelled")

    incremental = rows()
    assert len(incremental) == 3 + 2  # company: three products (one warehouse, one day); drop-ship: two
    assert [r[6:] for r in incremental if r[5] == "company_dispatch"] == [(2, 2), (2, 3), (1, 1)]
    assert sum(r[7] for r in incremental) == 1 + 2 + 1 + 1 + 1 + 1 + 2
    today = timezone.localdate()
    assert {r[0] for r in incremental} == {today}

    assert rebuild() == len(incremental)
    assert rows() == incremental
    dispatched = ShipmentLine.objects.filter(shipment__state__in=DISPATCHED_OR_LATER).aggregate(u=Sum("quantity"))
    assert ShipmentDaySummary.objects.aggregate(u=Sum("units"))["u"] == dispatched["u"]


def test_rebuild_command_replaces_a_wrong_summary():
    world = make_world(lines=1, quantity=2)
    shipment = approved(world, "company_dispatch", [2])
    dispatch_shipment(shipment, actor=world.warehouse_user, carrier=world.carrier, tracking_number="SF1")
    good = rows()
    ShipmentDaySummary.objects.update(units=99)
    call_command("rebuild_summaries", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert rows() == good

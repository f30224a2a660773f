"""The shipment page and the order page cost the same number of queries for 1 and 20 lines, with
everything they show filled in: a dispatched shipment's lines, its supplier entries (one per line for a
drop-ship, read for the reconciliation status), the order's shipments, after-sales and timeline."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shipments.approval import approve_shipment, submit_shipment
from shipments.dispatching import dispatch_shipment, mark_delivered, start_picking
from tests.aftersales.factories import make_ticket

from .factories import make_world

pytestmark = pytest.mark.django_db


def dispatched_world(kind, lines):
    world = make_world(lines=lines, quantity=2)
    shipment = world.ship(kind, freight="5.00" if kind == "drop_ship" else "0")
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    if kind == "company_dispatch":
        start_picking(shipment, actor=world.warehouse_user)
        dispatcher = world.warehouse_user
    else:
        dispatcher = world.sales
    dispatch_shipment(shipment, actor=dispatcher, carrier=world.carrier, tracking_number="SF1")
    mark_delivered(shipment, actor=world.sales)
    make_ticket(order_line=world.lines[0], registered_by=world.sales)
    world.shipment = shipment
    return world


def page_queries(client, url):
    client.get(url)  # the session and permission caches, as on any later visit
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("kind", ["company_dispatch", "drop_ship"])
@pytest.mark.parametrize("viewer", ["sales", "finance"])
def test_the_shipment_page_costs_the_same_queries_for_1_and_20_lines(client, kind, viewer):
    counts = []
    for lines in (1, 20):
        world = dispatched_world(kind, lines)
        client.force_login(getattr(world, viewer))
        html = client.get(world.shipment.get_absolute_url()).content.decode()
        assert html.count('id="reconciliation-status"') == 1
        counts.append(page_queries(client, world.shipment.get_absolute_url()))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("kind", ["company_dispatch", "drop_ship"])
def test_the_order_page_with_shipments_and_tickets_costs_the_same_queries_for_1_and_20_lines(client, kind):
    counts = []
    for lines in (1, 20):
        world = dispatched_world(kind, lines)
        client.force_login(world.sales)
        url = world.order.get_absolute_url()
        assert world.shipment.number in client.get(url).content.decode()
        counts.append(page_queries(client, url))
    assert counts[0] == counts[1], counts

"""Exchange and reship tickets send goods out through the shipments service (purpose exchange / reship):
the outbound shipment uses no open quantity and leaves the order's fulfilment status alone, and its
dispatch resolves the ticket (aftersales' receiver of shipments.signals.shipment_dispatched; shipments
knows nothing of it)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_fsm import TransitionNotAllowed

from aftersales import outbound, services
from aftersales.models import ReturnDestination, Ticket, TicketState, TicketType
from inventory.models import MoveKind, StockBalance, StockLedgerEntry
from orders.models import AftersalesStatus, FulfilmentStatus, Order
from orders.selectors import lines_with_open_quantity
from shipments.approval import approve_shipment, submit_shipment
from shipments.dispatching import dispatch_shipment, start_picking
from shipments.models import ShipmentPurpose, ShipmentState
from tests.aftersales.factories import dispatch_units, make_ticket
from tests.shipments.factories import make_world

pytestmark = pytest.mark.django_db


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def dispatch_company(world, shipment):
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    start_picking(shipment, actor=world.warehouse_user)
    dispatch_shipment(shipment, actor=world.warehouse_user, carrier=world.carrier, tracking_number="SF1")


def test_an_exchange_ships_its_replacement_without_touching_fulfilment_or_open_quantity():
    world = make_world(quantity=2, stock=10)
    line = world.lines[0]
    dispatch_company(world, world.ship())  # the sale: both units out
    assert fresh(world.order).fulfilment_status == FulfilmentStatus.SHIPPED

    ticket = make_ticket(type=TicketType.EXCHANGE, order_line=line, quantity=1, registered_by=world.sales,
                         warehouse=world.warehouse, destination=ReturnDestination.WAREHOUSE)
    with pytest.raises(TransitionNotAllowed):  # nothing goes out before approval
        outbound.create_outbound_shipment(ticket, kind="company_dispatch", warehouse=world.warehouse,
                                          actor=world.sales)
    services.submit_ticket(ticket, actor=world.sales)
    services.approve_ticket(ticket, actor=world.approver)  # → awaiting the return at once
    services.confirm_return_received(ticket, actor=world.warehouse_user)

    shipment = outbound.create_outbound_shipment(ticket, kind="company_dispatch", warehouse=world.warehouse,
                                                 actor=world.sales)
    assert shipment.purpose == ShipmentPurpose.EXCHANGE
    assert fresh(ticket).outbound_shipment == shipment
    with pytest.raises(ValidationError):  # one live outbound shipment per ticket
        outbound.create_outbound_shipment(ticket, kind="company_dispatch", warehouse=world.warehouse,
                                          actor=world.sales)
    dispatch_company(world, shipment)

    assert fresh(shipment).state == ShipmentState.DISPATCHED
    ticket = fresh(ticket)
    assert ticket.state == TicketState.RESOLVED
    order = fresh(world.order)
    assert order.fulfilment_status == FulfilmentStatus.SHIPPED  # unchanged by the exchange
    assert order.aftersales_status == AftersalesStatus.RESOLVED
    assert [ol.open_quantity for ol in lines_with_open_quantity(order)] == [0]  # unchanged
    kinds = list(StockLedgerEntry.objects.filter(product=line.product).order_by("id")
                 .values_list("kind", "direction", "quantity"))
    assert kinds[-2:] == [(MoveKind.RETURN, "in", 1), (MoveKind.DISPATCH, "out", 1)]
    assert StockBalance.objects.get(product=line.product, warehouse=world.warehouse).on_hand == 8


def test_a_reship_drop_ship_resolves_the_ticket_when_the_supplier_dispatches_it():
    world = make_world(quantity=2, stock=0)
    line = world.lines[0]
    dispatch_units(line, 1, sales=world.sales, approver=world.approver)  # one unit reached the customer
    ticket = make_ticket(type=TicketType.RESHIP, order_line=line, quantity=1, registered_by=world.sales)
    services.submit_ticket(ticket, actor=world.sales)
    services.approve_ticket(ticket, actor=world.approver)
    shipment = outbound.create_outbound_shipment(ticket, kind="drop_ship",
                                                 supplier=line.product.default_supplier, actor=world.sales)
    assert shipment.purpose == ShipmentPurpose.RESHIP
    # reship units never count against open quantity
    assert [ol.open_quantity for ol in lines_with_open_quantity(world.order)] == [1]
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    assert fresh(ticket).state == TicketState.APPROVED
    dispatch_shipment(shipment, actor=world.sales, carrier=world.carrier, tracking_number="YT9")
    assert fresh(ticket).state == TicketState.RESOLVED
    order = Order.objects.get(pk=world.order.pk)
    assert order.fulfilment_status == FulfilmentStatus.PARTIALLY_SHIPPED  # the reship unit does not count
    assert order.aftersales_status == AftersalesStatus.RESOLVED


def test_a_sale_shipment_dispatch_resolves_no_ticket():
    world = make_world(quantity=2, stock=10)
    dispatch_company(world, world.ship(quantities=[1]))
    ticket = make_ticket(type=TicketType.RESHIP, order_line=world.lines[0], quantity=1, registered_by=world.sales)
    services.submit_ticket(ticket, actor=world.sales)
    services.approve_ticket(ticket, actor=world.approver)
    dispatch_company(world, world.ship(quantities=[1]))
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.APPROVED


def test_the_ticket_page_enters_the_reship_shipment(client):
    world = make_world(quantity=1, stock=5)
    dispatch_company(world, world.ship())
    ticket = make_ticket(type=TicketType.RESHIP, order_line=world.lines[0], quantity=1, registered_by=world.sales)
    services.submit_ticket(ticket, actor=world.sales)
    services.approve_ticket(ticket, actor=world.approver)
    client.force_login(world.sales)
    assert 'id="outbound-shipment-form"' in client.get(ticket.get_absolute_url()).content.decode()
    response = client.post(reverse("aftersales:ticket_shipment", args=[ticket.pk]),
                           {"kind": "company_dispatch", "warehouse": world.warehouse.pk})
    shipment = fresh(ticket).outbound_shipment
    assert response.status_code == 302 and response.url == shipment.get_absolute_url()
    assert (shipment.purpose, shipment.state) == (ShipmentPurpose.RESHIP, ShipmentState.DRAFT)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="outbound-shipment-form"' not in html and shipment.number in html


def test_the_default_charge_back_uses_the_agreed_drop_ship_price():
    world = make_world(quantity=3, stock=0)
    line = world.lines[0]
    shipment = world.ship("drop_ship", prices=[Decimal("8.50")])
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    dispatch_shipment(shipment, actor=world.sales, carrier=world.carrier, tracking_number="YT1")
    ticket = make_ticket(order_line=line, quantity=2, registered_by=world.sales, charge_back=True,
                         destination=ReturnDestination.MANUFACTURER)
    assert fresh(ticket).charge_back_amount == Decimal("17.00")
    assert fresh(ticket).supplier == line.product.default_supplier

"""An exchange/reship ticket has at most one live outbound shipment, made only through the ticket
(DESIGN.md, "Shipment"): its shipment names the ticket, a rejected one is cancelled when its replacement is
made and is never reopened, so two outbound shipments of one ticket can never both be dispatched. The
shipment carries exactly the ticket's quantities, never more than the lines' returnable quantity."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django_fsm import TransitionNotAllowed

from aftersales import outbound, services
from aftersales.models import Ticket, TicketLine, TicketState, TicketType
from aftersales.returnable import ReturnableExceeded
from shipments.approval import approve_shipment, reject_shipment, reopen_shipment, submit_shipment
from shipments.dispatching import dispatch_shipment, start_picking
from shipments.entry import OutboundShipmentExists
from shipments.models import DISPATCHED_OR_LATER, Shipment, ShipmentPurpose, ShipmentState
from tests.aftersales.factories import make_ticket
from tests.api.conftest import api_client  # noqa: F401  (fixture)
from tests.shipments.factories import make_world

pytestmark = pytest.mark.django_db
S = ShipmentState
BASE = "/api/v1/aftersales/tickets"


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def approved_reship(world, quantity=1):
    """The order's units went out on a sale company dispatch; a reship ticket for `quantity` of them is approved."""
    sale = world.ship()
    submit_shipment(sale, actor=world.sales)
    approve_shipment(sale, actor=world.approver)
    start_picking(sale, actor=world.warehouse_user)
    dispatch_shipment(sale, actor=world.warehouse_user, carrier=world.carrier, tracking_number="SF-SALE")
    ticket = make_ticket(type=TicketType.RESHIP, order_line=world.lines[0], quantity=quantity,
                         registered_by=world.sales)
    services.submit_ticket(ticket, actor=world.sales)
    services.approve_ticket(ticket, actor=world.approver)
    return ticket


def enter(world, ticket, kind="company_dispatch"):
    extra = {"warehouse": world.warehouse} if kind == "company_dispatch" else {
        "supplier": world.lines[0].product.default_supplier}
    return outbound.create_outbound_shipment(ticket, kind=kind, actor=world.sales, **extra)


def rejected(world, shipment):
    submit_shipment(shipment, actor=world.sales)
    return reject_shipment(shipment, actor=world.approver, reason="wrong warehouse")


def reship_shipments(ticket):
    return Shipment.objects.filter(order_id=ticket.order_id).exclude(purpose=ShipmentPurpose.SALE)


# ---- the service -------------------------------------------------------------------------------------------

def test_the_outbound_shipment_names_its_ticket_and_carries_exactly_the_tickets_quantities():
    world = make_world(quantity=2, stock=10)
    ticket = approved_reship(world, quantity=1)
    shipment = enter(world, ticket)
    assert (shipment.purpose, shipment.ticket_ref) == (ShipmentPurpose.RESHIP, ticket.pk)
    assert [(line.order_line_id, line.quantity) for line in shipment.lines.all()] == [(world.lines[0].pk, 1)]


def test_a_live_outbound_shipment_refuses_a_second_one():
    world = make_world(quantity=2, stock=10)
    ticket = approved_reship(world)
    first = enter(world, ticket)
    with pytest.raises(OutboundShipmentExists):
        enter(world, ticket, kind="drop_ship")
    assert list(reship_shipments(ticket)) == [first]


def test_a_rejected_outbound_shipment_is_never_reopened():
    world = make_world(quantity=2, stock=10)
    ticket = approved_reship(world)
    first = rejected(world, enter(world, ticket))
    with pytest.raises(TransitionNotAllowed):
        reopen_shipment(first, actor=world.sales)
    assert fresh(first).state == S.REJECTED


def test_a_replacement_cancels_the_rejected_shipment_and_only_the_replacement_is_ever_dispatched():
    world = make_world(quantity=2, stock=10)
    ticket = approved_reship(world)
    first = rejected(world, enter(world, ticket))

    second = enter(world, ticket, kind="drop_ship")

    assert fresh(first).state == S.CANCELLED  # replaced, in the same transaction
    assert fresh(ticket).outbound_shipment_id == second.pk
    with pytest.raises(TransitionNotAllowed):
        reopen_shipment(first, actor=world.sales)
    submit_shipment(second, actor=world.sales)
    approve_shipment(second, actor=world.approver)
    dispatch_shipment(second, actor=world.sales, carrier=world.carrier, tracking_number="YT-RESHIP")
    assert fresh(ticket).state == TicketState.RESOLVED
    assert reship_shipments(ticket).filter(state__in=DISPATCHED_OR_LATER).count() == 1
    assert fresh(first).state == S.CANCELLED


def test_the_outbound_shipment_never_exceeds_the_returnable_quantity():
    world = make_world(quantity=2, stock=10)
    ticket = approved_reship(world, quantity=2)
    TicketLine.objects.filter(ticket=ticket).update(quantity=3)  # more than the 2 units that reached the customer
    with pytest.raises(ReturnableExceeded):
        enter(world, ticket)
    assert not reship_shipments(ticket).exists()
    assert fresh(ticket).outbound_shipment_id is None


# ---- the API -----------------------------------------------------------------------------------------------

def test_over_the_api_a_second_outbound_shipment_is_a_conflict_and_a_rejected_one_is_replaced(api_client):  # noqa: F811
    world = make_world(quantity=2, stock=10)
    ticket = approved_reship(world)
    client, _user = api_client(user=world.sales)
    url = f"{BASE}/{ticket.pk}/shipment"
    body = {"kind": "company_dispatch", "warehouse": world.warehouse.pk}

    first = post(client, url, body)
    assert first.status_code == 201 and first.json()["purpose"] == "reship"
    again = post(client, url, body)
    assert again.status_code == 409 and first.json()["number"] in again.json()["detail"]
    assert reship_shipments(ticket).count() == 1

    first_shipment = rejected(world, Shipment.objects.get(pk=first.json()["id"]))
    reopen = post(client, f"/api/v1/shipments/{first_shipment.pk}/reopen")
    assert reopen.status_code == 409 and fresh(first_shipment).state == S.REJECTED

    replacement = post(client, url, body)
    assert replacement.status_code == 201
    assert fresh(first_shipment).state == S.CANCELLED
    assert Ticket.objects.get(pk=ticket.pk).outbound_shipment_id == replacement.json()["id"]
    assert reship_shipments(ticket).exclude(state=S.CANCELLED).count() == 1


# ---- the ticket page ---------------------------------------------------------------------------------------

def test_the_ticket_page_offers_the_replacement_of_a_rejected_shipment_and_cancels_the_rejected_one(client):
    world = make_world(quantity=2, stock=10)
    ticket = approved_reship(world)
    first = rejected(world, enter(world, ticket))
    client.force_login(world.sales)

    html = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="outbound-shipment-rejected"' in html and 'id="outbound-shipment-form"' in html

    response = client.post(reverse("aftersales:ticket_shipment", args=[ticket.pk]),
                           {"kind": "company_dispatch", "warehouse": world.warehouse.pk})
    replacement = fresh(ticket).outbound_shipment
    assert response.status_code == 302 and response.url == replacement.get_absolute_url()
    assert replacement.pk != first.pk and fresh(first).state == S.CANCELLED

    again = client.post(reverse("aftersales:ticket_shipment", args=[ticket.pk]),
                        {"kind": "company_dispatch", "warehouse": world.warehouse.pk})
    assert again.status_code == 302 and again.url == ticket.get_absolute_url()
    assert any(replacement.number in str(m) for m in get_messages(again.wsgi_request))
    assert reship_shipments(ticket).exclude(state=S.CANCELLED).count() == 1


def test_the_shipment_page_offers_no_back_to_draft_for_a_rejected_outbound_shipment(client):
    world = make_world(quantity=2, stock=10)
    ticket = approved_reship(world)
    first = rejected(world, enter(world, ticket))
    client.force_login(world.sales)

    html = client.get(first.get_absolute_url()).content.decode()
    assert 'id="action-reopen"' not in html
    response = client.post(reverse("shipments:shipment_action", args=[first.pk, "reopen"]))
    assert response.status_code == 302
    assert any("never reopened" in str(m) for m in get_messages(response.wsgi_request))
    assert fresh(first).state == S.REJECTED


# ---- the migration that names the tickets of existing outbound shipments ----------------------------------

def test_the_migration_names_the_ticket_of_each_current_outbound_shipment_only():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("aftersales.migrations.0005_outbound_shipment_ticket_ref")
    world = make_world(quantity=2, stock=10)
    ticket = approved_reship(world)
    first = rejected(world, enter(world, ticket))
    second = enter(world, ticket)
    Shipment.objects.filter(pk__in=[first.pk, second.pk]).update(ticket_ref=None)  # as before the column existed

    migration.name_the_tickets(apps, None)

    assert dict(Shipment.objects.exclude(purpose=ShipmentPurpose.SALE).values_list("pk", "ticket_ref")) == {
        first.pk: None, second.pk: ticket.pk}

"""PostgreSQL: people entering a ticket's outbound shipment at the same moment make exactly one (the
order row lock serialises them; the database's one-live-shipment-per-ticket constraint stands behind it),
also when they both replace a rejected one. The others are told it exists."""

import pytest

from aftersales import outbound, services
from aftersales.models import Ticket, TicketType
from shipments.approval import reject_shipment, submit_shipment
from shipments.entry import OutboundShipmentExists
from shipments.models import Shipment, ShipmentPurpose, ShipmentState
from tests.aftersales.factories import make_ticket
from tests.factories import UserFactory
from tests.races import errors, run_together, successes
from tests.shipments.factories import make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 4


def approved_reship(world):
    ticket = make_ticket(type=TicketType.RESHIP, order_line=world.lines[0], quantity=1, registered_by=world.sales)
    services.submit_ticket(ticket, actor=world.sales)
    services.approve_ticket(ticket, actor=world.approver)
    return ticket


def enter_all_at_once(world, ticket):
    # the handler and approvers who may enter shipments, each on their own connection
    people = [world.sales] + [UserFactory(roles=("approver", "sales")) for _ in range(THREADS - 1)]
    return run_together(lambda i: outbound.create_outbound_shipment(
        ticket, kind="company_dispatch", warehouse=world.warehouse, actor=people[i]).pk, THREADS)


def outbound_of(ticket):
    return Shipment.objects.filter(order_id=ticket.order_id).exclude(purpose=ShipmentPurpose.SALE)


def test_concurrent_entries_make_one_outbound_shipment():
    world = make_world(quantity=2, stock=10)
    ticket = approved_reship(world)

    outcomes = enter_all_at_once(world, ticket)

    made = successes(outcomes)
    assert len(made) == 1
    assert len(errors(outcomes, of_type=OutboundShipmentExists)) == THREADS - 1
    assert list(outbound_of(ticket).values_list("pk", flat=True)) == made
    assert Ticket.objects.get(pk=ticket.pk).outbound_shipment_id == made[0]


def test_concurrent_replacements_of_a_rejected_shipment_make_one_live_shipment():
    world = make_world(quantity=2, stock=10)
    ticket = approved_reship(world)
    first = outbound.create_outbound_shipment(ticket, kind="company_dispatch", warehouse=world.warehouse,
                                              actor=world.sales)
    submit_shipment(first, actor=world.sales)
    reject_shipment(first, actor=world.approver, reason="wrong warehouse")

    outcomes = enter_all_at_once(world, ticket)

    made = successes(outcomes)
    assert len(made) == 1
    assert len(errors(outcomes, of_type=OutboundShipmentExists)) == THREADS - 1
    assert list(outbound_of(ticket).exclude(state=ShipmentState.CANCELLED).values_list("pk", flat=True)) == made
    assert Shipment.objects.get(pk=first.pk).state == ShipmentState.CANCELLED

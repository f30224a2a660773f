"""Close short racing the other actions on the same order (PostgreSQL, real threads released together by a
Barrier): one wins, the other is told, and no unit is both closed short and on a live shipment."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django_fsm import TransitionNotAllowed

from inventory.models import ReservationStatus, StockReservation
from orders.models import FulfilmentStatus, Order, OrderLine
from shipments.closing import close_order_short
from shipments.dispatching import dispatch_shipment
from shipments.entry import LineInput, create_shipment
from shipments.models import DISPATCHED_OR_LATER, HOLDING_UNITS, Shipment, ShipmentLine
from tests.inventory.helpers import assert_ledger_matches
from tests.races import run_together

from .factories import make_world
from .test_services import run_to

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROUNDS = 3


def units(line, states):
    return ShipmentLine.objects.filter(order_line=line, shipment__purpose="sale", shipment__state__in=states) \
        .aggregate(n=Sum("quantity"))["n"] or 0


def partly_shipped():
    world = make_world(lines=2, quantity=3)
    run_to(world, world.ship(quantities=[3, 1]), "dispatched")
    return world


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_close_short_and_a_new_shipment_of_the_last_units_never_both_hold_them(round_):
    world = partly_shipped()
    second = world.lines[1]

    def work(i):
        if i == 0:
            return close_order_short(world.order, actor=world.sales, reason="Out of stock for good")
        return create_shipment(order=world.order, kind="company_dispatch", warehouse=world.warehouse,
                                        actor=world.other_sales, lines=[LineInput(second.pk, 2)])

    closing, entering = run_together(work, 2)

    assert closing.ok, closing.error  # close short always goes through …
    assert entering.ok or isinstance(entering.error, ValidationError), entering.error  # … the entry may lose
    order = Order.objects.get(pk=world.order.pk)
    assert order.fulfilment_status == FulfilmentStatus.SHIPPED
    for line in OrderLine.objects.filter(order=world.order):
        assert line.closed_short_quantity + units(line, HOLDING_UNITS) == line.quantity, line
    if entering.ok:  # it came first: close short cancelled it
        assert Shipment.objects.get(pk=entering.value.pk).state == "cancelled"


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_close_short_and_the_dispatch_of_a_picking_shipment_one_wins_and_stock_adds_up(round_):
    world = partly_shipped()
    picking = run_to(world, world.ship(quantities=[0, 2]), "picking")

    def work(i):
        if i == 0:
            return close_order_short(world.order, actor=world.sales, reason="Out of stock for good")
        return dispatch_shipment(picking, actor=world.warehouse_user, carrier=world.carrier,
                                          tracking_number="SF-RACE")

    closing, dispatching = run_together(work, 2)

    # Either the dispatch came first (the order is then fully shipped and close short is refused) or close
    # short came first (the shipment is cancelled and its dispatch refused) — never both, never neither.
    assert closing.ok != dispatching.ok, (closing, dispatching)
    loser = dispatching if closing.ok else closing
    assert isinstance(loser.error, TransitionNotAllowed), loser.error
    state = Shipment.objects.get(pk=picking.pk).state
    assert state == ("cancelled" if closing.ok else "dispatched")
    for line in OrderLine.objects.filter(order=world.order):
        assert line.closed_short_quantity + units(line, DISPATCHED_OR_LATER) == line.quantity, line
    assert not StockReservation.objects.filter(status=ReservationStatus.OPEN).exists()
    assert_ledger_matches(world.lines[1].product, world.warehouse)
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.SHIPPED

"""Races on PostgreSQL: real threads, each with its own connection, started together by a Barrier."""

import pytest
from django.core.exceptions import ValidationError
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from core.models import TransitionLog
from inventory.models import Direction, ReservationStatus, StockBalance, StockLedgerEntry, StockReservation
from notifications.models import Notification
from shipments.approval import approve_shipment, submit_shipment
from shipments.cancelling import cancel_shipment
from shipments.dispatching import dispatch_shipment, start_picking
from shipments.entry import LineInput, create_shipment
from shipments.models import Shipment, ShipmentLine
from tests.factories import UserFactory
from tests.races import errors, run_together, successes

from .factories import make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 4


def test_people_entering_shipments_for_the_same_last_units_one_wins():
    world = make_world(quantity=2)
    people = [world.sales] + [UserFactory(roles=("sales",)) for _ in range(THREADS - 1)]
    line = world.lines[0]

    outcomes = run_together(lambda i: create_shipment(
        order=world.order, kind="company_dispatch", warehouse=world.warehouse, actor=people[i],
        lines=[LineInput(line.pk, 2)]), THREADS)

    refusals = errors(outcomes)
    assert len(successes(outcomes)) == 1
    assert len(refusals) == THREADS - 1 and all(isinstance(e, ValidationError) for e in refusals), refusals
    assert all("too many" in e.message_dict["lines"][0] for e in refusals)
    assert Shipment.objects.count() == 1 and sum(ShipmentLine.objects.values_list("quantity", flat=True)) == 2


def test_two_approvers_approving_one_shipment_reserve_once():
    world = make_world(quantity=2, stock=10)
    shipment = world.ship()
    submit_shipment(shipment, actor=world.sales)
    approvers = [world.approver] + [UserFactory(roles=("approver",)) for _ in range(THREADS - 1)]

    outcomes = run_together(lambda i: approve_shipment(shipment, actor=approvers[i]), THREADS)

    # No row lock: the approval's conditional UPDATE on the state is the guard. A loser that read the
    # shipment after the winner committed is refused by the state check, one that read it before by the
    # UPDATE matching no row — told either way, before it reserves anything.
    refusals = errors(outcomes)
    assert len(successes(outcomes)) == 1
    assert len(refusals) == THREADS - 1, refusals
    assert all(isinstance(e, TransitionNotAllowed | ConcurrentTransition) for e in refusals), refusals
    assert StockBalance.objects.get(product=world.lines[0].product).reserved == 2
    assert TransitionLog.objects.filter(transition="approve", object_id=str(shipment.pk)).count() == 1


def test_cancel_against_dispatch_of_one_company_dispatch_one_wins_and_stock_stays_whole():
    """An approver cancels a picking company dispatch while the warehouse dispatches it: exactly one
    wins; either way nothing stays reserved for it and the ledger sums to what is on hand."""
    world = make_world(quantity=2, stock=10)
    shipment = world.ship()
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(Shipment.objects.get(pk=shipment.pk), actor=world.approver)
    start_picking(Shipment.objects.get(pk=shipment.pk), actor=world.warehouse_user)
    product = world.lines[0].product

    def act(i):
        fresh = Shipment.objects.get(pk=shipment.pk)
        if i == 0:
            return cancel_shipment(fresh, actor=world.approver, reason="race")
        return dispatch_shipment(fresh, actor=world.warehouse_user, carrier=world.carrier,
                                          tracking_number="SF-RACE")

    outcomes = run_together(act, 2)

    assert len(successes(outcomes)) == 1, outcomes
    assert all(isinstance(e, TransitionNotAllowed | ConcurrentTransition) for e in errors(outcomes)), outcomes
    final = Shipment.objects.get(pk=shipment.pk)
    balance = StockBalance.objects.get(product=product, warehouse=world.warehouse)
    ledger = StockLedgerEntry.objects.filter(product=product, warehouse=world.warehouse)
    signed = sum(e.quantity if e.direction == Direction.IN else -e.quantity for e in ledger)
    assert signed == balance.on_hand and balance.reserved == 0
    assert not StockReservation.objects.filter(status=ReservationStatus.OPEN).exists()
    if final.state == "cancelled":
        assert balance.on_hand == 10 and not ledger.filter(direction=Direction.OUT).exists()
        assert Notification.objects.filter(event="shipment.cancelled_printed", recipient=world.warehouse_user).exists()
    else:
        assert final.state == "dispatched" and balance.on_hand == 8
        assert not Notification.objects.filter(event__startswith="shipment.cancelled").exists()

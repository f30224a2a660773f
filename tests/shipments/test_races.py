"""Races on PostgreSQL: real threads, each with its own connection, started together by a Barrier."""

import pytest
from django.core.exceptions import ValidationError
from django_fsm import TransitionNotAllowed

from inventory.models import StockBalance
from shipments import services
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

    outcomes = run_together(lambda i: services.create_shipment(
        order=world.order, kind="company_dispatch", warehouse=world.warehouse, actor=people[i],
        lines=[services.LineInput(line.pk, 2)]), THREADS)

    refusals = errors(outcomes)
    assert len(successes(outcomes)) == 1
    assert len(refusals) == THREADS - 1 and all(isinstance(e, ValidationError) for e in refusals), refusals
    assert all("too many" in e.message_dict["lines"][0] for e in refusals)
    assert Shipment.objects.count() == 1 and sum(ShipmentLine.objects.values_list("quantity", flat=True)) == 2


def test_two_approvers_approving_one_shipment_reserve_once():
    world = make_world(quantity=2, stock=10)
    shipment = world.ship()
    services.submit_shipment(shipment, actor=world.sales)
    approvers = [world.approver] + [UserFactory(roles=("approver",)) for _ in range(THREADS - 1)]

    outcomes = run_together(lambda i: services.approve_shipment(shipment, actor=approvers[i]), THREADS)

    refusals = errors(outcomes)
    assert len(successes(outcomes)) == 1
    assert len(refusals) == THREADS - 1 and all(isinstance(e, TransitionNotAllowed) for e in refusals), refusals
    assert StockBalance.objects.get(product=world.lines[0].product).reserved == 2

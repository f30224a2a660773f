"""Two requests with the same (store, order no.) at the same moment: one order, both get it back."""

from decimal import Decimal

import pytest
from django.utils import timezone

from notifications.models import Notification
from orders.models import Order, OrderLine
from orders.services import create_order
from tests.factories import ProductFactory, StoreFactory, UserFactory
from tests.races import errors, run_together, successes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 6


def test_concurrent_retries_of_one_order_create_it_once():
    sales = UserFactory(roles=("sales",))
    store, product = StoreFactory(salesperson=sales), ProductFactory()

    def post(i):
        order, created = create_order(
            store=store, external_order_no="RACE-1", recipient_name="并发", recipient_phone="1",
            recipient_address="somewhere", ordered_at=timezone.now(),
            lines=[(product, 1, Decimal("1.00"))], actor=sales,
        )
        return order.pk, created

    outcomes = run_together(post, THREADS)

    results = successes(outcomes)
    assert errors(outcomes) == []
    assert len(results) == THREADS
    assert len({pk for pk, _created in results}) == 1
    assert sorted(created for _pk, created in results) == [False] * (THREADS - 1) + [True]
    assert Order.objects.count() == 1 and OrderLine.objects.count() == 1
    assert Notification.objects.filter(event="order_created").count() == 1


def test_cancelling_an_order_while_its_shipment_is_approved_never_leaves_an_approved_shipment_on_it():
    """Cancel (the order row, then its undispatched shipments locked) against approve (the shipment row
    locked; reserves stock): whichever wins, a cancelled order has no approved shipment and no reserved
    stock, and an approved shipment's order is not cancelled."""
    from django_fsm import ConcurrentTransition, TransitionNotAllowed

    from inventory.models import StockBalance
    from orders.models import FulfilmentStatus
    from shipments.approval import approve_shipment, submit_shipment
    from shipments.cancelling import cancel_order
    from shipments.models import Shipment, ShipmentState
    from tests.shipments.factories import make_world

    for _round in range(4):
        world = make_world(quantity=2, stock=5)
        shipment = world.ship()
        submit_shipment(shipment, actor=world.sales)

        def act(i, world=world, shipment=shipment):
            if i == 0:
                return cancel_order(world.order, actor=world.sales, reason="customer cancelled")
            return approve_shipment(shipment, actor=world.approver)

        outcomes = run_together(act, 2)

        assert errors(outcomes, of_type=(TransitionNotAllowed, ConcurrentTransition)) == errors(outcomes)
        order = Order.objects.get(pk=world.order.pk)
        state = Shipment.objects.get(pk=shipment.pk).state
        reserved = StockBalance.objects.get(product=world.lines[0].product, warehouse=world.warehouse).reserved
        if order.fulfilment_status == FulfilmentStatus.CANCELLED:
            assert (state, reserved) == (ShipmentState.CANCELLED, 0)
        else:
            assert (state, reserved) == (ShipmentState.APPROVED, 2)

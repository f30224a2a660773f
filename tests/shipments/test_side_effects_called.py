"""Side effects are called, not hidden in transition signals (issue 12, item 3): cancelling an order is one
shipments service that cancels the order (orders' half) and its undispatched shipments, and aftersales
learns of an outbound shipment's dispatch from `shipments.signals.shipment_dispatched`, sent by the
dispatch service after it has written the dispatch, inside the same transaction."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_fsm.signals import post_transition

from accounts.tokens import create_token
from core.models import TransitionLog
from inventory.models import StockLedgerEntry
from orders.models import FulfilmentStatus, Order
from orders.services import set_cancelled
from shipments.approval import approve_shipment, submit_shipment
from shipments.cancelling import cancel_order
from shipments.dispatching import dispatch_shipment, start_picking
from shipments.models import Shipment, ShipmentState
from shipments.signals import shipment_dispatched

from .factories import make_world

pytestmark = pytest.mark.django_db

S = ShipmentState


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_no_transition_signal_receiver_does_work_behind_a_service():
    from aftersales.models import Ticket

    for model in (Order, Shipment, Ticket):
        assert not post_transition.has_listeners(model), model


def test_orders_half_alone_cancels_only_the_order_shipments_cancel_order_does_both():
    world = make_world(lines=1, quantity=4, stock=10)
    draft = world.ship(quantities=[2])
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=world.order.pk)
        set_cancelled(order, actor=world.sales, reason="orders' half only")
        assert fresh(draft).state == S.DRAFT  # no receiver cancels shipments behind its back
        transaction.set_rollback(True)

    cancel_order(world.order, actor=world.sales, reason="customer cancelled")
    assert fresh(world.order).fulfilment_status == FulfilmentStatus.CANCELLED
    assert fresh(draft).state == S.CANCELLED
    log = TransitionLog.objects.get(content_type__model="shipment", object_id=str(draft.pk), transition="cancel")
    assert (log.actor, log.comment) == (world.sales, "Order cancelled: customer cancelled")


def test_the_order_page_cancels_the_order_and_its_shipments_in_one_post(client):
    world = make_world(lines=1, quantity=4, stock=10)
    draft = world.ship(quantities=[2])
    client.force_login(world.sales)
    response = client.post(reverse("shipments:order_cancel", args=[world.order.pk]), {"reason": "duplicate"},
                           follow=True)
    assert response.status_code == 200
    assert fresh(world.order).fulfilment_status == FulfilmentStatus.CANCELLED
    assert fresh(draft).state == S.CANCELLED
    page = client.get(reverse("orders:order_detail", args=[world.order.pk])).content.decode()
    assert reverse("shipments:order_cancel", args=[world.order.pk]) not in page  # nothing left to cancel


def test_the_api_cancels_the_order_and_its_shipments():
    world = make_world(lines=1, quantity=4, stock=10)
    draft = world.ship(quantities=[2])
    _token, key = create_token(user=world.sales, name="tests", actor=world.sales)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.post(f"/api/v1/orders/{world.order.pk}/cancel", {"reason": "duplicate"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["fulfilment_status"] == "cancelled"
    assert fresh(draft).state == S.CANCELLED


def test_dispatch_sends_shipment_dispatched_after_the_dispatch_is_written():
    world = make_world(lines=1, quantity=2, stock=10)
    shipment = world.ship()
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    start_picking(shipment, actor=world.warehouse_user)
    seen = []

    def receiver(sender, shipments, actor, **kwargs):
        # What a receiver reads is already written: the state, the stock-out rows, the order's status.
        seen.append((sender, [s.pk for s in shipments], actor, Shipment.objects.get(pk=shipment.pk).state,
                     StockLedgerEntry.objects.filter(direction="out").count(),
                     Order.objects.get(pk=world.order.pk).fulfilment_status,
                     transaction.get_connection().in_atomic_block))

    shipment_dispatched.connect(receiver)
    try:
        dispatch_shipment(shipment, actor=world.warehouse_user, carrier=world.carrier, tracking_number="SF1")
    finally:
        shipment_dispatched.disconnect(receiver)
    assert seen == [(Shipment, [shipment.pk], world.warehouse_user, S.DISPATCHED, 1, FulfilmentStatus.SHIPPED,
                     True)]


def test_a_receiver_that_fails_rolls_the_dispatch_back():
    world = make_world(lines=1, quantity=2, stock=10)
    shipment = world.ship()
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    start_picking(shipment, actor=world.warehouse_user)

    def refuse(**kwargs):
        raise RuntimeError("a listener failed")

    shipment_dispatched.connect(refuse)
    try:
        with pytest.raises(RuntimeError):
            dispatch_shipment(shipment, actor=world.warehouse_user, carrier=world.carrier, tracking_number="SF1")
    finally:
        shipment_dispatched.disconnect(refuse)
    assert fresh(shipment).state == S.PICKING
    assert not StockLedgerEntry.objects.filter(direction="out").exists()

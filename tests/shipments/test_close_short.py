"""Close short 部分发货结案: a partly shipped order whose rest will never ship is closed short with a reason;
its undispatched units become closed-short units, its undispatched shipments are cancelled (reservations
released, whoever was asked to act told), and it goes on — delivered, received, invoiced — with the units
that remain."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django_fsm import TransitionNotAllowed

from core.models import TransitionLog
from core.transitions import timeline_for
from inventory.models import ReservationStatus, StockReservation
from notifications.models import Notification
from orders.invoices import commercial_invoice_context, issue_commercial_invoice, order_total
from orders.models import FulfilmentStatus, Order, OrderLine
from shipments import selectors
from shipments.cancelling import cancel_order
from shipments.closing import close_order_short
from shipments.dispatching import mark_delivered, mark_received
from shipments.models import Shipment, ShipmentState
from tests.factories import UserFactory
from tests.inventory.helpers import assert_ledger_matches, balance

from .factories import make_world
from .test_services import run_to

pytestmark = pytest.mark.django_db
S = ShipmentState


def fresh_order(world):
    return Order.objects.get(pk=world.order.pk)


def state(shipment):
    return Shipment.objects.get(pk=shipment.pk).state


def closed_short(world):
    return list(OrderLine.objects.filter(order=world.order).order_by("id")
                .values_list("closed_short_quantity", flat=True))


def partly_shipped(**kwargs):
    """Two lines of 3; 3 + 1 units dispatched on one company dispatch (the order partly shipped)."""
    world = make_world(lines=2, quantity=3, **kwargs)
    first = run_to(world, world.ship(quantities=[3, 1]), S.DISPATCHED)
    assert fresh_order(world).fulfilment_status == FulfilmentStatus.PARTIALLY_SHIPPED
    return world, first


def test_the_whole_story_ship_part_close_short_deliver_receive_invoice():
    world, first = partly_shipped()
    finance = UserFactory(roles=("finance",))
    draft = world.ship(quantities=[0, 1])
    approved = run_to(world, world.ship(quantities=[0, 1]), S.APPROVED)
    product = world.lines[1].product
    assert balance(product, world.warehouse).reserved == 1

    order = close_order_short(world.order, actor=world.sales, reason="Out of stock for good; customer agreed")

    assert order.fulfilment_status == FulfilmentStatus.SHIPPED
    assert fresh_order(world).fulfilment_status == FulfilmentStatus.SHIPPED
    assert fresh_order(world).close_short_reason == "Out of stock for good; customer agreed"
    assert closed_short(world) == [0, 2]
    assert [state(draft), state(approved), state(first)] == [S.CANCELLED, S.CANCELLED, S.DISPATCHED]
    assert balance(product, world.warehouse).reserved == 0
    assert not StockReservation.objects.filter(status=ReservationStatus.OPEN).exists()
    assert_ledger_matches(product, world.warehouse)
    assert Notification.objects.filter(recipient=world.warehouse_user, event="shipment.cancelled").exists()
    assert [line.open_quantity for line in selectors.order_lines_with_open_quantity(world.order.pk)] == [0, 0]
    entry = list(timeline_for(fresh_order(world)))[-1]
    assert entry.transition == "close_short" and entry.actor == world.sales
    assert (entry.source, entry.target) == ("partially_shipped", "shipped")
    assert entry.comment == "Out of stock for good; customer agreed"

    mark_delivered(first, actor=world.sales)
    assert fresh_order(world).fulfilment_status == FulfilmentStatus.DELIVERED
    mark_received(Shipment.objects.get(pk=first.pk), actor=world.warehouse_user)
    assert fresh_order(world).fulfilment_status == FulfilmentStatus.RECEIVED

    assert order_total(world.order) == Decimal("100.00")  # 4 units remain of 6, at 25.00
    invoice = issue_commercial_invoice(order=fresh_order(world), actor=finance)
    assert invoice.amount == Decimal("100.00")
    assert fresh_order(world).fulfilment_status == FulfilmentStatus.INVOICED
    context = commercial_invoice_context(invoice)
    assert [line["quantity"] for line in context["lines"]] == [3, 1] and context["total_quantity"] == 4


def test_dispatched_units_already_received_make_the_order_received_at_once():
    world, first = partly_shipped()
    run_to(world, first, S.RECEIVED)
    assert fresh_order(world).fulfilment_status == FulfilmentStatus.PARTIALLY_SHIPPED

    close_order_short(world.order, actor=world.sales, reason="Discontinued")

    assert fresh_order(world).fulfilment_status == FulfilmentStatus.RECEIVED
    assert closed_short(world) == [0, 2]


def test_a_line_with_nothing_dispatched_is_closed_short_whole():
    world = make_world(lines=2, quantity=3)
    run_to(world, world.ship(quantities=[2, 0]), S.DISPATCHED)

    close_order_short(world.order, actor=world.sales, reason="Second product discontinued")

    assert closed_short(world) == [1, 3]
    assert fresh_order(world).fulfilment_status == FulfilmentStatus.SHIPPED
    assert order_total(world.order) == Decimal("50.00")


def test_a_picking_company_dispatch_is_cancelled_its_stock_released_and_the_note_holder_told():
    world, _first = partly_shipped()
    picking = run_to(world, world.ship(quantities=[0, 2]), S.PICKING)
    product = world.lines[1].product
    assert balance(product, world.warehouse).reserved == 2

    close_order_short(world.order, actor=world.sales, reason="Customer agreed")

    assert state(picking) == S.CANCELLED
    assert balance(product, world.warehouse).reserved == 0
    assert_ledger_matches(product, world.warehouse)
    told = Notification.objects.get(recipient=world.warehouse_user, event="shipment.cancelled_printed")
    assert picking.number in told.subject and "Customer agreed" in told.body


def test_an_approved_drop_ship_is_cancelled_and_the_supplier_told():
    world, _first = partly_shipped()
    portal_user = UserFactory(roles=("supplier",))
    supplier = world.lines[0].product.default_supplier  # the supplier world.ship() drop-ships with
    supplier.portal_users.add(portal_user)
    drop_ship = world.ship("drop_ship", quantities=[0, 2])
    drop_ship = run_to(world, drop_ship, S.APPROVED)

    close_order_short(world.order, actor=world.sales, reason="Supplier cannot make it")

    assert state(drop_ship) == S.CANCELLED
    assert Notification.objects.filter(recipient=portal_user, event="shipment.supplier_cancelled").exists()


def test_no_new_shipment_can_take_the_closed_units():
    world, _first = partly_shipped()
    close_order_short(world.order, actor=world.sales, reason="Customer agreed")

    with pytest.raises(ValidationError) as refused:
        world.ship(quantities=[0, 1])
    assert "only 0 open" in refused.value.message_dict["lines"][0]
    assert [line.open_quantity for line in selectors.order_lines_with_open_quantity(world.order.pk)] == [0, 0]


def test_an_order_with_nothing_dispatched_is_cancelled_not_closed_short():
    world = make_world(lines=2, quantity=3)
    draft = world.ship()

    with pytest.raises(TransitionNotAllowed, match="cancel it instead"):
        close_order_short(world.order, actor=world.sales, reason="Out of stock")

    assert fresh_order(world).fulfilment_status == FulfilmentStatus.AWAITING_SHIPMENT
    assert state(draft) == S.DRAFT and closed_short(world) == [0, 0]


def test_a_fully_shipped_or_cancelled_order_cannot_be_closed_short():
    world = make_world(lines=1, quantity=2)
    run_to(world, world.ship(), S.DISPATCHED)
    with pytest.raises(TransitionNotAllowed, match="Every unit"):
        close_order_short(world.order, actor=world.sales, reason="x")

    other = make_world()
    cancel_order(other.order, actor=other.sales, reason="Duplicate")
    with pytest.raises(TransitionNotAllowed, match="cancelled"):
        close_order_short(other.order, actor=other.sales, reason="x")
    assert closed_short(world) == [0] and closed_short(other) == [0]


def test_an_order_is_closed_short_once():
    world, _first = partly_shipped()
    close_order_short(world.order, actor=world.sales, reason="Customer agreed")
    with pytest.raises(TransitionNotAllowed):
        close_order_short(world.order, actor=world.sales, reason="Again")
    assert fresh_order(world).close_short_reason == "Customer agreed"
    assert TransitionLog.objects.filter(transition="close_short").count() == 1


@pytest.mark.parametrize("role", ["approver", "warehouse", "finance", "manager"])
def test_only_sales_may_close_short_and_a_refusal_writes_nothing(role):
    world, _first = partly_shipped()
    draft = world.ship(quantities=[0, 1])

    with pytest.raises(PermissionDenied):
        close_order_short(world.order, actor=UserFactory(roles=(role,)), reason="Out of stock")

    assert fresh_order(world).fulfilment_status == FulfilmentStatus.PARTIALLY_SHIPPED
    assert state(draft) == S.DRAFT and closed_short(world) == [0, 0]


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 301])
def test_a_reason_is_required_and_its_absence_writes_nothing(reason):
    world, _first = partly_shipped()
    draft = world.ship(quantities=[0, 1])

    with pytest.raises(ValidationError) as refused:
        close_order_short(world.order, actor=world.sales, reason=reason)

    assert "reason" in refused.value.message_dict
    assert state(draft) == S.DRAFT and closed_short(world) == [0, 0]
    assert fresh_order(world).fulfilment_status == FulfilmentStatus.PARTIALLY_SHIPPED


def test_the_database_keeps_closed_short_units_within_the_ordered_quantity():
    world = make_world(quantity=2)
    line = world.lines[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.filter(pk=line.pk).update(closed_short_quantity=3)
    assert closed_short(world) == [0]


def test_exchange_and_reship_shipments_are_left_to_their_ticket():
    world, _first = partly_shipped()
    reship = Shipment.objects.create(order=world.order, kind="company_dispatch", purpose="reship",
                                     warehouse=world.warehouse, entered_by=world.sales)

    close_order_short(world.order, actor=world.sales, reason="Customer agreed")

    assert state(reship) == S.DRAFT

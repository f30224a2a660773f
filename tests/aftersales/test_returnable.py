"""The returnable quantity (DESIGN.md, "Order"): a return, exchange or reship never takes back or sends out
more than the units dispatched on the line's sale shipments less those on the order's other goods tickets
that are not rejected — at registration, on edit, at submit and at approval. Refund-only and compensation
tickets move no goods and are bounded by the ordered quantity alone. An approved return waits for its goods
at once, and whoever confirms their receipt is told; an order with a live ticket cannot be cancelled."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_fsm import TransitionNotAllowed

from aftersales import services
from aftersales.models import ReturnDestination, Ticket, TicketLine, TicketState, TicketType
from aftersales.returnable import ReturnableExceeded, returnable_quantities
from aftersales.ticket_data import TicketData
from inventory.models import StockLedgerEntry
from notifications.models import Notification
from orders.models import AftersalesStatus, FulfilmentStatus, Order
from reconciliation.models import EntryKind, SupplierAccountEntry
from shipments.cancelling import cancel_order
from tests.aftersales.factories import dispatch_units, make_ticket
from tests.factories import WarehouseFactory
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    class People:
        sales = make_user("sales", username="sally")
        approver = make_user("approver", username="amy")
        warehouse = make_user("warehouse", username="wes")
    return People


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def goods_ticket(people, line, quantity, type=TicketType.RETURN_REFUND, **fields):
    return make_ticket(type=type, order_line=line, quantity=quantity, registered_by=people.sales, dispatch=False,
                       **fields)


# ---- at registration ------------------------------------------------------------------------------------

def test_a_return_of_an_order_that_never_shipped_is_refused_every_time_and_moves_nothing(people):
    line = OrderLineFactory(quantity=2)
    for _attempt in range(2):
        with pytest.raises(ReturnableExceeded) as refused:
            goods_ticket(people, line, 2, charge_back=True, charge_back_amount=Decimal("20.00"))
        assert list(refused.value.message_dict) == ["lines"]
        assert "only 0 returnable" in refused.value.message_dict["lines"][0]
    assert not Ticket.objects.exists()
    assert not StockLedgerEntry.objects.exists()
    assert not SupplierAccountEntry.objects.filter(kind=EntryKind.CHARGE_BACK).exists()
    assert fresh(line.order).aftersales_status == AftersalesStatus.NONE


@pytest.mark.parametrize("type", [TicketType.RETURN_REFUND, TicketType.EXCHANGE, TicketType.RESHIP])
def test_every_goods_type_is_bounded_by_the_dispatched_units(people, type):
    line = OrderLineFactory(quantity=5)
    dispatch_units(line, 2)
    with pytest.raises(ReturnableExceeded):
        goods_ticket(people, line, 3, type=type)
    assert goods_ticket(people, line, 2, type=type).lines.get().quantity == 2


def test_the_goods_tickets_of_an_order_share_its_returnable_units_until_one_is_rejected(people):
    line = OrderLineFactory(quantity=4)
    dispatch_units(line, 3)
    assert returnable_quantities(line.order) == {line.pk: 3}
    returned = goods_ticket(people, line, 1)
    goods_ticket(people, line, 1, type=TicketType.EXCHANGE)
    goods_ticket(people, line, 1, type=TicketType.RESHIP)
    assert returnable_quantities(line.order) == {line.pk: 0}
    with pytest.raises(ReturnableExceeded):
        goods_ticket(people, line, 1)
    # money-only tickets are bounded by the ordered quantity, not by what is returnable
    assert make_ticket(type=TicketType.REFUND_ONLY, order_line=line, quantity=4, registered_by=people.sales)
    services.submit_ticket(returned, actor=people.sales)
    services.reject_ticket(returned, actor=people.approver, reason="no photos")
    assert returnable_quantities(line.order) == {line.pk: 1}  # the rejected ticket's unit is free again
    goods_ticket(people, line, 1)


def test_a_resolved_or_closed_return_still_holds_its_units(people):
    line = OrderLineFactory(quantity=2)
    dispatch_units(line, 2)
    ticket = goods_ticket(people, line, 2, destination=ReturnDestination.MANUFACTURER)
    services.submit_ticket(ticket, actor=people.sales)
    services.approve_ticket(ticket, actor=people.approver)
    services.confirm_return_received(ticket, actor=people.sales)
    services.resolve_ticket(ticket, actor=people.sales, refund=services.Refund(
        amount=Decimal("9.00"), date=fresh(ticket).created_at.date(), reference="R-9"))
    services.close_ticket(ticket, actor=people.sales)
    with pytest.raises(ReturnableExceeded):
        goods_ticket(people, line, 1)


def test_refund_only_on_an_unshipped_order_is_still_bounded_by_the_ordered_quantity(people):
    line = OrderLineFactory(quantity=2)
    with pytest.raises(ValidationError) as refused:
        make_ticket(type=TicketType.REFUND_ONLY, order_line=line, quantity=3, registered_by=people.sales)
    assert "at most 2 (the ordered quantity)" in refused.value.message_dict["lines"][0]
    assert make_ticket(type=TicketType.REFUND_ONLY, order_line=line, quantity=2, registered_by=people.sales)


# ---- on edit, at submit and at approval -------------------------------------------------------------------

def ticket_data(ticket, line, quantity, type=TicketType.RETURN_REFUND):
    return TicketData(type=type, order=line.order, handler=ticket.handler, reason=ticket.reason,
                               lines=[(line, quantity)], supplier=ticket.supplier,
                               return_destination=ReturnDestination.WAREHOUSE, return_warehouse=WarehouseFactory())


def test_an_edit_is_checked_without_counting_the_tickets_own_units(people):
    line = OrderLineFactory(quantity=3)
    dispatch_units(line, 2)
    ticket = goods_ticket(people, line, 1)
    services.update_ticket(ticket, data=ticket_data(ticket, line, 2), actor=people.sales)  # its own unit + 1
    assert fresh(ticket).lines.get().quantity == 2
    with pytest.raises(ReturnableExceeded):
        services.update_ticket(ticket, data=ticket_data(ticket, line, 3), actor=people.sales)
    assert fresh(ticket).lines.get().quantity == 2
    # a refund-only ticket turned into a return is checked too
    refund = make_ticket(type=TicketType.REFUND_ONLY, order_line=line, quantity=1, registered_by=people.sales)
    with pytest.raises(ReturnableExceeded):
        services.update_ticket(refund, data=ticket_data(refund, line, 1), actor=people.sales)
    assert fresh(refund).type == TicketType.REFUND_ONLY


def test_submit_and_approval_check_again_and_change_nothing_when_exceeded(people):
    line = OrderLineFactory(quantity=2)
    dispatch_units(line, 2)
    first = goods_ticket(people, line, 1)
    second = goods_ticket(people, line, 1)
    services.submit_ticket(second, actor=people.sales)
    # a ticket written before the rule (or by a path that skipped it) now asks for both units
    TicketLine.objects.filter(ticket=first).update(quantity=2)
    with pytest.raises(ReturnableExceeded):
        services.submit_ticket(first, actor=people.sales)
    assert fresh(first).state == TicketState.REGISTERED
    TicketLine.objects.filter(ticket=first).update(quantity=1)
    services.submit_ticket(first, actor=people.sales)
    TicketLine.objects.filter(ticket=second).update(quantity=2)
    with pytest.raises(ReturnableExceeded):
        services.approve_ticket(second, actor=people.approver)
    assert fresh(second).state == TicketState.SUBMITTED
    assert not Notification.objects.filter(event__in=("ticket_approved", "ticket_awaiting_return")).exists()


# ---- approval: the return is awaited at once, and the receiver is told -----------------------------------

def test_an_approved_return_into_a_warehouse_awaits_the_goods_and_warehouse_staff_are_told(people, make_user):
    other_clerk = make_user("warehouse")
    line = OrderLineFactory(quantity=1)
    dispatch_units(line, 1)
    ticket = goods_ticket(people, line, 1)
    services.submit_ticket(ticket, actor=people.sales)
    services.approve_ticket(ticket, actor=people.approver)
    assert fresh(ticket).state == TicketState.AWAITING_RETURN
    told = Notification.objects.filter(event="ticket_awaiting_return")
    assert set(told.values_list("recipient", flat=True)) == {people.warehouse.pk, other_clerk.pk}
    assert told.first().link == ticket.get_absolute_url()
    services.confirm_return_received(ticket, actor=people.warehouse)
    assert fresh(ticket).state == TicketState.RETURN_RECEIVED


def test_an_approved_exchange_back_to_the_manufacturer_tells_its_handler(people, make_user):
    handler = make_user("sales")
    line = OrderLineFactory(quantity=1)
    dispatch_units(line, 1)
    ticket = goods_ticket(people, line, 1, type=TicketType.EXCHANGE, handler=handler,
                          destination=ReturnDestination.MANUFACTURER)
    services.submit_ticket(ticket, actor=people.sales)
    services.approve_ticket(ticket, actor=people.approver)
    assert fresh(ticket).state == TicketState.AWAITING_RETURN
    told = Notification.objects.filter(event="ticket_awaiting_return")
    assert list(told.values_list("recipient", flat=True)) == [handler.pk]


def test_an_approved_reship_or_refund_only_does_not_wait_for_goods(people):
    line = OrderLineFactory(quantity=2)
    dispatch_units(line, 2)
    for ticket in (goods_ticket(people, line, 1, type=TicketType.RESHIP),
                   make_ticket(type=TicketType.REFUND_ONLY, order_line=line, registered_by=people.sales)):
        services.submit_ticket(ticket, actor=people.sales)
        services.approve_ticket(ticket, actor=people.approver)
        assert fresh(ticket).state == TicketState.APPROVED
    assert not Notification.objects.filter(event="ticket_awaiting_return").exists()


# ---- an order with a live ticket cannot be cancelled --------------------------------------------------------

def test_an_order_with_a_live_ticket_cannot_be_cancelled_until_the_ticket_is_done(people):
    line = OrderLineFactory(quantity=2)
    ticket = make_ticket(type=TicketType.REFUND_ONLY, order_line=line, registered_by=people.sales)
    with pytest.raises(TransitionNotAllowed, match="live after-sales ticket"):
        cancel_order(line.order, actor=people.sales, reason="customer changed their mind")
    order = fresh(line.order)
    assert (order.fulfilment_status, order.cancel_reason) == (FulfilmentStatus.AWAITING_SHIPMENT, "")
    services.submit_ticket(ticket, actor=people.sales)
    services.reject_ticket(ticket, actor=people.approver, reason="duplicate")
    cancel_order(line.order, actor=people.sales, reason="customer changed their mind")
    assert Order.objects.get(pk=line.order.pk).fulfilment_status == FulfilmentStatus.CANCELLED

"""Factories for after-sales tickets. `make_ticket(...)` registers a ticket through the service (the way
the pages do), so it starts as it would in real use: state registered, number given, order in progress.
A return, exchange or reship needs units dispatched to the customer first (the returnable quantity):
`make_ticket` dispatches a drop-ship of the line's ordered quantity when none is dispatched yet (pass
`dispatch=False` to leave the order unshipped); `dispatch_units` does it for a test that wants to."""

from decimal import Decimal

from aftersales.models import GOODS_TYPES, ReturnDestination, TicketReason, TicketType
from aftersales.services import register_ticket
from aftersales.ticket_data import TicketData
from shipments.approval import approve_shipment, submit_shipment
from shipments.dispatching import dispatch_shipment
from shipments.entry import LineInput, create_shipment
from shipments.selectors import dispatched_units_by_order_line
from tests.factories import CarrierFactory, UserFactory, WarehouseFactory
from tests.orders.factories import OrderLineFactory


def dispatch_units(order_line, quantity, *, sales=None, approver=None):
    """A sale drop-ship of `quantity` units of `order_line`, entered, approved and dispatched through the
    shipments services (its supplier is the product's default supplier). Returns the shipment."""
    sales = sales or UserFactory(roles=("sales",))
    approver = approver or UserFactory(roles=("approver",))
    shipment = create_shipment(order=order_line.order, kind="drop_ship", supplier=order_line.product.default_supplier,
                               lines=[LineInput(order_line=order_line, quantity=quantity)], actor=sales)
    submit_shipment(shipment, actor=sales)
    approve_shipment(shipment, actor=approver)
    return dispatch_shipment(shipment, actor=sales, carrier=CarrierFactory(), tracking_number=f"SF{shipment.pk:08d}")


def make_ticket(*, type=TicketType.RETURN_REFUND, order_line=None, quantity=1, registered_by=None, handler=None,
                warehouse=None, destination=None, dispatch=True, **fields):
    order_line = order_line or OrderLineFactory(quantity=2)
    order = order_line.order
    registered_by = registered_by or UserFactory(roles=("sales",))
    if dispatch and type in GOODS_TYPES and not dispatched_units_by_order_line(order.pk).get(order_line.pk):
        dispatch_units(order_line, order_line.quantity)
    handler = handler or registered_by
    if type in (TicketType.RETURN_REFUND, TicketType.EXCHANGE):
        destination = destination or ReturnDestination.WAREHOUSE
        if destination == ReturnDestination.WAREHOUSE:
            warehouse = warehouse or WarehouseFactory()
    data = TicketData(
        type=type, order=order, handler=handler, reason=fields.pop("reason", TicketReason.QUALITY),
        lines=[(order_line, quantity)] if quantity else [],
        supplier=fields.pop("supplier", order_line.product.default_supplier),
        return_destination=destination or "", return_warehouse=warehouse,
        manufacturer_amount=fields.pop("manufacturer_amount", Decimal("0")),
        seller_amount=fields.pop("seller_amount", Decimal("0")),
        **fields,
    )
    if data.manufacturer_amount or data.seller_amount:
        data.compensate = True
    return register_ticket(data=data, actor=registered_by)

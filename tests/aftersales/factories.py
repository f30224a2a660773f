"""Factories for after-sales tickets. `make_ticket(...)` registers a ticket through the service (the way
the pages do), so it starts as it would in real use: state registered, number given, order in progress."""

from decimal import Decimal

from aftersales.models import ReturnDestination, TicketReason, TicketType
from aftersales.services import TicketData, register_ticket
from tests.factories import UserFactory, WarehouseFactory
from tests.orders.factories import OrderLineFactory


def make_ticket(*, type=TicketType.RETURN_REFUND, order_line=None, quantity=1, registered_by=None, handler=None,
                warehouse=None, destination=None, **fields):
    order_line = order_line or OrderLineFactory(quantity=2)
    order = order_line.order
    registered_by = registered_by or UserFactory(roles=("sales",))
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

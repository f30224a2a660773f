"""Demo after-sales tickets through aftersales.services: a return-and-refund awaiting the goods (in
warehouse's "Returns to receive") and a resolved compensation ticket (its manufacturer compensation
posted to the supplier account). A ticket is found again by its order and type."""

from decimal import Decimal

from .models import ReturnDestination, Ticket, TicketReason, TicketType
from .services import (
    TicketData,
    approve_ticket,
    register_ticket,
    resolve_ticket,
    submit_ticket,
)


def _first_line(order):
    return order.lines.select_related("product").order_by("pk").first()


def seed(context):
    """context["tickets"]: {"return": ticket, "compensation": ticket}."""
    users, orders, tickets = context["users"], context["orders"], {}
    sales, approver = users["sales"], users["approver"]

    order = orders["DEMO-1005"]
    ticket = Ticket.objects.filter(order=order, type=TicketType.RETURN_REFUND).first()
    if ticket is None:
        line = _first_line(order)
        ticket = register_ticket(actor=sales, data=TicketData(
            type=TicketType.RETURN_REFUND, order=order, handler=sales, reason=TicketReason.QUALITY,
            lines=[(line, 1)], supplier=line.product.default_supplier,
            description="左耳无声音，客户要求退货退款。Left earbud silent; the customer returns it for a refund.",
            return_carrier=context["carriers"]["sf"], return_tracking_no="SF7788001005",
            return_destination=ReturnDestination.WAREHOUSE, return_warehouse=context["warehouses"]["sh-main"],
            charge_back=True))
        submit_ticket(ticket, actor=sales)
        ticket = approve_ticket(ticket, actor=approver, comment="Demo data")  # → awaiting the return
        context.created("after-sales tickets")
    tickets["return"] = ticket

    order = orders["DEMO-1006"]
    ticket = Ticket.objects.filter(order=order, type=TicketType.COMPENSATION).first()
    if ticket is None:
        line = _first_line(order)
        ticket = register_ticket(actor=sales, data=TicketData(
            type=TicketType.COMPENSATION, order=order, handler=sales, reason=TicketReason.DAMAGED,
            lines=[(line, 1)], supplier=context["suppliers"]["hz-textile"],
            description="围巾运输中受潮，客户同意保留商品并接受补偿。Scarf arrived damp; the customer keeps it "
                        "against compensation.",
            compensate=True, manufacturer_amount=Decimal("30.00"), seller_amount=Decimal("20.00")))
        submit_ticket(ticket, actor=sales)
        approve_ticket(ticket, actor=approver, comment="Demo data")
        ticket = resolve_ticket(ticket, actor=sales, comment="Demo data")
        context.created("after-sales tickets")
    tickets["compensation"] = ticket
    context["tickets"] = tickets

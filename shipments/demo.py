"""Demo shipments in several states, each taken there through the shipments services by the role that does
it (maker-checker: sales enters and submits, the approver approves, warehouse picks and dispatches a
company dispatch, sales dispatches a drop-ship and records delivery/receipt). An order that already has
a shipment is skipped, so a second run changes nothing."""

from decimal import Decimal

from .approval import approve_shipment, submit_shipment
from .dispatching import dispatch_shipment, mark_delivered, mark_received, start_picking
from .entry import LineInput, create_shipment
from .models import Shipment, ShipmentKind

# order no., kind, supplier or warehouse code, freight, agreed supplier unit price per SKU, steps after entry
SHIPMENTS = [
    ("DEMO-1001", ShipmentKind.COMPANY_DISPATCH, "sh-main", "0", {}, []),  # draft
    ("DEMO-1002", ShipmentKind.COMPANY_DISPATCH, "sh-main", "0", {}, ["submit"]),  # awaits the approver
    ("DEMO-1003", ShipmentKind.COMPANY_DISPATCH, "sh-main", "0", {}, ["submit", "approve"]),  # warehouse queue
    ("DEMO-1004", ShipmentKind.DROP_SHIP, "hz-textile", "12.00", {"SILK-PILLOW-02": "118.00"},
     ["submit", "approve", "dispatch"]),
    ("DEMO-1005", ShipmentKind.COMPANY_DISPATCH, "sh-main", "0", {},
     ["submit", "approve", "pick", "dispatch", "deliver", "receive"]),
    ("DEMO-1006", ShipmentKind.DROP_SHIP, "hz-textile", "8.00", {}, ["submit", "approve", "dispatch", "deliver"]),
]
CARRIER_FOR = {ShipmentKind.COMPANY_DISPATCH: "sf", ShipmentKind.DROP_SHIP: "zto"}


def _run(step, shipment, *, context, users, order_no):
    if step == "submit":
        return submit_shipment(shipment, actor=users["sales"])
    if step == "approve":
        return approve_shipment(shipment, actor=users["approver"], comment="Demo data")
    if step == "pick":
        return start_picking(shipment, actor=users["warehouse"])
    if step == "dispatch":
        by = users["warehouse"] if shipment.kind == ShipmentKind.COMPANY_DISPATCH else users["sales"]
        carrier = context["carriers"][CARRIER_FOR[shipment.kind]]
        return dispatch_shipment(shipment, actor=by, carrier=carrier,
                                 tracking_number=f"{carrier.code.upper()}{order_no.replace('-', '')}")
    if step == "deliver":
        return mark_delivered(shipment, actor=users["sales"])
    if step == "receive":
        return mark_received(shipment, actor=users["sales"])
    raise ValueError(step)


def seed(context):
    """context["shipments"]: {order no.: shipment}."""
    users, shipments = context["users"], {}
    for order_no, kind, where, freight, prices, steps in SHIPMENTS:
        order = context["orders"][order_no]
        shipment = Shipment.objects.filter(order=order).order_by("pk").first()
        if shipment is None:
            lines = [LineInput(line, line.quantity, Decimal(prices[line.product.sku]) if line.product.sku in prices
                               else None)
                     for line in order.lines.select_related("product").order_by("pk")]
            drop_ship = kind == ShipmentKind.DROP_SHIP
            shipment = create_shipment(
                order=order, kind=kind, lines=lines, actor=users["sales"], freight=Decimal(freight),
                supplier=context["suppliers"][where] if drop_ship else None,
                warehouse=None if drop_ship else context["warehouses"][where])
            for step in steps:
                shipment = _run(step, shipment, context=context, users=users, order_no=order_no)
            context.created("shipments")
        shipments[order_no] = shipment
    context["shipments"] = shipments

"""The order's fulfilment status as its shipments make it (DESIGN.md, "Order"): derived from its SALE
shipments after each shipment step and written through `orders.services.set_fulfilment_status`."""

from django.utils.translation import gettext as _

from orders.models import FulfilmentStatus
from orders.services import set_fulfilment_status

from . import selectors
from .models import S, ShipmentPurpose

# An order cancelled or invoiced keeps its status whatever its shipments do.
FINAL_ORDER_STATUSES = (FulfilmentStatus.CANCELLED, FulfilmentStatus.INVOICED)


def derive_order_status(order, *, actor=None, comment="", totals=None):
    """Recompute the order's fulfilment status from its SALE shipments and write it through
    `orders.services.set_fulfilment_status` (DESIGN.md, "Order"). Exchange/reship never count.
    `totals`: the order's `selectors.fulfilment_totals`, when the caller read them for several orders."""
    if order.fulfilment_status in FINAL_ORDER_STATUSES:
        return order
    if totals is None:
        totals = selectors.fulfilment_totals(order.pk)
    return set_fulfilment_status(order, status=status_from_totals(totals), actor=actor, comment=comment)


def status_from_totals(totals):
    """The fulfilment status of an order whose lines have these `selectors.fulfilment_totals`: "all"
    counts the ordered units less the closed-short ones (the totals' first figure)."""
    if totals and all(received >= ordered for ordered, _d, _v, received in totals):
        return FulfilmentStatus.RECEIVED
    if totals and all(delivered >= ordered for ordered, _d, delivered, _r in totals):
        return FulfilmentStatus.DELIVERED
    if totals and all(dispatched >= ordered for ordered, dispatched, _v, _r in totals):
        return FulfilmentStatus.SHIPPED
    if any(dispatched > 0 for _o, dispatched, _v, _r in totals):
        return FulfilmentStatus.PARTIALLY_SHIPPED
    return FulfilmentStatus.AWAITING_SHIPMENT


# Only these states move units into "dispatched or later", so only transitions into them can change the
# order's derived status; submit, approve, reject, reopen, start picking and cancel (all before dispatch)
# never can, and skip the recomputation.
MOVES_ORDER_STATUS = (S.DISPATCHED, S.DELIVERED, S.RECEIVED)


def finish_transition(order, shipment, *, actor):
    """After a transition: re-derive the order's fulfilment status from its sale shipments (`order` is
    the locked order; the steps that lock none never reach these states) — `finish_transitions` for one."""
    finish_transitions({order.pk: order} if order is not None else {}, [shipment], actor=actor)
    return shipment


def finish_transitions(orders, shipments, *, actor):
    """After a transition of several shipments ({order id: locked order}, the shipments): each order
    concerned re-derives its status once, from one read of the totals of every order still open."""
    moved = {}
    for shipment in shipments:
        if shipment.purpose == ShipmentPurpose.SALE and shipment.state in MOVES_ORDER_STATUS:
            moved.setdefault(shipment.order_id, []).append(shipment.number)
    open_ids = [order_id for order_id in moved if orders[order_id].fulfilment_status not in FINAL_ORDER_STATUSES]
    totals = selectors.fulfilment_totals_by_order(open_ids) if open_ids else {}
    for order_id, numbers in moved.items():
        derive_order_status(orders[order_id], actor=actor, totals=totals.get(order_id, []),
                            comment=_("Shipment %(no)s") % {"no": ", ".join(numbers)})

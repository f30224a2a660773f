"""Close short 部分发货结案 (DESIGN.md, "Order"): the rest of a partly shipped order will never ship (out of
stock for good, the customer agreed), so sales closes it short with a reason.

One service does the whole action in one transaction — it lives here, not in orders, because it cancels
shipments (orders sits below shipments and never imports it), and it calls orders' own half
(`orders.services.set_closed_short`) explicitly; no signal is involved:
1. the order row is locked (as every shipment action on an order locks it first), so no shipment can be
   entered, reopened or dispatched for it meanwhile; the state and permission are checked before
   anything is written (nothing dispatched → cancel the order instead; everything dispatched or the
   order cancelled → nothing to close);
2. its undispatched SALE shipments (draft, submitted, rejected, approved, picking) are cancelled
   (shipments.cancelling.cancel_undispatched_shipments, one conditional UPDATE): reservations of approved/picking company dispatches are released, and whoever was
   already asked to act on an approved one (warehouse staff, the note's holder, the supplier's contact)
   is told, as for any cancellation (`cancel_notices.notify_cancelled`). Exchange/reship shipments
   belong to their after-sales ticket and are left alone;
3. each line's undispatched units (ordered − units on its sale shipments dispatched or later) become its
   closed-short units, and the order moves by its `close_short` transition (logged with the reason, so
   it shows on the order's timeline) to the status derived over the units that remain — shipped,
   delivered or received — from where it is delivered, received and invoiced as usual."""

from django.db import transaction
from django.utils.translation import gettext as _

from orders.models import Order, OrderLine
from orders.services import check_may_close_short, clean_close_short_reason, set_closed_short

from . import selectors
from .cancelling import cancel_undispatched_shipments
from .fulfilment import status_from_totals
from .models import ShipmentPurpose


def close_order_short(order, *, actor, reason):
    """Close `order` short as `actor` (permission `orders.close_order_short`) with `reason` (required).

    Raises ValidationError({"reason": …}) without a reason, TransitionNotAllowed (naming why) unless the
    order is partly shipped, PermissionDenied without the permission — each before anything is written.
    Returns the order as it is afterwards (its undispatched shipments cancelled)."""
    reason = clean_close_short_reason(reason)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        check_may_close_short(order, actor=actor)
        # The order's close-short permission is the authority here (as for an order's cancellation), so the
        # shipments' own cancel permission is not asked; the transition log records who did it.
        cancel_undispatched_shipments(order, actor=actor, purposes=[ShipmentPurpose.SALE],
                                      comment=_("Order closed short: %(reason)s") % {"reason": reason})

        # fulfilment_totals already counts each line's dispatched units (line order = id order): what was
        # not dispatched is closed short, and what remains — the dispatched units — makes the status.
        ordered = OrderLine.objects.filter(order_id=order.pk).order_by("id").values_list("id", "quantity")
        totals = selectors.fulfilment_totals(order.pk)
        closed_short = {line_id: quantity - dispatched
                        for (line_id, quantity), (_remaining, dispatched, *_moved) in zip(ordered, totals, strict=True)}
        totals = [(dispatched, dispatched, *moved) for _remaining, dispatched, *moved in totals]
        return set_closed_short(order, actor=actor, reason=reason, closed_short=closed_short,
                                status=status_from_totals(totals))

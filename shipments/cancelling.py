"""Cancelling (DESIGN.md, "Shipment" and "Order"): one shipment before dispatch, or an order together with
its undispatched shipments.

An order's cancellation lives here, not in orders, because it cancels shipments (orders sits below
shipments and never imports it); it calls orders' own half (`orders.services.set_cancelled`) explicitly,
as close short does (shipments.closing) — no signal is involved. One transaction: the order row is locked
first (as every shipment action on an order locks it), the order is cancelled (refused while something is
dispatched or an after-sales ticket is live, before anything is written), then its undispatched
shipments: reservations of approved/picking company dispatches are released and whoever was already
asked to act on an approved one is told (`cancel_notices.notify_cancelled`)."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.transitions import perform, perform_many
from inventory.services import release
from orders.models import Order
from orders.services import clean_cancel_reason, set_cancelled

from .cancel_notices import notify_cancelled
from .fulfilment import finish_transition
from .locking import line_rows, lock_shipment
from .models import APPROVED_NOT_DISPATCHED, CANCELLABLE, Shipment, ShipmentKind, ShipmentLine


def cancel_shipment(shipment, *, actor, reason=""):
    """Cancel before dispatch: sales before approval, an approver after (the model's permission check);
    reservations are released."""
    with transaction.atomic():
        order, shipment = lock_shipment(shipment)
        previous = shipment.state
        reason = " ".join(str(reason or "").split())
        perform(shipment, "cancel", actor=actor, comment=reason, update_fields=["cancel_reason"])
        if previous in APPROVED_NOT_DISPATCHED and shipment.kind == ShipmentKind.COMPANY_DISPATCH:
            release(sources=line_rows(shipment), actor=actor)
        notify_cancelled([(shipment, previous)], actor=actor, reason=reason)
        return finish_transition(order, shipment, actor=actor)


def cancel_order(order, *, actor, reason):
    """Cancel `order` and its undispatched shipments as `actor` (permission `orders.cancel_order`), with
    `reason` (required). Raises ValidationError({"reason": …}) without one, TransitionNotAllowed once
    something is dispatched or while an after-sales ticket is live, PermissionDenied without the
    permission — each before anything is written. Returns the order as it is afterwards."""
    reason = clean_cancel_reason(reason)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        set_cancelled(order, actor=actor, reason=reason)
        cancel_undispatched_shipments(order, actor=actor,
                                      comment=_("Order cancelled: %(reason)s") % {"reason": reason})
    return order


def cancel_undispatched_shipments(order, *, actor, comment, purposes=None):
    """Cancel the undispatched shipments of `order` (locked by the caller; only those of `purposes`, when
    given) — the order's cancel or close-short permission is the authority here, so the shipment's own
    cancel permission is not asked; the transition log records who did it. Releases the reservations of
    approved/picking company dispatches and tells whoever was already asked to act. Returns
    [(shipment, its state before)]."""
    shipments = Shipment.objects.filter(order_id=order.pk, state__in=CANCELLABLE)
    if purposes is not None:
        shipments = shipments.filter(purpose__in=purposes)
    shipments = list(shipments.select_related("supplier", "warehouse").order_by("pk"))
    previous = [(shipment, shipment.state) for shipment in shipments]
    for shipment in shipments:
        shipment.order = order
    perform_many(shipments, "cancel", actor=actor, comment=comment, update_fields=["cancel_reason"],
                 check_permission=False)
    reserved = [shipment.pk for shipment, state in previous
                if state in APPROVED_NOT_DISPATCHED and shipment.kind == ShipmentKind.COMPANY_DISPATCH]
    if reserved:
        release(sources=list(ShipmentLine.objects.filter(shipment__in=reserved)), actor=actor)
    notify_cancelled(previous, actor=actor, reason=comment)
    return previous

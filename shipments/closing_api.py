"""`POST /api/v1/orders/{id}/cancel` `{"reason": "…"}`: cancel an order and its undispatched shipments
(shipments.cancelling.cancel_order; permission `orders.cancel_order`). 400 without a reason · 409 once
something is dispatched or while an after-sales ticket is live · a retry on an order already cancelled →
200 with the order as it is.

`POST /api/v1/orders/{id}/close-short` `{"reason": "…"}`: close a partly shipped order short
(shipments.closing.close_order_short; permission `orders.close_order_short`). The action cancels
shipments, so their endpoints live here, on a router mounted under /orders beside orders' own.

200 with the order (its lines' closed-short units, open quantities 0, the status derived over the units
that remain) · 400/422 without a reason · 403 without the permission · 404 for an unknown order ·
409 while nothing is dispatched (cancel it instead), once everything is dispatched, or when the order is
cancelled. A retry on an order already closed short answers 200 with the order as it is (nothing written)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from core.api import Input, error_messages, invalid, require_permissions
from core.idempotency import idempotent
from orders.api import ErrorOut, OrderOut, order_out
from orders.models import FulfilmentStatus, Order

from .cancelling import cancel_order
from .closing import close_order_short

router = Router(tags=["orders"])


class CloseShortIn(Schema):
    """Why the rest of the order will never ship."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., max_length=300, description="Why the rest will never ship (required)")


@router.post("/{order_id}/close-short", response={200: OrderOut, 400: ErrorOut, 409: ErrorOut},
             summary="Close an order short", operation_id="orders_close_short")
@idempotent
def close_short(request, order_id: int, payload: CloseShortIn):
    """Close a partly shipped order short: each line's undispatched units become closed-short units, its
    undispatched shipments are cancelled, and its status is derived over the units that remain."""
    require_permissions(request, "orders.view_order", "orders.close_order_short")
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise Http404
    already = order.close_short_reason and order.fulfilment_status != FulfilmentStatus.PARTIALLY_SHIPPED
    if not already:  # a retried request changes nothing
        try:
            close_order_short(order, actor=request.user, reason=payload.reason)
        except ValidationError as exc:
            return invalid(error_messages(exc))
    return Status(200, order_out(order_id))


class CancelIn(Input):
    """Why the order is cancelled."""

    reason: str = ""


@router.post("/{order_id}/cancel", response={200: OrderOut, 400: ErrorOut},
             summary="Cancel an order", operation_id="orders_cancel")
@idempotent
def cancel(request, order_id: int, payload: CancelIn | None = None):
    """Cancel the order while nothing is dispatched (its undispatched shipments are cancelled with it)."""
    require_permissions(request, "orders.view_order", "orders.cancel_order")
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise Http404
    if order.fulfilment_status != FulfilmentStatus.CANCELLED:  # a retried request changes nothing
        try:
            cancel_order(order, actor=request.user, reason=payload.reason if payload else "")
        except ValidationError as exc:
            return invalid(error_messages(exc))
    return Status(200, order_out(order_id))

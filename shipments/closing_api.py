"""`POST /api/v1/orders/{id}/close-short` `{"reason": "…"}`: close a partly shipped order short
(shipments.closing.close_order_short; permission `orders.close_order_short`). The action cancels
shipments, so its endpoint lives here, on a router mounted under /orders beside orders' own.

200 with the order (its lines' closed-short units, open quantities 0, the status derived over the units
that remain) · 400/422 without a reason · 403 without the permission · 404 for an unknown order ·
409 while nothing is dispatched (cancel it instead), once everything is dispatched, or when the order is
cancelled. A retry on an order already closed short answers 200 with the order as it is (nothing written)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from core.api import require_permissions
from core.idempotency import idempotent
from orders import selectors as order_selectors
from orders.api import ErrorOut, OrderOut
from orders.models import FulfilmentStatus, Order

from .closing import close_order_short

router = Router(tags=["orders"])


class CloseShortIn(Schema):
    """Why the rest of the order will never ship."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., max_length=300, description="Why the rest will never ship (required)")


def _order_out(order_id):
    order = order_selectors.order_detail(order_id)
    order.lines_out = order_selectors.lines_with_open_quantity(order)
    return order


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
            return Status(400, {"detail": _("The request has invalid values."), "errors": exc.message_dict})
    return Status(200, _order_out(order_id))

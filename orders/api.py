"""Orders over the API: `POST /api/v1/orders` (idempotent on store + order no.: the first call → 201,
a retry → 200 with the existing order, unchanged), `GET /api/v1/orders` (filtered, newest first,
limit/offset without a COUNT) and `GET /api/v1/orders/{id}`. The same service, permissions
(orders.add_order / orders.view_order) and validation as the pages and the import.

`POST /api/v1/orders/{id}/cancel` `{"reason": "…"}` cancels the order (and, through shipments' receiver,
its undispatched shipments); permission `orders.cancel_order`. 400 without a reason · 409 once something
is dispatched · a retry on an order already cancelled → 200 with the order as it is.
Invoices (`GET`/`POST /api/v1/orders/{id}/invoice`) are in orders/invoice_api.py, nested here."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from catalog.models import Product, Store
from core.api import require_permissions

from . import selectors
from .invoice_api import router as invoice_router
from .models import FulfilmentStatus, Order, OrderSource
from .services import LineData, cancel_order, create_order

router = Router(tags=["orders"])
router.add_router("", invoice_router)

MAX_LIMIT = 200


class LineIn(Schema):
    sku: str = Field(..., max_length=60)
    quantity: int
    unit_price: Decimal


class OrderIn(Schema):
    store: int = Field(..., description="Store id")
    external_order_no: str = Field(..., max_length=64, description="The order number in the store")
    ordered_at: datetime
    recipient_name: str
    recipient_phone: str
    recipient_address: str
    lines: list[LineIn]


class LineOut(Schema):
    id: int
    product: int = Field(..., alias="product_id")
    sku: str = Field(..., alias="product.sku")
    quantity: int
    unit_price: Decimal
    open_quantity: int


class OrderOut(Schema):
    id: int
    store: int = Field(..., alias="store_id")
    store_name: str = Field(..., alias="store.name")
    external_order_no: str
    ordered_at: datetime
    recipient_name: str
    recipient_phone: str
    recipient_address: str
    source: str
    fulfilment_status: str
    aftersales_status: str
    created_at: datetime
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj):
        return obj.lines_out


class OrderRow(Schema):
    id: int
    store: int = Field(..., alias="store_id")
    external_order_no: str
    ordered_at: datetime
    recipient_name: str
    fulfilment_status: str
    aftersales_status: str


class OrderPage(Schema):
    items: list[OrderRow]
    next_offset: int | None


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class OrderFilters(Schema):
    store: int | None = None
    status: FulfilmentStatus | None = None
    ordered_from: date | None = None
    ordered_to: date | None = None
    waiting_hours: float | None = Field(None, ge=0, description="Awaiting shipment for more than N hours")
    external_order_no: str | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=100_000)


def _detail(order_id):
    try:
        order = selectors.order_detail(order_id)
    except Order.DoesNotExist:
        raise Http404 from None
    order.lines_out = selectors.lines_with_open_quantity(order)
    return order


def _invalid(errors):
    return Status(400, {"detail": _("The request has invalid values."), "errors": errors})


@router.post("", response={200: OrderOut, 201: OrderOut, 400: ErrorOut})
def post_order(request, payload: OrderIn):
    """Take in an order. A retry with the same store and order no. answers 200 with the existing order."""
    require_permissions(request, "orders.add_order")
    store = Store.objects.filter(pk=payload.store).first()
    if store is None:
        return _invalid({"store": [_("No store has id %(id)s.") % {"id": payload.store}]})
    skus = {line.sku.strip() for line in payload.lines}
    products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
    errors = {}
    lines = []
    for number, line in enumerate(payload.lines, start=1):
        product = products.get(line.sku.strip())
        if product is None:
            errors.setdefault("lines", []).append(
                _("Line %(n)d: no product has SKU '%(sku)s'.") % {"n": number, "sku": line.sku})
        lines.append(LineData(product=product, quantity=line.quantity, unit_price=line.unit_price))
    if errors:
        return _invalid(errors)
    try:
        order, created = create_order(
            store=store, external_order_no=payload.external_order_no, recipient_name=payload.recipient_name,
            recipient_phone=payload.recipient_phone, recipient_address=payload.recipient_address,
            ordered_at=payload.ordered_at, lines=lines, actor=request.user, source=OrderSource.API,
        )
    except ValidationError as exc:
        return _invalid(exc.message_dict)
    return Status(201 if created else 200, _detail(order.pk))


@router.get("", response=OrderPage)
def list_orders(request, filters: Query[OrderFilters]):
    """Orders, newest first. Page with `limit` and `offset`; `next_offset` is null on the last page."""
    require_permissions(request, "orders.view_order")
    queryset = Order.objects.order_by("-ordered_at", "-id")
    if filters.store is not None:
        queryset = queryset.filter(store_id=filters.store)
    if filters.status is not None:
        queryset = queryset.filter(fulfilment_status=filters.status)
    queryset = selectors.ordered_between(queryset, filters.ordered_from, filters.ordered_to)
    if filters.waiting_hours is not None:
        queryset = selectors.awaiting_shipment_longer_than(queryset, filters.waiting_hours)
    if filters.external_order_no:
        queryset = queryset.filter(external_order_no=filters.external_order_no)
    rows = list(queryset[filters.offset:filters.offset + filters.limit + 1])
    more = len(rows) > filters.limit
    return {"items": rows[:filters.limit], "next_offset": filters.offset + filters.limit if more else None}


@router.get("/{order_id}", response=OrderOut)
def get_order(request, order_id: int):
    require_permissions(request, "orders.view_order")
    return _detail(order_id)


class CancelIn(Schema):
    reason: str = ""


@router.post("/{order_id}/cancel", response={200: OrderOut, 400: ErrorOut})
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
            return _invalid(exc.message_dict)
    return Status(200, _detail(order_id))

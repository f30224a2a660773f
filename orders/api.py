"""Orders over the API: `POST /api/v1/orders` (idempotent on store + order no.: the first call → 201,
a retry → 200 with the existing order, unchanged), `GET /api/v1/orders` (filtered, newest first,
limit/offset without a COUNT) and `GET /api/v1/orders/{id}`. The same service, permissions
(orders.add_order / orders.view_order) and validation as the pages and the import.
`POST /api/v1/orders/bulk` `{"orders": [… up to 1,000 …]}` takes in a batch for integrations, each order on its
own (created · already_present · invalid with its errors), through the file import's bulk service.

Invoices (`GET`/`POST /api/v1/orders/{id}/invoice`) are in orders/invoice_api.py, nested here.
`POST /api/v1/orders/{id}/cancel` and `POST /api/v1/orders/{id}/close-short` are in shipments/closing_api.py
(they cancel shipments)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import ValidationError as PydanticValidationError
from pydantic import WrapValidator

from catalog.models import Product, Store
from core.api import ErrorOut, Input, PageIn, invalid, page_of, paginate, require_permissions
from core.api_types import Money, OutsideTime, Quantity
from core.idempotency import idempotent

from . import selectors
from .deadlines import DeadlineFilter, filter_deadline
from .invoice_api import router as invoice_router
from .models import FulfilmentStatus, Order, OrderSource
from .services import IntakeOutcome, LineData, OrderData, create_order, take_in_orders

router = Router(tags=["orders"])
router.add_router("", invoice_router)

MAX_LIMIT = 200


class OrderLineIn(Input):
    """One line of a new order: the product by SKU, the quantity and the unit price."""

    sku: str = Field(..., max_length=60)
    quantity: Quantity
    unit_price: Money


class OrderIn(Input):
    """A new order from a store; (store, external_order_no) is its natural key."""

    store: int = Field(..., description="Store id")
    external_order_no: str = Field(..., max_length=64, description="The order number in the store")
    ordered_at: OutsideTime = Field(..., description="When the customer ordered, with its timezone (not in the future)")
    recipient_name: str
    recipient_phone: str
    recipient_address: str
    lines: list[OrderLineIn]


class OrderLineOut(Schema):
    """An order line with its open quantity (ordered less closed-short and units on live sale shipments)."""

    id: int
    product: int = Field(..., alias="product_id")
    sku: str = Field(..., alias="product.sku")
    quantity: int
    unit_price: Decimal
    closed_short_quantity: int = Field(..., description="Units that will never ship (the order was closed short)")
    open_quantity: int


class OrderOut(Schema):
    """An order with its lines and derived statuses."""

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
    close_short_reason: str = Field(..., description="Why it was closed short (empty unless it was)")
    created_at: datetime
    lines: list[OrderLineOut]

    @staticmethod
    def resolve_lines(obj):
        return obj.lines_out


class OrderRow(Schema):
    """An order in a list."""

    id: int
    store: int = Field(..., alias="store_id")
    external_order_no: str
    ordered_at: datetime
    recipient_name: str
    fulfilment_status: str
    aftersales_status: str
    updated_at: datetime = Field(..., description="Last change (compare with updated_since)")


class OrderFilters(Schema):
    """Filters of the order list."""

    store: int | None = None
    status: FulfilmentStatus | None = None
    ordered_from: date | None = None
    ordered_to: date | None = None
    waiting_hours: float | None = Field(None, ge=0, le=100_000, allow_inf_nan=False,
                                        description="Awaiting shipment for more than N hours (0 to 100,000)")
    external_order_no: str | None = None
    deadline: DeadlineFilter | None = Field(None, description="Dispatch deadline: at_risk, overdue, or late (either)")


def order_out(order_id):
    """The order an answer returns (OrderOut): its detail and its lines with their open quantity; 404 when
    there is none. The order actions mounted under /orders by shipments (closing_api) answer with it too."""
    try:
        order = selectors.order_detail(order_id)
    except Order.DoesNotExist:
        raise Http404 from None
    order.lines_out = selectors.lines_with_open_quantity(order)
    return order


@router.post("", response={200: OrderOut, 201: OrderOut, 400: ErrorOut})
@idempotent
def post_order(request, payload: OrderIn):
    """Take in an order. A retry with the same store and order no. answers 200 with the existing order."""
    require_permissions(request, "orders.add_order")
    store = Store.objects.filter(pk=payload.store).first()
    if store is None:
        return invalid({"store": [_("No store has id %(id)s.") % {"id": payload.store}]})
    skus = {line.sku.strip() for line in payload.lines}
    products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
    errors = {}
    lines = _line_data(payload.lines, products, errors)
    if errors:
        return invalid(errors)
    try:
        order, created = create_order(
            store=store, external_order_no=payload.external_order_no, recipient_name=payload.recipient_name,
            recipient_phone=payload.recipient_phone, recipient_address=payload.recipient_address,
            ordered_at=payload.ordered_at, lines=lines, actor=request.user, source=OrderSource.API,
        )
    except ValidationError as exc:
        return invalid(exc.message_dict)
    return Status(201 if created else 200, order_out(order.pk))


@router.get("", response=page_of(OrderRow))
def list_orders(request, filters: Query[OrderFilters], page: Query[PageIn]):
    """Orders, newest first, one page at a time (`next` is null on the last page)."""
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
    if filters.deadline:
        queryset = filter_deadline(queryset, filters.deadline)
    return paginate(request, queryset, page)


# ---- bulk intake for integrations (before /{order_id}, so /bulk is not read as an id) ---------------------
MAX_BULK_ORDERS = 1000


class _RefusedOrder:
    """An order of a bulk body that the order schema refuses: kept with its errors, so that only it is
    refused (all or nothing per order, not per batch)."""

    def __init__(self, raw, errors):
        self.raw = raw if isinstance(raw, dict) else {}
        self.errors = errors

    def given(self, name, kind):
        value = self.raw.get(name)
        return value if isinstance(value, kind) and not isinstance(value, bool) else None


def _each_order_on_its_own(value, handler):
    try:
        return handler(value)
    except PydanticValidationError as exc:
        errors = {}
        for item in exc.errors():
            errors.setdefault(".".join(str(part) for part in item["loc"]) or "__all__", []).append(item["msg"])
        return _RefusedOrder(value, errors)


class BulkOrdersIn(Input):
    """Up to 1,000 orders of any stores, each taken in on its own."""

    orders: list[Annotated[OrderIn, WrapValidator(_each_order_on_its_own)]] = Field(
        ..., min_length=1, max_length=MAX_BULK_ORDERS, description=f"1 to {MAX_BULK_ORDERS} orders")


class BulkOrderResult(Schema):
    """What became of one order of a bulk call."""

    index: int = Field(..., description="Position of the order in the request (0-based)")
    store: int | None = Field(..., description="The store id sent (null if it was not a number)")
    external_order_no: str | None = Field(..., description="The order no. sent (null if it was not text)")
    result: IntakeOutcome = Field(..., description="created · already_present (the store + order no. exists; "
                                                   "answered as it is, never changed) · invalid (see errors)")
    id: int | None = Field(None, description="The order's id (created or already present)")
    errors: dict[str, list[str]] | None = Field(None, description="Why the order was not taken in (invalid)")


class BulkOrdersOut(Schema):
    """Counts per result and one result per order, in the order sent."""

    created: int
    already_present: int
    invalid: int
    results: list[BulkOrderResult]


def _line_data(lines, products, errors):
    """The posted lines as LineData, their SKUs looked up in `products` {sku: Product}; an unknown SKU is
    added to `errors["lines"]`, naming the line (1-based), and leaves the line without a product."""
    found = []
    for number, line in enumerate(lines, start=1):
        product = products.get(line.sku.strip())
        if product is None:
            errors.setdefault("lines", []).append(
                _("Line %(n)d: no product has SKU '%(sku)s'.") % {"n": number, "sku": line.sku})
        found.append(LineData(product=product, quantity=line.quantity, unit_price=line.unit_price))
    return found


def _intake_batch(orders):
    """[(store, OrderData)] and {index: field errors} for the orders the schema refused and the stores and
    SKUs that do not exist."""
    valid = [order for order in orders if not isinstance(order, _RefusedOrder)]
    stores = Store.objects.in_bulk({order.store for order in valid})
    skus = {line.sku.strip() for order in valid for line in order.lines}
    products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
    batch, errors = [], {}
    for index, order in enumerate(orders):
        if isinstance(order, _RefusedOrder):
            batch.append((None, None))
            errors[index] = order.errors
            continue
        problems = {}
        store = stores.get(order.store)
        if store is None:
            problems["store"] = [_("No store has id %(id)s.") % {"id": order.store}]
        lines = _line_data(order.lines, products, problems)
        batch.append((store, OrderData(
            external_order_no=order.external_order_no, recipient_name=order.recipient_name,
            recipient_phone=order.recipient_phone, recipient_address=order.recipient_address,
            ordered_at=order.ordered_at, lines=lines)))
        if problems:
            errors[index] = problems
    return batch, errors


@router.post("/bulk", response={200: BulkOrdersOut})
@idempotent
def post_orders_in_bulk(request, payload: BulkOrdersIn):
    """Take in up to 1,000 orders in one call (integrations), all or nothing per order, not per batch: each
    is `created`, `already_present` or `invalid` with its own field errors. The same validation and bulk
    service as the file import; safe to retry (natural key, and Idempotency-Key)."""
    require_permissions(request, "orders.add_order")
    batch, errors = _intake_batch(payload.orders)
    results = take_in_orders(batch=batch, actor=request.user, errors=errors)
    rows = [{"index": index,
             "store": order.given("store", int) if isinstance(order, _RefusedOrder) else order.store,
             "external_order_no": order.given("external_order_no", str) if isinstance(order, _RefusedOrder)
             else order.external_order_no,
             "result": result.outcome, "id": result.order.pk if result.order is not None else None,
             "errors": result.errors or None}
            for index, (order, result) in enumerate(zip(payload.orders, results, strict=True))]
    counts = {str(outcome): sum(1 for result in results if result.outcome == outcome) for outcome in IntakeOutcome}
    return {**counts, "results": rows}


@router.get("/{order_id}", response=OrderOut)
def get_order(request, order_id: int):
    """One order with its lines and their open quantities."""
    require_permissions(request, "orders.view_order")
    return order_out(order_id)



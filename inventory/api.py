"""Stock over the API (/api/v1/stock/): balances, the ledger, adjustments (ledger rows of kind
adjustment), and goods receipts (list, detail, create a draft, post). The same services, selectors and
permissions as the pages."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from catalog.models import Supplier, Warehouse
from core.api import ErrorOut, Input, PageIn, invalid, page_of, paginate, require_permissions
from core.api_types import Money, Quantity
from core.idempotency import idempotent

from . import documents, selectors
from .documents import ReceiptLineData
from .documents_api import post_draft
from .documents_api import router as documents_router
from .models import GoodsReceipt, MoveKind, StockLedgerEntry

router = Router(tags=["stock"])
router.add_router("", documents_router)  # stocktakes and transfers (inventory/documents_api.py)


class BalanceOut(Schema):
    """On hand, reserved and available of one product in one warehouse."""

    product: int = Field(..., alias="product_id")
    sku: str = Field(..., alias="product.sku")
    warehouse: int = Field(..., alias="warehouse_id")
    on_hand: int
    reserved: int
    available: int
    low_stock_threshold: int = Field(..., alias="product.low_stock_threshold")


class BalanceFilters(Schema):
    """Filters of the stock balances."""

    warehouse: int | None = None
    product: int | None = None
    supplier: int | None = None
    low: bool = False


@router.get("/balances", response=page_of(BalanceOut))
def list_balances(request, filters: Query[BalanceFilters], page: Query[PageIn]):
    """On hand, reserved and available per product and warehouse (`low=true`: below the threshold)."""
    require_permissions(request, "inventory.view_stockbalance")
    qs = selectors.balances(low_only=filters.low)
    if filters.warehouse is not None:
        qs = qs.filter(warehouse_id=filters.warehouse)
    if filters.product is not None:
        qs = qs.filter(product_id=filters.product)
    if filters.supplier is not None:
        qs = qs.filter(product__default_supplier_id=filters.supplier)
    return paginate(request, qs.order_by("product__sku", "warehouse_id", "pk"), page)


class LedgerOut(Schema):
    """One stock ledger row 出入库流水: a change of on hand, with its source document."""

    id: int
    created_at: datetime
    product: int = Field(..., alias="product_id")
    sku: str = Field(..., alias="product.sku")
    warehouse: int = Field(..., alias="warehouse_id")
    direction: str
    kind: str
    quantity: int
    balance_after: int
    source_type: str | None = None
    source_id: int | None = None
    reason: str
    actor: int | None = Field(None, alias="actor_id")

    @staticmethod
    def resolve_source_type(obj):
        return f"{obj.source_type.app_label}.{obj.source_type.model}" if obj.source_type_id else None


class LedgerFilters(Schema):
    """Filters of the stock ledger."""

    product: int | None = None
    warehouse: int | None = None
    kind: MoveKind | None = None


def _ledger(request, filters, page, kind=None):
    qs = StockLedgerEntry.objects.select_related("product", "source_type").order_by("-id")
    if filters.product is not None:
        qs = qs.filter(product_id=filters.product)
    if filters.warehouse is not None:
        qs = qs.filter(warehouse_id=filters.warehouse)
    kind = kind or filters.kind
    if kind:
        qs = qs.filter(kind=kind)
    return paginate(request, qs, page, changed="created_at")  # append-only: posted at


@router.get("/ledger", response=page_of(LedgerOut))
def list_ledger(request, filters: Query[LedgerFilters], page: Query[PageIn]):
    """Stock ledger rows 出入库流水, newest first."""
    require_permissions(request, "inventory.view_stockledgerentry")
    return _ledger(request, filters, page)


@router.get("/adjustments", response=page_of(LedgerOut, "AdjustmentPage"))
def list_adjustments(request, filters: Query[LedgerFilters], page: Query[PageIn]):
    """Adjustment rows (stocktake differences), newest first."""
    require_permissions(request, "inventory.view_stockledgerentry")
    return _ledger(request, filters, page, kind=MoveKind.ADJUSTMENT)


class ReceiptLineIn(Input):
    """One line of a goods receipt: product id, quantity, unit cost."""

    product: int
    quantity: Quantity
    unit_cost: Money


class ReceiptIn(Input):
    """A goods receipt 入库单 from a supplier into a warehouse."""

    supplier: int
    warehouse: int
    note: str = Field("", max_length=255)
    lines: list[ReceiptLineIn]
    post: bool = Field(False, description="Post it at once (needs inventory.post_goodsreceipt)")


class ReceiptLineOut(Schema):
    """One line of a goods receipt."""

    product: int = Field(..., alias="product_id")
    sku: str = Field(..., alias="product.sku")
    quantity: int
    unit_cost: Decimal


class ReceiptOut(Schema):
    """A goods receipt with its lines."""

    id: int
    number: str
    supplier: int = Field(..., alias="supplier_id")
    warehouse: int = Field(..., alias="warehouse_id")
    state: str
    note: str
    created_at: datetime
    posted_at: datetime | None
    lines: list[ReceiptLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("product"))


class ReceiptRow(Schema):
    """A goods receipt in a list."""

    id: int
    number: str
    supplier: int = Field(..., alias="supplier_id")
    warehouse: int = Field(..., alias="warehouse_id")
    state: str
    created_at: datetime
    posted_at: datetime | None
    updated_at: datetime = Field(..., description="Last change (compare with updated_since)")


@router.get("/receipts", response=page_of(ReceiptRow))
def list_receipts(request, page: Query[PageIn]):
    """Goods receipts, newest first."""
    require_permissions(request, "inventory.view_goodsreceipt")
    return paginate(request, GoodsReceipt.objects.order_by("-id"), page)


@router.get("/receipts/{receipt_id}", response=ReceiptOut)
def get_receipt(request, receipt_id: int):
    """One goods receipt with its lines."""
    require_permissions(request, "inventory.view_goodsreceipt")
    return get_object_or_404(GoodsReceipt, pk=receipt_id)


@router.post("/receipts", response={201: ReceiptOut, 400: ErrorOut, 409: ErrorOut})
@idempotent
def post_receipt(request, payload: ReceiptIn):
    """Create a goods receipt (a draft; `post: true` posts it in the same call)."""
    require_permissions(request, "inventory.add_goodsreceipt", *(["inventory.post_goodsreceipt"] if payload.post
                                                                 else []))
    supplier = Supplier.objects.filter(pk=payload.supplier).first()
    warehouse = Warehouse.objects.filter(pk=payload.warehouse).first()
    errors = {}
    if supplier is None:
        errors["supplier"] = [_("No supplier has id %(id)s.") % {"id": payload.supplier}]
    if warehouse is None:
        errors["warehouse"] = [_("No warehouse has id %(id)s.") % {"id": payload.warehouse}]
    if errors:
        return invalid(errors)
    try:
        receipt = documents.create_goods_receipt(
            supplier=supplier, warehouse=warehouse, note=payload.note, actor=request.user,
            lines=[ReceiptLineData(line.product, line.quantity, line.unit_cost) for line in payload.lines])
        if payload.post:
            documents.post_goods_receipt(receipt, actor=request.user)
    except ValidationError as exc:
        return invalid({"lines": exc.messages})
    return Status(201, GoodsReceipt.objects.get(pk=receipt.pk))


@router.post("/receipts/{receipt_id}/post", response={200: ReceiptOut, 409: ErrorOut})
@idempotent
def post_existing_receipt(request, receipt_id: int):
    """Post a draft receipt: in rows and supplier account entries. 409 if already posted."""
    require_permissions(request, "inventory.post_goodsreceipt")
    return post_draft(GoodsReceipt, receipt_id, documents.post_goods_receipt, actor=request.user)



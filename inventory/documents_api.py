"""Stocktakes 盘点 and transfers over the API (nested in inventory.api's router, under /api/v1/stock/):
create a draft (`post: true` posts it in the same call), post a draft, read one. The same services
(inventory.documents) and permissions (inventory.add_/post_/view_stocktake, …_transfer) as the pages.
400 bad data (an unknown warehouse or product, a product counted twice, one warehouse twice) · 409 already
posted, or a count below the reserved quantity / a transfer above the available stock (nothing written).
Creating and posting take `Idempotency-Key`."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from catalog.models import Product, Warehouse
from core.api import ErrorOut, Input, invalid, require_permissions
from core.idempotency import idempotent

from . import documents
from .documents import CountData, TransferLineData
from .models import Stocktake, Transfer
from .services import StockError

router = Router(tags=["stock"])

INT32_MAX = 2_147_483_647
NO_NUL = r"^[^\x00]*$"  # PostgreSQL cannot store a NUL byte in text


class CountIn(Input):
    """One counted product."""

    product: int = Field(..., ge=1, description="Product id")
    counted: int = Field(..., ge=0, le=INT32_MAX, description="Units counted (0 or more)")


class StocktakeIn(Input):
    """A stocktake 盘点 of one warehouse: what was counted, and why."""

    warehouse: int = Field(..., ge=1)
    reason: str = Field(..., min_length=1, max_length=255, pattern=NO_NUL)
    note: str = Field("", max_length=255, pattern=NO_NUL)
    counts: list[CountIn] = Field(..., min_length=1, max_length=5000)
    post: bool = Field(False, description="Post it at once (needs inventory.post_stocktake)")


class StocktakeLineOut(Schema):
    """A counted product, with on hand when the stocktake was posted."""

    product: int = Field(..., alias="product_id")
    sku: str = Field(..., alias="product.sku")
    counted: int
    on_hand_before: int | None


class StocktakeOut(Schema):
    """A stocktake with its lines."""

    id: int
    number: str
    warehouse: int = Field(..., alias="warehouse_id")
    reason: str
    note: str
    state: str
    created_at: datetime
    posted_at: datetime | None
    lines: list[StocktakeLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("product").order_by("pk"))


class TransferLineIn(Input):
    """One product moved."""

    product: int = Field(..., ge=1, description="Product id")
    quantity: int = Field(..., ge=1, le=INT32_MAX)


class TransferIn(Input):
    """A transfer of stock from one warehouse to another."""

    from_warehouse: int = Field(..., ge=1)
    to_warehouse: int = Field(..., ge=1)
    note: str = Field("", max_length=255, pattern=NO_NUL)
    lines: list[TransferLineIn] = Field(..., min_length=1, max_length=5000)
    post: bool = Field(False, description="Post it at once (needs inventory.post_transfer)")


class TransferLineOut(Schema):
    """A product moved by a transfer."""

    product: int = Field(..., alias="product_id")
    sku: str = Field(..., alias="product.sku")
    quantity: int


class TransferOut(Schema):
    """A transfer with its lines."""

    id: int
    number: str
    from_warehouse: int = Field(..., alias="from_warehouse_id")
    to_warehouse: int = Field(..., alias="to_warehouse_id")
    note: str
    state: str
    created_at: datetime
    posted_at: datetime | None
    lines: list[TransferLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("product").order_by("pk"))


def _unknown(errors, model, ids, field, what):
    found = set(model.objects.filter(pk__in=set(ids)).values_list("pk", flat=True))
    missing = sorted(set(ids) - found)
    if missing:
        errors[field] = [_("No %(what)s has id %(id)s.") % {"what": what, "id": pk} for pk in missing]


def _create_and_maybe_post(create, post, do_post):
    """One transaction: a refused post leaves no draft behind. → (document, None) or (None, error response)."""
    try:
        with transaction.atomic():
            document = create()
            if do_post:
                post(document)
    except ValidationError as exc:
        return None, invalid({"lines": exc.messages})
    except StockError as exc:
        return None, Status(409, {"detail": str(exc)})
    return document, None


def post_draft(model, document_id, post, *, actor):
    """Post a draft document (receipt, stocktake, transfer) through its service `post`: the fresh document,
    or 409 when it is already posted or the stock refuses it."""
    document = get_object_or_404(model, pk=document_id)
    try:
        post(document, actor=actor)
    except StockError as exc:
        return Status(409, {"detail": str(exc)})
    return model.objects.get(pk=document.pk)


@router.post("/stocktakes", response={201: StocktakeOut, 400: ErrorOut, 409: ErrorOut})
@idempotent
def post_stocktake(request, payload: StocktakeIn):
    """Create a stocktake (a draft; `post: true` posts it: one adjustment row per difference)."""
    require_permissions(request, "inventory.add_stocktake", *(["inventory.post_stocktake"] if payload.post else []))
    errors = {}
    _unknown(errors, Warehouse, [payload.warehouse], "warehouse", _("warehouse"))
    _unknown(errors, Product, [c.product for c in payload.counts], "counts", _("product"))
    if errors:
        return invalid(errors)
    stocktake, refused = _create_and_maybe_post(
        lambda: documents.create_stocktake(
            warehouse=Warehouse.objects.get(pk=payload.warehouse), reason=payload.reason, note=payload.note,
            counts=[CountData(c.product, c.counted) for c in payload.counts], actor=request.user),
        lambda document: documents.post_stocktake(document, actor=request.user),
        payload.post)
    return refused or Status(201, Stocktake.objects.get(pk=stocktake.pk))


@router.post("/stocktakes/{stocktake_id}/post", response={200: StocktakeOut, 409: ErrorOut})
@idempotent
def post_existing_stocktake(request, stocktake_id: int):
    """Post a draft stocktake. 409 if already posted or a count is below the reserved quantity."""
    require_permissions(request, "inventory.post_stocktake")
    return post_draft(Stocktake, stocktake_id, documents.post_stocktake, actor=request.user)


@router.get("/stocktakes/{stocktake_id}", response=StocktakeOut)
def get_stocktake(request, stocktake_id: int):
    """One stocktake with its lines."""
    require_permissions(request, "inventory.view_stocktake")
    return get_object_or_404(Stocktake, pk=stocktake_id)


@router.post("/transfers", response={201: TransferOut, 400: ErrorOut, 409: ErrorOut})
@idempotent
def post_transfer(request, payload: TransferIn):
    """Create a transfer (a draft; `post: true` posts it: an out and an in row per line)."""
    require_permissions(request, "inventory.add_transfer", *(["inventory.post_transfer"] if payload.post else []))
    errors = {}
    _unknown(errors, Warehouse, [payload.from_warehouse], "from_warehouse", _("warehouse"))
    _unknown(errors, Warehouse, [payload.to_warehouse], "to_warehouse", _("warehouse"))
    _unknown(errors, Product, [line.product for line in payload.lines], "lines", _("product"))
    if errors:
        return invalid(errors)
    transfer, refused = _create_and_maybe_post(
        lambda: documents.create_transfer(
            from_warehouse=Warehouse.objects.get(pk=payload.from_warehouse),
            to_warehouse=Warehouse.objects.get(pk=payload.to_warehouse), note=payload.note,
            lines=[TransferLineData(line.product, line.quantity) for line in payload.lines], actor=request.user),
        lambda document: documents.post_transfer(document, actor=request.user),
        payload.post)
    return refused or Status(201, Transfer.objects.get(pk=transfer.pk))


@router.post("/transfers/{transfer_id}/post", response={200: TransferOut, 409: ErrorOut})
@idempotent
def post_existing_transfer(request, transfer_id: int):
    """Post a draft transfer. 409 if already posted or the source lacks available stock."""
    require_permissions(request, "inventory.post_transfer")
    return post_draft(Transfer, transfer_id, documents.post_transfer, actor=request.user)


@router.get("/transfers/{transfer_id}", response=TransferOut)
def get_transfer(request, transfer_id: int):
    """One transfer with its lines."""
    require_permissions(request, "inventory.view_transfer")
    return get_object_or_404(Transfer, pk=transfer_id)

"""Services for the documents that move stock: goods receipts 入库单, stocktakes 盘点 and transfers.

Each is created as a draft and posted by warehouse staff (`inventory.post_<document>` permission);
posting runs the transition (core.transitions.perform) and writes everything it implies through
`inventory.services.move_stock` (and, for receipts, `reconciliation.services.post_supplier_entries`)
in one transaction. Two people posting the same document at once: one wins, the other gets
`django_fsm.ConcurrentTransition` and nothing of theirs is written."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.transitions import perform
from reconciliation.models import EntryKind
from reconciliation.services import EntryDraft, post_supplier_entries

from . import services
from .balances import lock_balances
from .models import (
    Direction,
    GoodsReceipt,
    GoodsReceiptLine,
    MoveKind,
    Stocktake,
    StocktakeLine,
    Transfer,
    TransferLine,
)
from .services import InsufficientStock, StockMove


@dataclass(frozen=True)
class ReceiptLineData:
    product_id: int
    quantity: int
    unit_cost: Decimal


@dataclass(frozen=True)
class CountData:
    product_id: int
    counted: int


@dataclass(frozen=True)
class TransferLineData:
    product_id: int
    quantity: int


def _require_lines(lines):
    if not lines:
        raise ValidationError(_("Add at least one line."))


def _positive(quantity):
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise ValidationError(_("Quantities must be whole numbers greater than zero."))


# ---- goods receipts ---------------------------------------------------------------------------------


def create_goods_receipt(*, supplier, warehouse, lines: Sequence[ReceiptLineData], actor, note="") -> GoodsReceipt:
    _require_lines(lines)
    for line in lines:
        _positive(line.quantity)
        if not isinstance(line.unit_cost, Decimal) or line.unit_cost < 0:
            raise ValidationError(_("Unit costs are amounts of zero or more."))
    with transaction.atomic():
        receipt = GoodsReceipt.objects.create(supplier=supplier, warehouse=warehouse, note=note, created_by=actor)
        GoodsReceiptLine.objects.bulk_create([
            GoodsReceiptLine(receipt=receipt, product_id=line.product_id, quantity=line.quantity,
                             unit_cost=line.unit_cost)
            for line in lines
        ])
    return receipt


def post_goods_receipt(receipt: GoodsReceipt, *, actor, comment="") -> GoodsReceipt:
    """draft → posted: one in row per line (purchase receipt) and one supplier account entry per line
    (goods receipt, + quantity × unit cost), all in one transaction."""
    with transaction.atomic():
        perform(receipt, "post", actor=actor, comment=comment, update_fields=["posted_at"])
        lines = list(receipt.lines.select_related("product"))
        services.move_stock(moves=[
            StockMove(line.product_id, receipt.warehouse_id, Direction.IN, line.quantity,
                      MoveKind.PURCHASE_RECEIPT, source=receipt)
            for line in lines
        ], actor=actor)
        post_supplier_entries(entries=[
            EntryDraft(supplier_id=receipt.supplier_id, kind=EntryKind.GOODS_RECEIPT,
                       amount=(line.quantity * line.unit_cost).quantize(Decimal("0.01")), source=line,
                       entry_date=timezone.localdate(receipt.posted_at),
                       description=f"{receipt.number} · {line.product.sku} × {line.quantity}")
            for line in lines
        ], actor=actor)
    return receipt


# ---- stocktakes -------------------------------------------------------------------------------------


def create_stocktake(*, warehouse, reason, counts: Sequence[CountData], actor, note="") -> Stocktake:
    _require_lines(counts)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the stocktake."))
    seen = set()
    for count in counts:
        if not isinstance(count.counted, int) or count.counted < 0:
            raise ValidationError(_("Counted quantities are whole numbers of zero or more."))
        if count.product_id in seen:
            raise ValidationError(_("Each product is counted once per stocktake."))
        seen.add(count.product_id)
    with transaction.atomic():
        stocktake = Stocktake.objects.create(warehouse=warehouse, reason=reason.strip(), note=note,
                                             created_by=actor)
        StocktakeLine.objects.bulk_create([
            StocktakeLine(stocktake=stocktake, product_id=c.product_id, counted=c.counted) for c in counts
        ])
    return stocktake


def post_stocktake(stocktake: Stocktake, *, actor, comment="") -> Stocktake:
    """draft → posted: lock the counted balances, record on hand at that moment on each line, and write
    one adjustment row (in or out) per difference, with the stocktake's reason. A count below the
    reserved quantity is refused (InsufficientStock) and nothing is written."""
    with transaction.atomic():
        perform(stocktake, "post", actor=actor, comment=comment, update_fields=["posted_at"])
        lines = list(stocktake.lines.all())
        balances = lock_balances({(line.product_id, stocktake.warehouse_id) for line in lines},
                                          create_missing=True)
        moves = []
        for line in lines:
            line.on_hand_before = balances[(line.product_id, stocktake.warehouse_id)].on_hand
            difference = line.counted - line.on_hand_before
            if difference:
                moves.append(StockMove(
                    line.product_id, stocktake.warehouse_id, Direction.IN if difference > 0 else Direction.OUT,
                    abs(difference), MoveKind.ADJUSTMENT, source=stocktake,
                    reason=f"{stocktake.number}: {stocktake.reason}",
                ))
        StocktakeLine.objects.bulk_update(lines, ["on_hand_before"])
        try:
            services.move_stock(moves=moves, actor=actor)
        except InsufficientStock as exc:
            raise InsufficientStock(exc.shortfalls, what=_("Counted below the reserved quantity")) from exc
    return stocktake


# ---- transfers --------------------------------------------------------------------------------------


def create_transfer(*, from_warehouse, to_warehouse, lines: Sequence[TransferLineData], actor, note="") -> Transfer:
    _require_lines(lines)
    if from_warehouse == to_warehouse:
        raise ValidationError(_("A transfer moves stock between two different warehouses."))
    for line in lines:
        _positive(line.quantity)
    with transaction.atomic():
        transfer = Transfer.objects.create(from_warehouse=from_warehouse, to_warehouse=to_warehouse, note=note,
                                           created_by=actor)
        TransferLine.objects.bulk_create([
            TransferLine(transfer=transfer, product_id=line.product_id, quantity=line.quantity) for line in lines
        ])
    return transfer


def post_transfer(transfer: Transfer, *, actor, comment="") -> Transfer:
    """draft → posted: an out row from the source and an in row into the destination per line, one
    transaction (refused with the shortfall if the source lacks available stock)."""
    with transaction.atomic():
        perform(transfer, "post", actor=actor, comment=comment, update_fields=["posted_at"])
        moves = []
        for line in transfer.lines.all():
            moves.append(StockMove(line.product_id, transfer.from_warehouse_id, Direction.OUT, line.quantity,
                                   MoveKind.TRANSFER, source=transfer))
            moves.append(StockMove(line.product_id, transfer.to_warehouse_id, Direction.IN, line.quantity,
                                   MoveKind.TRANSFER, source=transfer))
        services.move_stock(moves=moves, actor=actor)
    return transfer

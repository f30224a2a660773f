"""Goods receipts, stocktakes and transfers: posting writes the ledger rows (and, for receipts, the
supplier account entries) in one go; a refused post writes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from core.transitions import timeline_for
from inventory import documents, services
from inventory.documents import CountData, ReceiptLineData, TransferLineData
from inventory.models import (
    Direction,
    DocumentState,
    GoodsReceipt,
    MoveKind,
    StockLedgerEntry,
    Stocktake,
    Transfer,
)
from inventory.services import InsufficientStock, ReservationRequest, StockMove
from reconciliation.models import EntryKind, SupplierAccountEntry
from tests.factories import ProductFactory, SupplierFactory, WarehouseFactory
from tests.inventory.factories import document_lines
from tests.inventory.helpers import assert_ledger_matches, balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(make_user):
    return make_user("warehouse")


def stock(product, warehouse, quantity, actor):
    services.move_stock(moves=[StockMove(product.pk, warehouse.pk, Direction.IN, quantity, MoveKind.ADJUSTMENT)],
                        actor=actor)


def test_posting_a_goods_receipt_brings_stock_in_and_posts_supplier_entries(clerk):
    supplier, wh = SupplierFactory(), WarehouseFactory()
    tea, cup = ProductFactory(sku="TEA"), ProductFactory(sku="CUP")
    receipt = documents.create_goods_receipt(supplier=supplier, warehouse=wh, actor=clerk, lines=[
        ReceiptLineData(tea.pk, 10, Decimal("12.50")), ReceiptLineData(cup.pk, 3, Decimal("7.99")),
    ])
    assert StockLedgerEntry.objects.count() == 0, "a draft moves nothing"

    documents.post_goods_receipt(receipt, actor=clerk, comment="truck 3")

    receipt = GoodsReceipt.objects.get(pk=receipt.pk)
    assert receipt.state == DocumentState.POSTED and receipt.posted_at is not None
    assert balance(tea, wh).on_hand == 10 and balance(cup, wh).on_hand == 3
    rows = StockLedgerEntry.objects.filter(kind=MoveKind.PURCHASE_RECEIPT)
    assert {r.source for r in rows} == {receipt}
    assert_ledger_matches(tea, wh)
    entries = SupplierAccountEntry.objects.filter(supplier=supplier).order_by("id")
    assert [(e.kind, e.amount) for e in entries] == [
        (EntryKind.GOODS_RECEIPT, Decimal("125.00")), (EntryKind.GOODS_RECEIPT, Decimal("23.97"))
    ]
    assert [e.source for e in entries] == list(receipt.lines.order_by("id"))
    (log,) = timeline_for(receipt)
    assert (log.transition, log.actor, log.comment) == ("post", clerk, "truck 3")

    with pytest.raises(TransitionNotAllowed):
        documents.post_goods_receipt(receipt, actor=clerk)
    assert balance(tea, wh).on_hand == 10, "posting twice is refused and writes nothing"
    assert SupplierAccountEntry.objects.count() == 2


def test_only_warehouse_staff_post_receipts(make_user):
    seller = make_user("sales")
    receipt = documents.create_goods_receipt(supplier=SupplierFactory(), warehouse=WarehouseFactory(),
                                             actor=seller, lines=[ReceiptLineData(ProductFactory().pk, 1,
                                                                                  Decimal("1.00"))])
    with pytest.raises(PermissionDenied):
        documents.post_goods_receipt(receipt, actor=seller)
    assert GoodsReceipt.objects.get(pk=receipt.pk).state == DocumentState.DRAFT
    assert StockLedgerEntry.objects.count() == 0


@pytest.mark.parametrize("lines", [[], [(1, 0, "1.00")], [(1, 2, "-1.00")]])
def test_a_receipt_needs_lines_with_positive_quantities_and_costs(clerk, lines):
    product = ProductFactory()
    data = [ReceiptLineData(product.pk, q, Decimal(c)) for _p, q, c in lines]
    with pytest.raises(ValidationError):
        documents.create_goods_receipt(supplier=SupplierFactory(), warehouse=WarehouseFactory(), lines=data,
                                       actor=clerk)
    assert GoodsReceipt.objects.count() == 0


def test_a_stocktake_writes_adjustments_for_the_differences_with_its_reason(clerk):
    wh = WarehouseFactory()
    short, extra, exact, new = (ProductFactory() for _ in range(4))
    stock(short, wh, 10, clerk)
    stock(extra, wh, 5, clerk)
    stock(exact, wh, 4, clerk)
    stocktake = documents.create_stocktake(warehouse=wh, reason="年终盘点 year-end", actor=clerk, counts=[
        CountData(short.pk, 8), CountData(extra.pk, 7), CountData(exact.pk, 4), CountData(new.pk, 2),
    ])

    documents.post_stocktake(stocktake, actor=clerk)

    adjustments = StockLedgerEntry.objects.filter(source_id=stocktake.pk, kind=MoveKind.ADJUSTMENT).order_by("id")
    assert [(r.product, r.direction, r.quantity) for r in adjustments] == [
        (short, Direction.OUT, 2), (extra, Direction.IN, 2), (new, Direction.IN, 2)
    ]
    assert all("年终盘点 year-end" in r.reason for r in adjustments)
    for product, counted in ((short, 8), (extra, 7), (exact, 4), (new, 2)):
        assert assert_ledger_matches(product, wh).on_hand == counted
    lines = {line.product_id: line for line in Stocktake.objects.get(pk=stocktake.pk).lines.all()}
    assert (lines[short.pk].on_hand_before, lines[short.pk].difference) == (10, -2)
    assert lines[new.pk].difference == 2


def test_a_count_below_the_reserved_quantity_is_refused_and_writes_nothing(clerk):
    wh, product = WarehouseFactory(), ProductFactory(sku="HELD")
    stock(product, wh, 10, clerk)
    (line,) = document_lines(1, product)
    services.reserve(requests=[ReservationRequest(product.pk, wh.pk, 6, line)], actor=clerk)
    stocktake = documents.create_stocktake(warehouse=wh, reason="spot check", actor=clerk,
                                           counts=[CountData(product.pk, 5)])

    with pytest.raises(InsufficientStock, match="Counted below the reserved quantity: HELD"):
        documents.post_stocktake(stocktake, actor=clerk)

    assert Stocktake.objects.get(pk=stocktake.pk).state == DocumentState.DRAFT
    assert balance(product, wh).on_hand == 10


def test_a_transfer_moves_stock_between_warehouses(clerk):
    a, b, product = WarehouseFactory(), WarehouseFactory(), ProductFactory()
    stock(product, a, 10, clerk)
    transfer = documents.create_transfer(from_warehouse=a, to_warehouse=b, actor=clerk,
                                         lines=[TransferLineData(product.pk, 4)])
    documents.post_transfer(transfer, actor=clerk)

    assert assert_ledger_matches(product, a).on_hand == 6
    assert assert_ledger_matches(product, b).on_hand == 4
    assert set(StockLedgerEntry.objects.filter(kind=MoveKind.TRANSFER).values_list("direction", "warehouse")) == {
        (Direction.OUT, a.pk), (Direction.IN, b.pk)}

    too_much = documents.create_transfer(from_warehouse=a, to_warehouse=b, actor=clerk,
                                         lines=[TransferLineData(product.pk, 7)])
    with pytest.raises(InsufficientStock, match="7 wanted, 6 available"):
        documents.post_transfer(too_much, actor=clerk)
    assert Transfer.objects.get(pk=too_much.pk).state == DocumentState.DRAFT
    assert balance(product, b).on_hand == 4


def test_a_transfer_needs_two_different_warehouses(clerk):
    wh = WarehouseFactory()
    with pytest.raises(ValidationError, match="two different warehouses"):
        documents.create_transfer(from_warehouse=wh, to_warehouse=wh, actor=clerk,
                                  lines=[TransferLineData(ProductFactory().pk, 1)])

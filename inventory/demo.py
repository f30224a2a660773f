"""Demo stock: goods receipts entered and posted by warehouse staff through inventory.documents, so
stock balances, ledger rows and the suppliers' goods-receipt entries all exist. The silk pillowcase
stays below its low-stock threshold. A receipt is found again by its note (DEMO-GR-…)."""

from decimal import Decimal

from .documents import ReceiptLineData, create_goods_receipt, post_goods_receipt
from .models import DocumentState, GoodsReceipt

RECEIPTS = [
    # note (natural key), supplier, warehouse, [(sku, quantity, unit cost)]
    ("DEMO-GR-1", "hz-textile", "sh-main", [("SILK-SCARF-01", 40, "85.00"), ("SILK-PILLOW-02", 4, "120.00")]),
    ("DEMO-GR-2", "sz-electronics", "sh-main", [("EAR-BUDS-10", 60, "95.50"), ("CHARGER-65W", 80, "42.00")]),
    ("DEMO-GR-3", "nb-home", "sh-main", [("MUG-CERAMIC", 120, "12.80")]),
    ("DEMO-GR-4", "sz-electronics", "gz-south", [("EAR-BUDS-10", 25, "95.50")]),
]


def seed(context):
    """context["receipts"]: {note: posted goods receipt}."""
    actor = context["users"]["warehouse"]
    products, receipts = context["products"], {}
    for note, supplier, warehouse, lines in RECEIPTS:
        receipt = GoodsReceipt.objects.filter(note=note).first()
        if receipt is None:
            receipt = create_goods_receipt(
                supplier=context["suppliers"][supplier], warehouse=context["warehouses"][warehouse], note=note,
                lines=[ReceiptLineData(products[sku].pk, quantity, Decimal(cost)) for sku, quantity, cost in lines],
                actor=actor)
            context.created("goods receipts")
        if receipt.state == DocumentState.DRAFT:
            post_goods_receipt(receipt, actor=actor, comment="Demo data")
        receipts[note] = receipt
    context["receipts"] = receipts

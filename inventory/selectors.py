"""Reads of stock shared by pages, the API, check_stock and reports."""

from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, Sum, Value, When, Window
from django.db.models.functions import Coalesce

from catalog.models import Product, Warehouse

from .models import Direction, ReservationStatus, StockBalance, StockLedgerEntry, StockReservation

SIGNED_QUANTITY = Case(When(direction=Direction.IN, then=F("quantity")), default=-F("quantity"),
                       output_field=IntegerField())


def balances(*, warehouse=None, supplier=None, low_only=False):
    """Balances with available annotated; `low_only` keeps those whose available is below the
    product's low-stock threshold."""
    qs = (StockBalance.objects.select_related("product", "product__default_supplier", "warehouse")
          .annotate(available_qty=F("on_hand") - F("reserved")))
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    if supplier is not None:
        qs = qs.filter(product__default_supplier=supplier)
    if low_only:
        qs = qs.filter(available_qty__lt=F("product__low_stock_threshold"))
    return qs.order_by("product__sku", "warehouse__name")


def ledger(*, product=None, warehouse=None):
    """Ledger rows, newest first, each with its balance after (stored) and signed quantity."""
    qs = StockLedgerEntry.objects.select_related("product", "warehouse", "actor", "source_type")
    if product is not None:
        qs = qs.filter(product=product)
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    return qs.annotate(signed_qty=SIGNED_QUANTITY).order_by("-id")


def ledger_with_running_total(*, product, warehouse):
    """A product's ledger in one warehouse with the running total computed by the database beside the
    stored balance after (the two always agree; check_stock says so if they do not)."""
    return (ledger(product=product, warehouse=warehouse)
            .annotate(running_total=Window(Sum(SIGNED_QUANTITY), order_by=F("id").asc())))


@dataclass(frozen=True)
class StockDifference:
    product_id: int
    warehouse_id: int
    sku: str
    warehouse_name: str
    on_hand: int
    ledger_total: int
    reserved: int
    open_reservations: int

    def __str__(self):
        parts = []
        if self.on_hand != self.ledger_total:
            parts.append(f"on hand {self.on_hand} ≠ ledger {self.ledger_total}")
        if self.reserved != self.open_reservations:
            parts.append(f"reserved {self.reserved} ≠ open reservations {self.open_reservations}")
        return f"{self.sku} @ {self.warehouse_name}: " + "; ".join(parts)


def stock_differences():
    """Every (product, warehouse) whose on hand ≠ the sum of its ledger rows, or whose reserved ≠ the
    sum of its open reservations. Three grouped queries, whatever the number of balances."""
    on_hand = {(b["product_id"], b["warehouse_id"]): (b["on_hand"], b["reserved"])
               for b in StockBalance.objects.values("product_id", "warehouse_id", "on_hand", "reserved")}
    totals = {(r["product_id"], r["warehouse_id"]): r["total"]
              for r in StockLedgerEntry.objects.values("product_id", "warehouse_id").order_by()
              .annotate(total=Coalesce(Sum(SIGNED_QUANTITY), Value(0)))}
    held = {(r["product_id"], r["warehouse_id"]): r["total"]
            for r in StockReservation.objects.filter(status=ReservationStatus.OPEN)
            .values("product_id", "warehouse_id").order_by().annotate(total=Sum("quantity"))}
    differences = []
    for key in sorted(on_hand.keys() | totals.keys() | held.keys()):
        hand, reserved = on_hand.get(key, (0, 0))
        if hand != totals.get(key, 0) or reserved != held.get(key, 0):
            differences.append((key, hand, totals.get(key, 0), reserved, held.get(key, 0)))
    if not differences:
        return []
    keys = [d[0] for d in differences]
    skus = dict(Product.objects.filter(pk__in={k[0] for k in keys}).values_list("pk", "sku"))
    names = dict(Warehouse.objects.filter(pk__in={k[1] for k in keys}).values_list("pk", "name"))
    return [StockDifference(k[0], k[1], skus.get(k[0], str(k[0])), names.get(k[1], str(k[1])), hand, total,
                            reserved, open_)
            for k, hand, total, reserved, open_ in differences]


def low_stock_q():
    return Q(on_hand__lt=F("reserved") + F("product__low_stock_threshold"))


def ledger_for_source(document):
    """The ledger rows a document wrote (empty for a draft)."""
    from django.contrib.contenttypes.models import ContentType

    return (StockLedgerEntry.objects.filter(source_type=ContentType.objects.get_for_model(document),
                                            source_id=document.pk)
            .select_related("product", "warehouse").annotate(signed_qty=SIGNED_QUANTITY).order_by("id"))

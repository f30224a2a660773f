"""Reads of stock shared by pages, the API, check_stock and reports."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, IntegerField, Sum, When

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
    sum of its open reservations.

    Balances, ledger sums and open reservations are compared in ONE SQL statement (three grouped
    subqueries joined on their keys), so they are read from one snapshot of the database — on
    PostgreSQL every statement sees one snapshot, even under READ COMMITTED. Reading them in three
    statements, a stock move committed between two of them would be reported as a difference it is
    not. Only the differences leave the database; their SKUs and warehouse names are read afterwards."""
    differences = _differing_rows()
    if not differences:
        return []
    keys = [d[:2] for d in differences]
    skus = dict(Product.objects.filter(pk__in={k[0] for k in keys}).values_list("pk", "sku"))
    names = dict(Warehouse.objects.filter(pk__in={k[1] for k in keys}).values_list("pk", "name"))
    return [StockDifference(product_id, warehouse_id, skus.get(product_id, str(product_id)),
                            names.get(warehouse_id, str(warehouse_id)), hand, total, reserved, open_)
            for product_id, warehouse_id, hand, total, reserved, open_ in differences]


def _differing_rows():
    """[(product_id, warehouse_id, on hand, ledger total, reserved, open reservations)] that disagree,
    by key, from one statement. The three parts are compiled from querysets (so the ledger's signed
    quantity is the one SIGNED_QUANTITY); only the joining is written here."""
    parts = {
        "b": StockBalance.objects.order_by().values("product_id", "warehouse_id", "on_hand", "reserved"),
        "l": StockLedgerEntry.objects.order_by().values("product_id", "warehouse_id")
        .annotate(total=Sum(SIGNED_QUANTITY)),
        "r": StockReservation.objects.filter(status=ReservationStatus.OPEN).order_by()
        .values("product_id", "warehouse_id").annotate(total=Sum("quantity")),
    }
    ctes, params = [], []
    for name, qs in parts.items():
        sql, part_params = qs.query.sql_with_params()
        ctes.append(f"{name} AS ({sql})")
        params += part_params
    on = "{0}.product_id = k.product_id AND {0}.warehouse_id = k.warehouse_id"
    sql = (
        f"WITH {', '.join(ctes)}, "
        "k AS (SELECT product_id, warehouse_id FROM b UNION SELECT product_id, warehouse_id FROM l "
        "UNION SELECT product_id, warehouse_id FROM r) "
        "SELECT k.product_id, k.warehouse_id, COALESCE(b.on_hand, 0), COALESCE(l.total, 0), "
        "COALESCE(b.reserved, 0), COALESCE(r.total, 0) FROM k "
        f"LEFT JOIN b ON {on.format('b')} LEFT JOIN l ON {on.format('l')} LEFT JOIN r ON {on.format('r')} "
        "WHERE COALESCE(b.on_hand, 0) <> COALESCE(l.total, 0) OR COALESCE(b.reserved, 0) <> COALESCE(r.total, 0) "
        "ORDER BY k.product_id, k.warehouse_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(int(v) for v in row) for row in cursor.fetchall()]


def ledger_for_source(document):
    """The ledger rows a document wrote (empty for a draft)."""
    from django.contrib.contenttypes.models import ContentType

    return (StockLedgerEntry.objects.filter(source_type=ContentType.objects.get_for_model(document),
                                            source_id=document.pk)
            .select_related("product", "warehouse").annotate(signed_qty=SIGNED_QUANTITY).order_by("id"))

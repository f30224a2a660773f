"""Reads of stock shared by pages, the API, check_stock and reports."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth, TruncWeek
from django.utils import timezone

from catalog.models import Product, Warehouse
from core.replica import reading_replica

from .models import Direction, ReservationStatus, StockBalance, StockLedgerEntry, StockReservation
from .sql import differing_stock_rows

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


def difference_parts():
    """The three grouped reads stock_differences compares, as querysets keyed by (product_id, warehouse_id):
    balances (on_hand, reserved), ledger totals (total: the signed quantity SIGNED_QUANTITY) and open
    reservations (total)."""
    return (
        StockBalance.objects.order_by().values("product_id", "warehouse_id", "on_hand", "reserved"),
        StockLedgerEntry.objects.order_by().values("product_id", "warehouse_id").annotate(total=Sum(SIGNED_QUANTITY)),
        StockReservation.objects.filter(status=ReservationStatus.OPEN).order_by()
        .values("product_id", "warehouse_id").annotate(total=Sum("quantity")),
    )


def _differing_rows():
    """[(product_id, warehouse_id, on hand, ledger total, reserved, open reservations)] that disagree, by
    key, from one statement (inventory.sql.differing_stock_rows joins the three parts)."""
    return differing_stock_rows(*difference_parts())


def ledger_for_source(document):
    """The ledger rows a document wrote (empty for a draft)."""
    from django.contrib.contenttypes.models import ContentType

    return (StockLedgerEntry.objects.filter(source_type=ContentType.objects.get_for_model(document),
                                            source_id=document.pk)
            .select_related("product", "warehouse").annotate(signed_qty=SIGNED_QUANTITY).order_by("id"))


# ---- inventory analysis 库存分析 (reports read these; every figure is an aggregate in the database) -------
# They read from the report database (core.replica: the replica when one is configured).

# Stock age buckets: days since the last in-movement of a (product, warehouse) holding stock.
AGE_BUCKETS = (("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None))
STOCK_VALUE = Sum(F("on_hand") * F("product__supplier_unit_cost"),
                  output_field=DecimalField(max_digits=18, decimal_places=2))


def _narrow_balances(qs, *, warehouse=None, supplier=None, product=None):
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    if supplier is not None:
        qs = qs.filter(product__default_supplier=supplier)
    if product is not None:
        qs = qs.filter(product=product)
    return qs


def stock_by_warehouse(*, warehouse=None, supplier=None, product=None):
    """[{warehouse_id, warehouse__name, products, units, reserved, value}] per warehouse: units on hand and
    their value at the products' supplier unit cost. One grouped query."""
    qs = _narrow_balances(reading_replica(StockBalance.objects.all()), warehouse=warehouse, supplier=supplier,
                          product=product)
    return list(qs.order_by().values("warehouse_id", "warehouse__name")
                .annotate(products=Count("id", filter=Q(on_hand__gt=0)), units=Sum("on_hand"),
                          reserved=Sum("reserved"), value=STOCK_VALUE)
                .order_by("warehouse__name", "warehouse_id"))


def movements_by_kind(*, date_from=None, date_to=None, warehouse=None, supplier=None, product=None, kind=None):
    """[{kind, direction, units, rows}] of stock ledger rows dated in [date_from, date_to] (local dates).
    One grouped query."""
    qs = ledger_between(date_from=date_from, date_to=date_to, warehouse=warehouse, supplier=supplier,
                        product=product, kind=kind)
    return list(qs.order_by().values("kind", "direction").annotate(units=Sum("quantity"), rows=Count("id"))
                .order_by("kind", "direction"))


def movements_over_time(*, date_from=None, date_to=None, warehouse=None, supplier=None, product=None, kind=None,
                        period="day"):
    """[{period (first day), units_in, units_out}] of stock ledger rows dated in [date_from, date_to], by local
    day, week or month. One grouped query."""
    qs = ledger_between(date_from=date_from, date_to=date_to, warehouse=warehouse, supplier=supplier,
                        product=product, kind=kind)
    trunc = {"day": TruncDate, "week": TruncWeek, "month": TruncMonth}[period]
    rows = (qs.order_by().annotate(period=trunc("created_at")).values("period")
            .annotate(units_in=Coalesce(Sum("quantity", filter=Q(direction=Direction.IN)), 0),
                      units_out=Coalesce(Sum("quantity", filter=Q(direction=Direction.OUT)), 0))
            .order_by("period"))
    return [{**row, "period": row["period"].date() if isinstance(row["period"], datetime) else row["period"]}
            for row in rows]


def ledger_between(*, date_from=None, date_to=None, warehouse=None, supplier=None, product=None, kind=None,
                   direction=None):
    """Ledger rows narrowed by local date range of their time, warehouse, product's supplier, product, kind."""
    qs = reading_replica(StockLedgerEntry.objects.filter(ledger_dates_q(date_from=date_from, date_to=date_to)))
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    if supplier is not None:
        qs = qs.filter(product__default_supplier=supplier)
    if product is not None:
        qs = qs.filter(product=product)
    if kind:
        qs = qs.filter(kind=kind)
    if direction:
        qs = qs.filter(direction=direction)
    return qs


def ledger_dates_q(*, date_from=None, date_to=None):
    """Ledger rows whose time falls on a local date from `date_from` to `date_to` (both inclusive)."""
    q = Q()
    if date_from is not None:
        q &= Q(created_at__gte=_day_start(date_from))
    if date_to is not None:
        q &= Q(created_at__lt=_day_start(date_to + timedelta(days=1)))
    return q


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def low_stock(*, warehouse=None, supplier=None, product=None):
    """Balances whose available quantity is below the product's low-stock threshold, lowest first."""
    qs = _narrow_balances(reading_replica(balances(low_only=True)), warehouse=warehouse, supplier=supplier,
                          product=product)
    return qs.order_by("available_qty", "product__sku", "warehouse__name")


def _last_move(direction):
    return Subquery(StockLedgerEntry.objects.filter(product=OuterRef("product_id"), warehouse=OuterRef("warehouse_id"),
                                                    direction=direction)
                    .order_by("-created_at", "-id").values("created_at")[:1])


def with_last_moves(qs):
    """Balances annotated with the time of their last out movement (`last_out`) and last in (`last_in`)."""
    return qs.annotate(last_out=_last_move(Direction.OUT), last_in=_last_move(Direction.IN))


def slow_movers(*, days=30, now=None, warehouse=None, supplier=None, product=None):
    """Balances holding stock with no out movement in the last `days` days (never moved out included),
    annotated with `last_out`, `last_in` and `value`; the longest idle first."""
    now = now or timezone.now()
    qs = _narrow_balances(with_last_moves(reading_replica(balances().filter(on_hand__gt=0))), warehouse=warehouse,
                          supplier=supplier, product=product)
    qs = qs.filter(Q(last_out__isnull=True) | Q(last_out__lt=now - timedelta(days=days)))
    return qs.annotate(value=ExpressionWrapper(F("on_hand") * F("product__supplier_unit_cost"),
                                               output_field=DecimalField(max_digits=18, decimal_places=2))
                       ).order_by(F("last_out").asc(nulls_first=True), "product__sku", "warehouse__name")


def age_bucket_expression(now):
    """The stock age bucket name of a balance annotated with `last_in` (see with_last_moves)."""
    whens = []
    for name, _low, high in AGE_BUCKETS:
        if high is not None:
            whens.append(When(last_in__gt=now - timedelta(days=high + 1), then=Value(name)))
    return Case(*whens, default=Value(AGE_BUCKETS[-1][0]), output_field=CharField())


def in_age_bucket(qs, bucket, *, now=None):
    """Balances (with last moves) holding stock whose age falls in `bucket` (a name of AGE_BUCKETS)."""
    now = now or timezone.now()
    return (with_last_moves(qs).filter(on_hand__gt=0).annotate(age_bucket=age_bucket_expression(now))
            .filter(age_bucket=bucket))


def stock_age(*, now=None, warehouse=None, supplier=None, product=None):
    """[{bucket, balances, units, value}] of stock on hand by days since its last in-movement, in bucket order
    (every bucket, zeros included). One grouped query."""
    now = now or timezone.now()
    qs = _narrow_balances(with_last_moves(reading_replica(StockBalance.objects.filter(on_hand__gt=0))),
                          warehouse=warehouse,
                          supplier=supplier, product=product)
    found = {row["age_bucket"]: row for row in qs.annotate(age_bucket=age_bucket_expression(now)).order_by()
             .values("age_bucket").annotate(balances=Count("id"), units=Sum("on_hand"), value=STOCK_VALUE)}
    zero = Decimal("0.00")
    return [{"bucket": name, "balances": found.get(name, {}).get("balances", 0),
             "units": found.get(name, {}).get("units") or 0, "value": found.get(name, {}).get("value") or zero}
            for name, _low, _high in AGE_BUCKETS]

"""Shipping statistics 发货统计 (DESIGN.md, "Reports"): what left in the period — shipments, orders and
units by day/week/month, store, supplier, product and kind; hours from order to dispatch (median, p90,
average); the share dispatched by the order's deadline (the store's promised hours, orders.deadlines).

"In the period" means dispatched in it (dispatched, delivered or received shipments, by their dispatch
time), every purpose (sale, exchange, reship). Every figure is an aggregate in the database: shipments,
orders and on-time counts per shipment (shipment_groups: one statement on PostgreSQL), units from the daily
summary (dispatched_units), and only the top products' counts over the lines; every row links to the
shipment list with the same filters and the row's own value applied."""

import datetime
from collections import defaultdict

from django.db import connections
from django.db.models import Case, Count, DateField, F, Sum, When
from django.db.models.functions import Extract, TruncDay, TruncMonth, TruncWeek
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.replica import reading_replica
from reconciliation.scorecard import dispatched_by_deadline_q, order_to_dispatch
from shipments.models import DISPATCHED_OR_LATER, Shipment, ShipmentDaySummary, ShipmentKind, ShipmentLine

from .charts import HOURS, INT, PERCENT, Chart, ChartRow
from .stats import duration_percentiles

TOP_PRODUCTS = 20
TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def dispatched_lines(f):
    """Shipment lines dispatched in the period, narrowed by the filters."""
    lines = reading_replica(ShipmentLine.objects).filter(
        shipment__state__in=DISPATCHED_OR_LATER, shipment__dispatched_at__gte=f.start(),
        shipment__dispatched_at__lt=f.end())
    if f.store:
        lines = lines.filter(shipment__order__store=f.store)
    if f.supplier:
        lines = lines.filter(shipment__supplier=f.supplier)
    if f.product:
        lines = lines.filter(order_line__product=f.product)
    if f.warehouse:
        lines = lines.filter(shipment__warehouse=f.warehouse)
    if f.kind:
        lines = lines.filter(shipment__kind=f.kind)
    return lines.order_by()


# dispatched_lines' grouping paths → the daily shipment summary's columns
SUMMARY_KEYS = {"order_line__product": "product", "shipment__supplier": "supplier", "shipment__order__store": "store",
                "shipment__kind": "kind", "day": "day"}


def dispatched_units(f, key=None):
    """Units of dispatched_lines(f) — in total, or {value of `key` (a dispatched_lines path): units} — read
    from the daily shipment summary (shipments.summary) instead of the lines: the same figure (days are
    the local days of dispatch, the filters the same columns), without joining every line of the period."""
    rows = dispatched_unit_rows(f)
    if key is None:
        return rows.aggregate(units=Sum("units"))["units"] or 0
    column = SUMMARY_KEYS[key]
    return dict(rows.order_by().values(column).annotate(total=Sum("units")).values_list(column, "total"))


def dispatched_unit_rows(f):
    """The daily summary's rows of the period, narrowed by the filters."""
    rows = reading_replica(ShipmentDaySummary.objects).filter(day__gte=f.date_from, day__lte=f.date_to)
    for name in ("store", "supplier", "product", "warehouse"):
        if getattr(f, name):
            rows = rows.filter(**{name: getattr(f, name)})
    if f.kind:
        rows = rows.filter(kind=f.kind)
    return rows.order_by()


UNIT_GROUPINGS = {"day": "day", "store": "store_id", "supplier": "supplier_id", "kind": "kind"}


def unit_groups(f):
    """dispatched_units of the period in total ("total") and per day, store, supplier and kind ({value:
    units} each): on PostgreSQL one GROUPING SETS statement over one scan of the summary's rows, elsewhere
    one query each."""
    rows = dispatched_unit_rows(f)
    if connections[rows.db].vendor != "postgresql":
        paths = {"day": "day", "store": "shipment__order__store", "supplier": "shipment__supplier",
                 "kind": "shipment__kind"}
        return {"total": dispatched_units(f), **{name: dispatched_units(f, path) for name, path in paths.items()}}
    rows = rows.values(*UNIT_GROUPINGS.values(), "units")
    inner, params = rows.query.get_compiler(using=rows.db).as_sql()
    columns = ", ".join(UNIT_GROUPINGS.values())
    flags = ", ".join(f"GROUPING({column})" for column in UNIT_GROUPINGS.values())
    sql = (f"SELECT {flags}, {columns}, SUM(units) FROM ({inner}) AS s "
           f"GROUP BY GROUPING SETS ((), {', '.join(f'({column})' for column in UNIT_GROUPINGS.values())})")
    groups = {"total": 0, **{name: {} for name in UNIT_GROUPINGS}}
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        for result in cursor:
            grouped, values, units = result[:4], result[4:8], int(result[8] or 0)
            if all(grouped):
                groups["total"] = units
            else:
                index = grouped.index(0)
                groups[list(UNIT_GROUPINGS)[index]][values[index]] = units
    return groups


def dispatched_shipments(f):
    """The shipments behind dispatched_lines (a shipment with a line of the product, when one is chosen)."""
    shipments = reading_replica(Shipment.objects).filter(state__in=DISPATCHED_OR_LATER, dispatched_at__gte=f.start(),
                                                         dispatched_at__lt=f.end())
    if f.store:
        shipments = shipments.filter(order__store=f.store)
    if f.supplier:
        shipments = shipments.filter(supplier=f.supplier)
    if f.product:
        shipments = shipments.filter(pk__in=ShipmentLine.objects.filter(order_line__product=f.product)
                                     .values("shipment_id"))
    if f.warehouse:
        shipments = shipments.filter(warehouse=f.warehouse)
    if f.kind:
        shipments = shipments.filter(kind=f.kind)
    return shipments.order_by()


# per shipment line: only the product chart, which groups by a line's product
FIGURES = {
    "shipments": Count("shipment", distinct=True),
    "orders": Count("shipment__order", distinct=True),
    "on_time": Count("shipment", distinct=True, filter=dispatched_by_deadline_q("shipment__")),
}
# per shipment: every other chart groups by a shipment's own columns (each shipment counted once); the
# units come from the daily summary (dispatched_units), so no chart but the products' joins the lines
SHIPMENT_FIGURES = {
    "shipments": Count("id"),
    "orders": Count("order", distinct=True),
    "on_time": Count("id", filter=dispatched_by_deadline_q()),
}
HEADERS = [_("Shipments"), _("Orders"), _("Units"), _("Dispatched by the deadline (%)")]
FORMATS = (INT, INT, INT, PERCENT)


def share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _values(row, units):
    return [row["shipments"], row["orders"], units or 0, share(row["on_time"], row["shipments"])]


def by_units(rows, units, key, name):
    """The shipment-level rows with their units, most units first, then by `name` (empty names last)."""
    rows = [(row, units.get(row[key], 0)) for row in rows]
    return sorted(rows, key=lambda pair: (-pair[1], pair[0][name] is None, pair[0][name] or ""))


# shipment_groups' groupings: name → (its columns in the one-scan query, the ORM's names of the same)
GROUPINGS = {
    "bucket": (("bucket",), ("bucket",)),
    "store": (("store", "store_name"), ("order__store", "order__store__name")),
    "supplier": (("supplier", "supplier_name"), ("supplier", "supplier__name")),
    "kind": (("kind",), ("kind",)),
}
PERCENTILES = (0.5, 0.9)


def shipment_groups(f):
    """The shipment-level figures (SHIPMENT_FIGURES) of the period: {"total": row, "bucket"/"store"/
    "supplier"/"kind": [rows]}, each row a dict named as the ORM's values() names it; "total" also holds
    "percentiles" (hours from order to dispatch, at PERCENTILES).

    On PostgreSQL one statement computes them all (GROUPING SETS over one scan of the period's shipments
    and their orders: each grouping as its own query read the same ~60k joined rows again at 1M lines).
    Elsewhere (SQLite) one ORM query per grouping; tests/reports run both and compare with plain Python."""
    trunc = TRUNC.get(f.group_by, TruncDay)("dispatched_at", output_field=DateField())
    shipments = dispatched_shipments(f)
    if connections[shipments.db].vendor != "postgresql":
        groups = {name: list(shipments.annotate(bucket=trunc).values(*orm).annotate(**SHIPMENT_FIGURES))
                  for name, (_columns, orm) in GROUPINGS.items()}
        groups["total"] = shipments.aggregate(**SHIPMENT_FIGURES)
        groups["total"]["percentiles"] = duration_percentiles(shipments, order_to_dispatch(), PERCENTILES)
        return groups
    rows = shipments.annotate(
        bucket=trunc, store=F("order__store"), store_name=F("order__store__name"),
        supplier_name=F("supplier__name"), on_time=Case(When(dispatched_by_deadline_q(), then=1), default=0),
        seconds=Extract(order_to_dispatch(), "epoch"),
    ).values("bucket", "store", "store_name", "supplier_id", "supplier_name", "kind", "order_id", "on_time",
             "seconds")
    inner, params = rows.query.get_compiler(using=rows.db).as_sql()
    sets = ", ".join(f"({', '.join(columns)})" for columns, _orm in GROUPINGS.values())
    # computed in every group (only the total's is read): cheaper than a second scan
    percentiles = ", ".join(f"PERCENTILE_CONT({fraction!r}) WITHIN GROUP (ORDER BY seconds)" for fraction in PERCENTILES)
    sql = (f"SELECT GROUPING(bucket), GROUPING(store), GROUPING(supplier), GROUPING(kind), bucket, store, "
           f"store_name, supplier, supplier_name, kind, COUNT(*), COUNT(DISTINCT order_id), SUM(on_time), "
           f"{percentiles} FROM (SELECT bucket, store, store_name, supplier_id AS supplier, supplier_name, kind, "
           f"order_id, on_time, seconds FROM ({inner}) AS period) AS s GROUP BY GROUPING SETS ((), {sets})")
    groups = {name: [] for name in GROUPINGS}
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        for result in cursor:
            flags, (bucket, store, store_name, supplier, supplier_name, kind, count, orders, on_time), pct = (
                result[:4], result[4:13], result[13:])
            row = {"shipments": count, "orders": orders, "on_time": int(on_time or 0)}
            if all(flags):
                groups["total"] = {**row, "percentiles": [None if v is None else round(v / 3600, 2) for v in pct]}
                continue
            name = list(GROUPINGS)[flags.index(0)]
            values = {"bucket": (bucket.date() if isinstance(bucket, datetime.datetime) else bucket,),
                      "store": (store, store_name), "supplier": (supplier, supplier_name), "kind": (kind,)}[name]
            groups[name].append({**row, **dict(zip(GROUPINGS[name][1], values, strict=True))})
    return groups


def shipment_list_url(f, *, date_from=None, date_to=None, **params):
    """The shipment list showing the documents behind a figure: the period, the page's filters, and the
    row's own value (`store=…`, `kind=…`) over them."""
    query = QueryDict(mutable=True)
    query["dispatched_from"] = (date_from or f.date_from).isoformat()
    query["dispatched_to"] = (date_to or f.date_to).isoformat()
    for name in ("store", "supplier", "product", "warehouse"):
        value = getattr(f, name)
        if value is not None:
            query[name] = value.pk
    if f.kind:
        query["kind"] = f.kind
    for name, value in params.items():
        query[name] = value
    return f"{reverse('shipments:shipment_list')}?{query.urlencode()}"


def bucket_range(f, start):
    """(first, last) day of the day/week/month starting at `start`, clipped to the period."""
    if f.group_by == "week":
        end = start + datetime.timedelta(days=6)
    elif f.group_by == "month":
        end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    else:
        end = start
    return max(start, f.date_from), min(end, f.date_to)


def bucket_label(f, start):
    if f.group_by == "month":
        return start.strftime("%Y-%m")
    if f.group_by == "week":
        year, week, _day = start.isocalendar()
        return f"{year}-W{week:02d}"
    return start.isoformat()


def bucket_start(f, day):
    """The first day of the day/week (Monday)/month holding `day`: the database's Trunc of the same."""
    if f.group_by == "week":
        return day - datetime.timedelta(days=day.weekday())
    if f.group_by == "month":
        return day.replace(day=1)
    return day


def by_period(f, groups, unit_totals):
    units = defaultdict(int)
    for day, total in unit_totals["day"].items():
        units[bucket_start(f, day)] += total
    rows = []
    for row in sorted(groups["bucket"], key=lambda row: row["bucket"]):
        first, last = bucket_range(f, row["bucket"])
        rows.append(ChartRow(bucket_label(f, row["bucket"]), _values(row, units[row["bucket"]]),
                             shipment_list_url(f, date_from=first, date_to=last)))
    return Chart(id="by-period", title=_("Shipments, orders and units over time"), label_header=_("Period"),
                 headers=HEADERS, rows=rows, kind="line", series=(0, 1, 2), formats=FORMATS,
                 css_class="col-12")


def by_store(f, groups, unit_totals):
    rows = [ChartRow(row["order__store__name"], _values(row, units), shipment_list_url(f, store=row["order__store"]))
            for row, units in by_units(groups["store"], unit_totals["store"], "order__store", "order__store__name")]
    return Chart(id="by-store", title=_("By store"), label_header=_("Store"), headers=HEADERS, rows=rows,
                 series=(0, 2), formats=FORMATS)


def by_supplier(f, groups, unit_totals):
    rows = []
    for row, units in by_units(groups["supplier"], unit_totals["supplier"], "supplier", "supplier__name"):
        if row["supplier"] is None:  # company dispatches: from the seller's own stock
            rows.append(ChartRow(str(_("Company dispatch (own stock)")), _values(row, units),
                                 shipment_list_url(f, kind=ShipmentKind.COMPANY_DISPATCH.value)))
        else:
            rows.append(ChartRow(row["supplier__name"], _values(row, units),
                                 shipment_list_url(f, supplier=row["supplier"])))
    return Chart(id="by-supplier", title=_("By supplier"), label_header=_("Supplier"), headers=HEADERS,
                 rows=rows, series=(0, 2), formats=FORMATS)


def by_product(f):
    """The top products by units from the daily summary; their shipment and order counts (distinct, so not
    additive over days) from the lines of those products only."""
    top = list(dispatched_unit_rows(f).values("product", "product__sku", "product__name")
               .annotate(units=Sum("units")).order_by("-units", "product__sku")[:TOP_PRODUCTS])
    counts = {row["order_line__product"]: row for row in dispatched_lines(f)
              .filter(order_line__product__in=[p["product"] for p in top])
              .values("order_line__product").annotate(**FIGURES)}
    rows = [ChartRow(f"{p['product__sku']} {p['product__name']}", _values(counts[p["product"]], p["units"]),
                     shipment_list_url(f, product=p["product"])) for p in top]
    return Chart(id="by-product", title=_("Top products by units"), label_header=_("Product"), headers=HEADERS,
                 rows=rows, series=(2,), formats=FORMATS,
                 note=_("The %(n)s products with the most units dispatched.") % {"n": TOP_PRODUCTS})


def by_kind(f, groups, unit_totals):
    labels = dict(ShipmentKind.choices)
    units = unit_totals["kind"]
    rows = [ChartRow(str(labels.get(row["kind"], row["kind"])), _values(row, units.get(row["kind"], 0)),
                     shipment_list_url(f, kind=row["kind"]))
            for row in sorted(groups["kind"], key=lambda row: row["kind"])]
    return Chart(id="by-kind", title=_("By kind"), label_header=_("Kind"), headers=HEADERS, rows=rows,
                 kind="pie", series=(0,), formats=FORMATS)


def summary(f, groups, unit_totals):
    """The period's totals and the time from order to dispatch."""
    totals = groups["total"]
    units = unit_totals["total"]
    median, p90 = totals["percentiles"]
    url = shipment_list_url(f)
    rows = [
        ChartRow(str(_("Shipments")), [totals["shipments"]], url, (INT,)),
        ChartRow(str(_("Orders")), [totals["orders"]], url, (INT,)),
        ChartRow(str(_("Units")), [units], url, (INT,)),
        ChartRow(str(_("Hours from order to dispatch, median")), [median], url, (HOURS,)),
        ChartRow(str(_("Hours from order to dispatch, 90th percentile")), [p90], url, (HOURS,)),
        ChartRow(str(_("Dispatched by the deadline (%)")), [share(totals["on_time"], totals["shipments"])], url,
                 (PERCENT,)),
    ]
    return Chart(id="summary", title=_("The period at a glance"), label_header=_("Figure"), headers=[_("Value")],
                 rows=rows, kind="table")


def shipping_charts(f):
    groups, units = shipment_groups(f), unit_groups(f)
    return [summary(f, groups, units), by_period(f, groups, units), by_store(f, groups, units),
            by_supplier(f, groups, units), by_product(f), by_kind(f, groups, units)]

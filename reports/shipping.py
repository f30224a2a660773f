"""Shipping statistics 发货统计 (DESIGN.md, "Reports"): what left in the period — shipments, orders and
units by day/week/month, store, supplier, product and kind; hours from order to dispatch (median, p90,
average); the share dispatched by the order's deadline (the store's promised hours, orders.deadlines).

"In the period" means dispatched in it (dispatched, delivered or received shipments, by their dispatch
time), every purpose (sale, exchange, reship). Every figure is an aggregate in the database, one query per
chart; every row links to the shipment list with the same filters and the row's own value applied."""

import datetime

from django.db.models import Count, DateField, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
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
SUMMARY_KEYS = {"order_line__product": "product", "shipment__supplier": "supplier", "shipment__order__store": "store"}


def dispatched_units(f, key=None):
    """Units of dispatched_lines(f) — in total, or {value of `key` (a dispatched_lines path): units} — read
    from the daily shipment summary (shipments.summary) instead of the lines: the same figure (days are
    the local days of dispatch, the filters the same columns), without joining every line of the period."""
    rows = reading_replica(ShipmentDaySummary.objects).filter(day__gte=f.date_from, day__lte=f.date_to)
    for name in ("store", "supplier", "product", "warehouse"):
        if getattr(f, name):
            rows = rows.filter(**{name: getattr(f, name)})
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if key is None:
        return rows.aggregate(units=Sum("units"))["units"] or 0
    column = SUMMARY_KEYS[key]
    return dict(rows.order_by().values(column).annotate(total=Sum("units")).values_list(column, "total"))


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


FIGURES = {
    "shipments": Count("shipment", distinct=True),
    "orders": Count("shipment__order", distinct=True),
    "units": Sum("quantity"),
    "on_time": Count("shipment", distinct=True, filter=dispatched_by_deadline_q("shipment__")),
}
HEADERS = [_("Shipments"), _("Orders"), _("Units"), _("Dispatched by the deadline (%)")]
FORMATS = (INT, INT, INT, PERCENT)


def share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _values(row):
    return [row["shipments"], row["orders"], row["units"] or 0, share(row["on_time"], row["shipments"])]


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


def by_period(f):
    trunc = TRUNC.get(f.group_by, TruncDay)("shipment__dispatched_at", output_field=DateField())
    rows = []
    for row in dispatched_lines(f).annotate(bucket=trunc).values("bucket").annotate(**FIGURES).order_by("bucket"):
        first, last = bucket_range(f, row["bucket"])
        rows.append(ChartRow(bucket_label(f, row["bucket"]), _values(row),
                             shipment_list_url(f, date_from=first, date_to=last)))
    return Chart(id="by-period", title=_("Shipments, orders and units over time"), label_header=_("Period"),
                 headers=HEADERS, rows=rows, kind="line", series=(0, 1, 2), formats=FORMATS,
                 css_class="col-12")


def by_store(f):
    rows = [ChartRow(row["shipment__order__store__name"], _values(row),
                     shipment_list_url(f, store=row["shipment__order__store"]))
            for row in dispatched_lines(f).values("shipment__order__store", "shipment__order__store__name")
            .annotate(**FIGURES).order_by("-units", "shipment__order__store__name")]
    return Chart(id="by-store", title=_("By store"), label_header=_("Store"), headers=HEADERS, rows=rows,
                 series=(0, 2), formats=FORMATS)


def by_supplier(f):
    rows = []
    for row in (dispatched_lines(f).values("shipment__supplier", "shipment__supplier__name").annotate(**FIGURES)
                .order_by("-units", "shipment__supplier__name")):
        if row["shipment__supplier"] is None:  # company dispatches: from the seller's own stock
            rows.append(ChartRow(str(_("Company dispatch (own stock)")), _values(row),
                                 shipment_list_url(f, kind=ShipmentKind.COMPANY_DISPATCH.value)))
        else:
            rows.append(ChartRow(row["shipment__supplier__name"], _values(row),
                                 shipment_list_url(f, supplier=row["shipment__supplier"])))
    return Chart(id="by-supplier", title=_("By supplier"), label_header=_("Supplier"), headers=HEADERS,
                 rows=rows, series=(0, 2), formats=FORMATS)


def by_product(f):
    rows = [ChartRow(f"{row['order_line__product__sku']} {row['order_line__product__name']}", _values(row),
                     shipment_list_url(f, product=row["order_line__product"]))
            for row in dispatched_lines(f).values("order_line__product", "order_line__product__sku",
                                                  "order_line__product__name")
            .annotate(**FIGURES).order_by("-units", "order_line__product__sku")[:TOP_PRODUCTS]]
    return Chart(id="by-product", title=_("Top products by units"), label_header=_("Product"), headers=HEADERS,
                 rows=rows, series=(2,), formats=FORMATS,
                 note=_("The %(n)s products with the most units dispatched.") % {"n": TOP_PRODUCTS})


def by_kind(f):
    labels = dict(ShipmentKind.choices)
    rows = [ChartRow(str(labels.get(row["shipment__kind"], row["shipment__kind"])), _values(row),
                     shipment_list_url(f, kind=row["shipment__kind"]))
            for row in dispatched_lines(f).values("shipment__kind").annotate(**FIGURES).order_by("shipment__kind")]
    return Chart(id="by-kind", title=_("By kind"), label_header=_("Kind"), headers=HEADERS, rows=rows,
                 kind="pie", series=(0,), formats=FORMATS)


def summary(f):
    """The period's totals and the time from order to dispatch: two queries."""
    totals = dispatched_lines(f).aggregate(**FIGURES)
    median, p90 = duration_percentiles(dispatched_shipments(f), order_to_dispatch())
    url = shipment_list_url(f)
    rows = [
        ChartRow(str(_("Shipments")), [totals["shipments"]], url, (INT,)),
        ChartRow(str(_("Orders")), [totals["orders"]], url, (INT,)),
        ChartRow(str(_("Units")), [totals["units"] or 0], url, (INT,)),
        ChartRow(str(_("Hours from order to dispatch, median")), [median], url, (HOURS,)),
        ChartRow(str(_("Hours from order to dispatch, 90th percentile")), [p90], url, (HOURS,)),
        ChartRow(str(_("Dispatched by the deadline (%)")), [share(totals["on_time"], totals["shipments"])], url,
                 (PERCENT,)),
    ]
    return Chart(id="summary", title=_("The period at a glance"), label_header=_("Figure"), headers=[_("Value")],
                 rows=rows, kind="table")


def shipping_charts(f):
    return [summary(f), by_period(f), by_store(f), by_supplier(f), by_product(f), by_kind(f)]

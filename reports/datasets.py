"""The datasets a saved view 自定义报表 may show (DESIGN.md, "Reports"): each names its rows, its date (the
period filter), its dimensions and measures as ORM expressions, and the filters it takes. A saved view holds
only these names; a user never types a query. `run_view` turns a configuration into a chart card.

Measures that count documents count them distinctly, so a dimension over the document's lines never counts
a document twice; every figure is one grouped query, plus one for the totals."""

from dataclasses import dataclass, field

from django.db.models import Count, DateField, DecimalField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from aftersales.models import Ticket, TicketReason, TicketState, TicketType
from core.replica import reading_replica
from inventory.models import Direction, MoveKind, StockLedgerEntry
from orders.models import FulfilmentStatus, Order
from reconciliation.models import EntryKind, SupplierAccountEntry
from shipments.models import DISPATCHED_OR_LATER, ShipmentKind, ShipmentLine, ShipmentPurpose

from .charts import INT, MONEY, Chart, ChartRow

MAX_ROWS = 200  # a chart of more categories says nothing; the table stops there too
TRUNCS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


@dataclass(frozen=True)
class Dimension:
    """`key` groups (a field path, or "day"/"week"/"month" of the dataset's date); `display` names the
    group (a path) or `choices` label it; `param` is the list filter the group's link sets to its key."""

    name: str
    label: str
    key: str
    display: str | None = None
    choices: tuple = ()
    param: str | None = None

    def expression(self, dataset):
        if self.key in TRUNCS:
            return TRUNCS[self.key](dataset.date_field, output_field=DateField())
        return F(self.key)

    def label_of(self, row, i):
        value = row[f"d{i}"]
        if self.display:
            value = row[f"d{i}_label"]
        elif self.choices:
            value = dict(self.choices).get(value, value)
        elif self.key == "month" and value is not None:
            value = value.strftime("%Y-%m")
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        return str(value if value is not None else _("(none)"))


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    aggregate: object  # a callable returning the aggregate expression
    format: str = INT


@dataclass(frozen=True)
class Dataset:
    name: str
    label: str
    rows: object  # callable → the base queryset
    date_field: str
    dimensions: dict = field(default_factory=dict)
    measures: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)  # filter form field → lookup path
    list_url: str | None = None  # URL name of the list of the documents behind a row
    list_dates: tuple = ()  # the list's (from, to) parameters
    # the permissions a reader must hold, all of them: those of the dashboard showing the same figures,
    # so sharing a view never shows a role figures its dashboards hide
    permissions: tuple = ()

    def readable_by(self, user):
        return user.has_perms(self.permissions)

    def queryset(self, f):
        # read from the report replica when one is configured (core/replica.py)
        rows = reading_replica(self.rows()).filter(**{f"{self.date_field}__gte": f.start(),
                                                      f"{self.date_field}__lt": f.end()})
        for name, path in self.filters.items():
            value = getattr(f, name, None)
            if value not in (None, ""):
                rows = rows.filter(**{path: value})
        return rows.order_by()

    def link(self, f, keys):
        """The list of the documents behind a row: the period, the view's filters, the row's own keys."""
        if not self.list_url:
            return ""
        query = QueryDict(mutable=True)
        if self.list_dates:
            query[self.list_dates[0]], query[self.list_dates[1]] = f.date_from.isoformat(), f.date_to.isoformat()
        for name in self.filters:
            value = getattr(f, name, None)
            if value not in (None, ""):
                query[name] = getattr(value, "pk", value)
        for dimension, key in keys:
            if dimension.key in TRUNCS and key is not None and self.list_dates:
                query[self.list_dates[0]] = key.isoformat()
                if dimension.key == "day":
                    query[self.list_dates[1]] = key.isoformat()
            elif dimension.param and key is not None:
                query[dimension.param] = key
        try:
            return f"{reverse(self.list_url)}?{query.urlencode()}"
        except NoReverseMatch:
            return ""


def _dates(*, day=True):
    return {name: Dimension(name, label, name) for name, label in
            (("day", _("Day")), ("week", _("Week")), ("month", _("Month"))) if day or name != "day"}


def _dispatched_lines():
    return ShipmentLine.objects.filter(shipment__state__in=DISPATCHED_OR_LATER)


def _counted_tickets():
    return Ticket.objects.exclude(state=TicketState.REJECTED)


LINE_AMOUNT = ExpressionWrapper(F("quantity") * F("supplier_unit_price"), output_field=DecimalField())
ORDER_AMOUNT = ExpressionWrapper(F("lines__quantity") * F("lines__unit_price"), output_field=DecimalField())

DATASETS = {d.name: d for d in [
    Dataset(
        "shipment_lines", _("Shipment lines (dispatched)"), _dispatched_lines, "shipment__dispatched_at",
        dimensions={
            **_dates(),
            "store": Dimension("store", _("Store"), "shipment__order__store", "shipment__order__store__name",
                               param="store"),
            "supplier": Dimension("supplier", _("Supplier"), "shipment__supplier", "shipment__supplier__name",
                                  param="supplier"),
            "product": Dimension("product", _("Product"), "order_line__product", "order_line__product__sku",
                                 param="product"),
            "warehouse": Dimension("warehouse", _("Warehouse"), "shipment__warehouse", "shipment__warehouse__name",
                                   param="warehouse"),
            "kind": Dimension("kind", _("Kind"), "shipment__kind", choices=tuple(ShipmentKind.choices), param="kind"),
            "purpose": Dimension("purpose", _("Purpose"), "shipment__purpose", choices=tuple(ShipmentPurpose.choices)),
        },
        measures={
            "shipments": Measure("shipments", _("Shipments"), lambda: Count("shipment", distinct=True)),
            "orders": Measure("orders", _("Orders"), lambda: Count("shipment__order", distinct=True)),
            "units": Measure("units", _("Units"), lambda: Sum("quantity")),
            "amount": Measure("amount", _("Supplier amount"), lambda: Sum(LINE_AMOUNT), MONEY),
        },
        filters={"store": "shipment__order__store", "supplier": "shipment__supplier",
                 "product": "order_line__product", "warehouse": "shipment__warehouse", "kind": "shipment__kind"},
        list_url="shipments:shipment_list", list_dates=("dispatched_from", "dispatched_to"),
        permissions=("reports.view_shipping_dashboard",),
    ),
    Dataset(
        "orders", _("Orders"), Order.objects.all, "ordered_at",
        dimensions={
            **_dates(),
            "store": Dimension("store", _("Store"), "store", "store__name", param="store"),
            "status": Dimension("status", _("Fulfilment status"), "fulfilment_status",
                                choices=tuple(FulfilmentStatus.choices), param="fulfilment_status"),
        },
        measures={
            "orders": Measure("orders", _("Orders"), lambda: Count("id", distinct=True)),
            "units": Measure("units", _("Units ordered"), lambda: Sum("lines__quantity")),
            "amount": Measure("amount", _("Order amount"), lambda: Sum(ORDER_AMOUNT), MONEY),
        },
        filters={"store": "store"},
        list_url="orders:order_list", list_dates=("ordered_from", "ordered_to"),
        permissions=("reports.view_shipping_dashboard",),
    ),
    Dataset(
        "tickets", _("After-sales tickets"), _counted_tickets, "created_at",
        dimensions={
            **_dates(),
            "store": Dimension("store", _("Store"), "store", "store__name", param="store"),
            "supplier": Dimension("supplier", _("Supplier"), "supplier", "supplier__name", param="supplier"),
            "type": Dimension("type", _("Type"), "type", choices=tuple(TicketType.choices), param="type"),
            "reason": Dimension("reason", _("Reason"), "reason", choices=tuple(TicketReason.choices), param="reason"),
            "state": Dimension("state", _("State"), "state", choices=tuple(TicketState.choices), param="state"),
        },
        measures={
            "tickets": Measure("tickets", _("Tickets"), lambda: Count("id")),
            "refunds": Measure("refunds", _("Refund total"), lambda: Sum("refund_amount"), MONEY),
            "manufacturer": Measure("manufacturer", _("Manufacturer compensation"),
                                    lambda: Sum("manufacturer_amount"), MONEY),
            "seller": Measure("seller", _("Seller compensation"), lambda: Sum("seller_amount"), MONEY),
        },
        filters={"store": "store", "supplier": "supplier"},
        list_url="aftersales:ticket_list", list_dates=("registered_from", "registered_to"),
        permissions=("reports.view_aftersales_dashboard",),
    ),
    Dataset(
        "supplier_entries", _("Supplier account entries"), SupplierAccountEntry.objects.all, "entry_date",
        dimensions={
            **_dates(),
            "supplier": Dimension("supplier", _("Supplier"), "supplier", "supplier__name"),
            "kind": Dimension("kind", _("Kind"), "kind", choices=tuple(EntryKind.choices)),
        },
        measures={
            "entries": Measure("entries", _("Entries"), lambda: Count("id")),
            "amount": Measure("amount", _("Amount"), lambda: Sum("amount"), MONEY),
        },
        filters={"supplier": "supplier"},
        list_url="reconciliation:account_list",
        permissions=("reports.view_reconciliation_dashboard",),
    ),
    Dataset(
        "stock_movements", _("Stock movements"), StockLedgerEntry.objects.all, "created_at",
        dimensions={
            **_dates(),
            "warehouse": Dimension("warehouse", _("Warehouse"), "warehouse", "warehouse__name", param="warehouse"),
            "product": Dimension("product", _("Product"), "product", "product__sku"),
            "kind": Dimension("kind", _("Kind"), "kind", choices=tuple(MoveKind.choices), param="kind"),
            "direction": Dimension("direction", _("Direction"), "direction", choices=tuple(Direction.choices),
                                   param="direction"),
        },
        measures={
            "movements": Measure("movements", _("Movements"), lambda: Count("id")),
            "units": Measure("units", _("Units"), lambda: Sum("quantity")),
        },
        filters={"warehouse": "warehouse", "product": "product"},
        list_url="inventory:ledger_list",
        permissions=("reports.view_inventory_dashboard",),
    ),
]}

DATASET_CHOICES = [(d.name, d.label) for d in DATASETS.values()]


def readable_datasets(user):
    """The names of the datasets the user may read (build a view over, or see a view of)."""
    return [d.name for d in DATASETS.values() if d.readable_by(user)]


def filter_fields(dataset):
    """The shared filter form's fields a dataset takes: the period always, then its own filters."""
    return ("period", "date_from", "date_to", *dataset.filters)


def run_view(config, f, *, chart_id="view"):
    """A Chart of a saved view's configuration (`config`: dataset, dimensions, measures, chart_type, theme,
    title) over the filters `f`; the totals in its footer. Two queries."""
    dataset = DATASETS[config.dataset]
    dimensions = [dataset.dimensions[name] for name in config.dimensions]
    measures = [dataset.measures[name] for name in config.measures]
    rows = dataset.queryset(f)
    annotations = {}
    for i, dimension in enumerate(dimensions):
        annotations[f"d{i}"] = dimension.expression(dataset)
        if dimension.display:
            annotations[f"d{i}_label"] = F(dimension.display)
    names = list(annotations)
    aggregates = {f"m{j}": measure.aggregate() for j, measure in enumerate(measures)}
    dated = [f"d{i}" for i, d in enumerate(dimensions) if d.key in TRUNCS]
    ordering = dated + ["-m0"] + [f"d{i}" for i in range(len(dimensions)) if f"d{i}" not in dated]
    grouped = rows.annotate(**annotations).values(*names).annotate(**aggregates).order_by(*ordering)[:MAX_ROWS]
    formats = tuple(measure.format for measure in measures)
    chart_rows = []
    for row in grouped:
        label = " · ".join(dimension.label_of(row, i) for i, dimension in enumerate(dimensions))
        keys = [(dimension, row[f"d{i}"]) for i, dimension in enumerate(dimensions)]
        values = [row[f"m{j}"] or 0 for j in range(len(measures))]
        chart_rows.append(ChartRow(label, values, dataset.link(f, keys)))
    totals = rows.aggregate(**aggregates)
    chart = Chart(id=chart_id, title=config.title or config.name, label_header=" · ".join(str(d.label) for d in dimensions),
                  headers=[m.label for m in measures], rows=chart_rows,
                  kind=config.chart_type, series=tuple(range(len(measures))), formats=formats, theme=config.theme,
                  css_class="col-12")
    return chart.add_totals([totals[f"m{j}"] or 0 for j in range(len(measures))])

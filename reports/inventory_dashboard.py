"""Inventory analysis 库存分析 (DESIGN.md, Reports): units and value (at supplier cost) by warehouse, movements in
and out by kind over time, low stock, slow movers (no out movement in N days) and stock age. Every figure is
an aggregate of inventory.selectors, computed in the database; every row links to the stock list or the
stock movements behind it, with the same filters. Warehouse staff and managers open it."""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory import selectors
from inventory.models import Direction, MoveKind

from .charts import INT, MONEY, Chart, ChartRow
from .dashboards import DashboardView
from .filters import DashboardFilterForm

PAGE_ROWS = 20  # rows of a list card on the page; its export holds every row
DEFAULT_IDLE_DAYS = 30


class InventoryFilterForm(DashboardFilterForm):
    """The shared filters, with the stock movement kinds and the slow movers' idle days (N)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *MoveKind.choices], required=False)
    idle_days = forms.IntegerField(label=_("Slow movers: no out movement in (days)"), min_value=1, max_value=3650,
                                   required=False, initial=DEFAULT_IDLE_DAYS)

    def idle(self):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("idle_days") or DEFAULT_IDLE_DAYS


def _url(name, args=None, **query):
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return reverse(name, args=args) + (f"?{urlencode(query)}" if query else "")


def _pk(obj):
    return obj.pk if obj is not None else None


class InventoryDashboardView(DashboardView):
    permission_required = "reports.view_inventory_dashboard"
    title = _("Inventory analysis")
    filter_fields = ("period", "date_from", "date_to", "group_by", "supplier", "product", "warehouse", "kind",
                     "idle_days")

    def get_form(self):
        # One form per request: the charts read its idle days, the page its fields and errors.
        if getattr(self, "_form", None) is None:
            self._form = InventoryFilterForm(self.request.GET or None, only=self.filter_fields)
        return self._form

    def now(self):
        return timezone.now()

    def _scope(self, filters):
        return {"warehouse": filters.warehouse, "supplier": filters.supplier, "product": filters.product}

    def _balance_query(self, filters, **extra):
        return {"warehouse": _pk(filters.warehouse), "supplier": _pk(filters.supplier), **extra}

    def _movement_query(self, filters, **extra):
        return {"warehouse": _pk(filters.warehouse), "supplier": _pk(filters.supplier),
                "product": _pk(filters.product), "date_from": filters.date_from.isoformat(),
                "date_to": filters.date_to.isoformat(), **extra}

    def get_charts(self, filters):
        idle_days = self.get_form().idle()
        return [self.by_warehouse(filters), self.movements_by_kind(filters), self.movements_over_time(filters),
                self.stock_age(filters), self.low_stock(filters), self.slow_movers(filters, idle_days)]

    # ---- cards ------------------------------------------------------------------------------------------
    def by_warehouse(self, filters):
        rows = [ChartRow(r["warehouse__name"], [r["units"] or 0, r["value"] or 0, r["reserved"] or 0, r["products"]],
                         _url("inventory:balance_list", **{**self._balance_query(filters),
                                                           "warehouse": r["warehouse_id"]}))
                for r in selectors.stock_by_warehouse(**self._scope(filters))]
        chart = Chart("stock-by-warehouse", _("Stock by warehouse"), _("Warehouse"),
                      [_("Units on hand"), _("Value at supplier cost"), _("Reserved"), _("Products in stock")],
                      rows, series=(0,), formats=(INT, MONEY, INT, INT))
        return chart.add_totals([sum(r.values[i] for r in rows) for i in range(3)] + [None]) if rows else chart

    def movements_by_kind(self, filters):
        labels, directions = dict(MoveKind.choices), dict(Direction.choices)
        rows = [ChartRow(f"{labels.get(r['kind'], r['kind'])} · {directions.get(r['direction'], r['direction'])}",
                         [r["units"], r["rows"]],
                         _url("inventory:ledger_list",
                              **self._movement_query(filters, kind=r["kind"], direction=r["direction"])))
                for r in selectors.movements_by_kind(**self._scope(filters), date_from=filters.date_from,
                                                     date_to=filters.date_to, kind=filters.kind)]
        return Chart("movements-by-kind", _("Movements by kind"), _("Kind"), [_("Units"), _("Ledger rows")], rows,
                     formats=(INT, INT))

    def movements_over_time(self, filters):
        rows = []
        for r in selectors.movements_over_time(**self._scope(filters), date_from=filters.date_from,
                                               date_to=filters.date_to, kind=filters.kind, period=filters.group_by):
            first = max(r["period"], filters.date_from)
            last = min(_period_end(r["period"], filters.group_by), filters.date_to)
            rows.append(ChartRow(r["period"].isoformat(), [r["units_in"], r["units_out"]],
                                 _url("inventory:ledger_list", **{**self._movement_query(filters, kind=filters.kind),
                                                                  "date_from": first.isoformat(),
                                                                  "date_to": last.isoformat()})))
        return Chart("movements-over-time", _("Movements in and out over time"), _("Period"),
                     [_("Units in"), _("Units out")], rows, kind="line", series=(0, 1), formats=(INT, INT))

    def stock_age(self, filters):
        rows = [ChartRow(r["bucket"], [r["units"], r["value"], r["balances"]],
                         _url("inventory:balance_list", **self._balance_query(filters, age=r["bucket"])))
                for r in selectors.stock_age(now=self.now(), **self._scope(filters))]
        if not any(r.values[2] for r in rows):
            rows = []
        return Chart("stock-age", _("Stock age (days since the last in-movement)"), _("Days"),
                     [_("Units on hand"), _("Value at supplier cost"), _("Products in stock")], rows,
                     formats=(INT, MONEY, INT))

    def _low_stock_rows(self, filters, limit=None):
        qs = selectors.low_stock(**self._scope(filters))
        for b in (qs[:limit] if limit else qs.iterator(chunk_size=2000)):
            yield b, [b.available_qty, b.product.low_stock_threshold, b.on_hand, b.reserved]

    def low_stock(self, filters):
        rows = [ChartRow(f"{b.product.sku} · {b.warehouse.name}", values,
                         _url("inventory:balance_list", q=b.product.sku, warehouse=b.warehouse_id, low="true"))
                for b, values in self._low_stock_rows(filters, PAGE_ROWS)]
        return Chart("low-stock", _("Low stock"), _("Product · warehouse"),
                     [_("Available"), _("Low-stock threshold"), _("On hand"), _("Reserved")], rows, kind="table",
                     note=_("Available below the product's low-stock threshold, lowest first."))

    def _slow_rows(self, filters, idle_days, limit=None):
        now = self.now()
        qs = selectors.slow_movers(days=idle_days, now=now, **self._scope(filters))
        for b in (qs[:limit] if limit else qs.iterator(chunk_size=2000)):
            idle = (now - b.last_out).days if b.last_out else None
            yield b, [b.on_hand, b.value, idle]

    def slow_movers(self, filters, idle_days):
        rows = [ChartRow(f"{b.product.sku} · {b.warehouse.name}", values,
                         _url("inventory:product_ledger", args=[b.product_id], warehouse=b.warehouse_id))
                for b, values in self._slow_rows(filters, idle_days, PAGE_ROWS)]
        return Chart("slow-movers", _("Slow movers"), _("Product · warehouse"),
                     [_("On hand"), _("Value at supplier cost"), _("Days since the last out movement")], rows,
                     kind="table", formats=(INT, MONEY, INT),
                     note=_("Stock with no out movement in the last %(days)s days (never moved out: no days).")
                     % {"days": idle_days})

    # ---- exports: the list cards in full ----------------------------------------------------------------
    def get_export_tables(self, filters):
        tables = super().get_export_tables(filters)
        low, slow = tables["low-stock"], tables["slow-movers"]
        sku, warehouse = _("SKU"), _("Warehouse")
        low.headers = [sku, warehouse, *low.headers[1:]]
        low.count = selectors.low_stock(**self._scope(filters)).count()
        low.rows = ([b.product.sku, b.warehouse.name, *values] for b, values in self._low_stock_rows(filters))
        idle_days = self.get_form().idle()
        slow.headers = [sku, warehouse, *slow.headers[1:]]
        slow.count = selectors.slow_movers(days=idle_days, now=self.now(), **self._scope(filters)).count()
        slow.rows = ([b.product.sku, b.warehouse.name, *values] for b, values in self._slow_rows(filters, idle_days))
        return tables


def _period_end(start, group_by):
    """The last day of the day / week / month starting on `start`."""
    if group_by == "week":
        return start + timedelta(days=6)
    if group_by == "month":
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        return following - timedelta(days=1)
    return start


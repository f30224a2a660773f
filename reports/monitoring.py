"""Dispatch monitoring 发货监控 (DESIGN.md, "Reports"): the holiday-peak screen. Orders and approved
drop-ships at risk or overdue now, per store and per supplier, and the late rows oldest deadline first,
each linking to its document; every count links to the order or shipment list with the same `deadline`
filter. A drop-ship's row has a "remind" button that tells its supplier now (shipments.deadline_notices).

The levels are derived in the database by orders/deadlines.py and shipments/deadlines.py; the page reads
them through those selectors (a constant number of queries, whatever the number of late rows)."""

from functools import cached_property
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.tables import RowUrls
from orders.deadlines import DeadlineLevel, late_orders, late_orders_per_store
from shipments.deadline_notices import remind_supplier
from shipments.deadlines import late_drop_ships, late_drop_ships_per_supplier
from shipments.models import Shipment

from .charts import Chart, ChartRow
from .dashboards import DashboardView
from .exports import ReportTable

# Late rows listed on the page (oldest first); the rest are one click away on the filtered list.
MAX_ROWS = 100


def _list_url(name, **params):
    return f"{reverse(name)}?{urlencode({k: v for k, v in params.items() if v not in (None, '')})}"


def order_list_url(deadline, store_id=None):
    return _list_url("orders:order_list", deadline=deadline, store=store_id, sort="deadline")


def drop_ship_list_url(deadline, supplier_id=None, store_id=None):
    return _list_url("shipments:shipment_list", deadline=deadline, supplier=supplier_id, store=store_id,
                     kind="drop_ship", state="approved", sort="deadline")


def _count_chart(chart_id, title, label_header, rows, url):
    """A stacked bar per store or supplier (at risk, overdue), its figures beneath; each row's label links
    to the list of both, each count (in the page's table) to its own level."""
    chart = Chart(id=chart_id, title=title, label_header=label_header,
                  headers=[gettext_lazy("At risk"), gettext_lazy("Overdue")], series=(0, 1), stack=True,
                  rows=[ChartRow(label=row["name"], values=[row["at_risk"], row["overdue"]], url=url("late", row["id"]))
                        for row in rows])
    for chart_row, row in zip(chart.rows, rows, strict=True):
        chart_row.level_urls = [url("at_risk", row["id"]), url("overdue", row["id"])]
    chart.add_totals([sum(r["at_risk"] for r in rows), sum(r["overdue"] for r in rows)])
    return chart


class MonitoringDashboardView(DashboardView):
    permission_required = "reports.view_monitoring_dashboard"
    template_name = "reports/monitoring.html"
    title = gettext_lazy("Dispatch monitoring")
    filter_fields = ("store", "supplier")

    def get_charts(self, filters):
        now = self.now
        store, supplier = filters.store, filters.supplier
        stores = [] if supplier is not None else [
            {"id": r["store_id"], "name": r["store__name"], "at_risk": r["at_risk"], "overdue": r["overdue"]}
            for r in late_orders_per_store(store=store, now=now)]
        suppliers = [{"id": r["supplier_id"], "name": r["supplier__name"], "at_risk": r["at_risk"],
                      "overdue": r["overdue"]}
                     for r in late_drop_ships_per_supplier(store=store, supplier=supplier, now=now)]
        store_id = store.pk if store is not None else None
        return [
            _count_chart("late-orders-per-store", _("Late orders per store"), _("Store"), stores,
                         order_list_url),
            _count_chart("late-drop-ships-per-supplier", _("Late drop-ships per supplier"), _("Supplier"),
                         suppliers, lambda level, pk: drop_ship_list_url(level, pk, store_id)),
        ]

    @cached_property
    def now(self):
        """One moment for every figure of the page, so the counts and the rows agree."""
        return timezone.now()

    def get_export_tables(self, filters):
        """The two count tables, and the late rows themselves (all of them, oldest first)."""
        tables = super().get_export_tables(filters)
        level_label = dict(DeadlineLevel.choices)
        orders = [] if filters.supplier is not None else late_orders(store=filters.store, now=self.now)
        tables["late-orders"] = ReportTable(
            name="late-orders", title=_("Late orders"),
            headers=[_("Order no."), _("Store"), _("Ordered at"), _("Dispatch by"), _("Dispatch deadline")],
            rows=[[o.external_order_no, o.store.name, timezone.localtime(o.ordered_at).replace(tzinfo=None),
                   timezone.localtime(o.dispatch_by).replace(tzinfo=None), str(level_label[o.deadline])]
                  for o in orders])
        drop_ships = late_drop_ships(store=filters.store, supplier=filters.supplier, now=self.now)
        tables["late-drop-ships"] = ReportTable(
            name="late-drop-ships", title=_("Late drop-ships"),
            headers=[_("Shipment no."), _("Order no."), _("Supplier"), _("Dispatch by"), _("Dispatch deadline")],
            rows=[[s.number, s.order.external_order_no, s.supplier.name,
                   timezone.localtime(s.dispatch_by).replace(tzinfo=None), str(level_label[s.deadline])]
                  for s in drop_ships])
        return tables

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = context["filters"]
        store_id = filters.store.pk if filters.store is not None else None
        supplier_id = filters.supplier.pk if filters.supplier is not None else None
        by_store, by_supplier = context["charts"]
        orders_total = sum(sum(row.values) for row in by_store.rows)
        drop_ships_total = sum(sum(row.values) for row in by_supplier.rows)
        # Row URLs from each pattern reversed once, and the row texts translated once: hundreds of rows.
        order_url, shipment_url = RowUrls("orders:order_detail"), RowUrls("shipments:shipment_detail")
        remind_url = RowUrls("reports:monitoring_remind")
        orders = [] if supplier_id else list(late_orders(store=filters.store, now=self.now)[:MAX_ROWS])
        for order in orders:
            order.url = order_url(order.pk)
        drop_ships = list(late_drop_ships(store=filters.store, supplier=filters.supplier, now=self.now)[:MAX_ROWS])
        for shipment in drop_ships:
            shipment.url, shipment.order_url = shipment_url(shipment.pk), order_url(shipment.order_id)
            shipment.remind_url = remind_url(shipment.pk)
        context.update(
            # Monitoring is about now: the period line of the other dashboards does not apply.
            filters=None, now=self.now, printable=False, late_orders=orders, late_drop_ships=drop_ships,
            query=self.request.GET.urlencode(), at_risk_label=DeadlineLevel.AT_RISK.label,
            overdue_label=DeadlineLevel.OVERDUE.label, remind_label=_("Remind"),
            remind_confirm=_("Remind the supplier to dispatch this drop-ship now?"),
            orders_total=orders_total, drop_ships_total=drop_ships_total, max_rows=MAX_ROWS,
            all_late_orders_url=order_list_url("late", store_id),
            all_late_drop_ships_url=drop_ship_list_url("late", supplier_id, store_id),
            orders_hidden=bool(supplier_id),
        )
        return context


class RemindSupplierView(PermissionRequiredMixin, View):
    """POST: remind the supplier of one late drop-ship now (shipments.deadline_notices.remind_supplier),
    then back to the monitoring page with its filters."""

    permission_required = "reports.view_monitoring_dashboard"
    http_method_names = ["post"]

    def post(self, request, pk):
        shipment = Shipment.objects.filter(pk=pk).first()
        if shipment is None:
            raise Http404
        try:
            rows = remind_supplier(shipment, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Reminder for %(no)s sent (%(count)d notification(s)).") % {
                "no": shipment.number, "count": len(rows)})
        query = QueryDict(request.POST.get("query", ""))
        kept = {name: query[name] for name in MonitoringDashboardView.filter_fields if query.get(name)}
        url = reverse("reports:monitoring")
        return redirect(f"{url}?{urlencode(kept)}" if kept else url)

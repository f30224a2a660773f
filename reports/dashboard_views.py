"""The dashboards of this floor: shipping statistics, after-sales analysis, supplier scorecard. Each is a
DashboardView (the shared filters, chart cards) whose figures come from one module of aggregates."""

from django.utils.translation import gettext_lazy as _

from reconciliation.scorecard import supplier_scorecard
from shipments.models import ShipmentKind

from .aftersales_stats import aftersales_charts
from .charts import HOURS, INT, MONEY, PERCENT, Chart, ChartRow
from .dashboards import DashboardView
from .shipping import shipment_list_url, shipping_charts


class ShippingDashboardView(DashboardView):
    permission_required = "reports.view_shipping_dashboard"
    title = _("Shipping statistics")

    def get_charts(self, filters):
        return shipping_charts(filters)


class AftersalesDashboardView(DashboardView):
    permission_required = "reports.view_aftersales_dashboard"
    title = _("After-sales analysis")
    filter_fields = ("period", "date_from", "date_to", "store", "supplier", "product")

    def get_charts(self, filters):
        return aftersales_charts(filters)


SCORECARD_HEADERS = [_("Drop-ships dispatched"), _("Dispatched within the promised hours (%)"),
                     _("Average hours to dispatch"), _("Dispatched units"), _("Ticketed units"),
                     _("After-sales rate (%)"), _("Compensation borne"), _("Charge-backs"), _("Disputes")]
SCORECARD_FORMATS = (INT, PERCENT, HOURS, INT, INT, PERCENT, MONEY, MONEY, INT)


def scorecard_chart(filters, rows):
    chart_rows = [
        ChartRow(row.supplier_name,
                 [row.shipments, row.on_time_rate, row.avg_hours, row.dispatched_units, row.ticketed_units,
                  row.aftersales_rate, row.compensation, row.charge_backs, row.disputes],
                 shipment_list_url(filters, supplier=row.supplier_id, kind=ShipmentKind.DROP_SHIP.value))
        for row in rows
    ]
    return Chart(id="scorecard", title=_("Supplier scorecard"), label_header=_("Supplier"),
                 headers=SCORECARD_HEADERS, rows=chart_rows, series=(1, 5), formats=SCORECARD_FORMATS,
                 css_class="col-12",
                 note=_("Drop-ships dispatched in the period; on time means within the supplier's promised "
                        "dispatch hours from approval. The after-sales rate is ticketed units per 100 dispatched "
                        "units. Disputes count statements the supplier disputed in the period."))


class ScorecardDashboardView(DashboardView):
    permission_required = "reports.view_scorecard_dashboard"
    title = _("Supplier scorecard")
    filter_fields = ("period", "date_from", "date_to", "supplier")

    def get_charts(self, filters):
        rows = supplier_scorecard(filters.supplier, date_from=filters.date_from, date_to=filters.date_to)
        return [scorecard_chart(filters, rows)]

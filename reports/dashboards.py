"""The base of every dashboard page: the shared filter form (reports/filters.py), its ReportFilters, and the
chart cards a subclass builds from them (`get_charts`). A dashboard declares its permission
(`permission_required = "reports.view_<name>_dashboard"`, granted in reports/grants.py)."""

from django.views.generic import TemplateView

from .exports import DashboardExportMixin
from .filters import DashboardFilterForm


class DashboardView(DashboardExportMixin, TemplateView):
    """`?_export=csv|xlsx&table=<chart id>` answers one of its tables as a file (reports/exports.py)."""

    template_name = "reports/dashboard_base.html"
    title = ""
    filter_fields = DashboardFilterForm.FIELDS

    def get_form(self):
        return DashboardFilterForm(self.request.GET or None, only=self.filter_fields)

    def get_charts(self, filters):
        """[reports.charts.Chart] of the page; each a constant number of queries."""
        return []

    def get_context_data(self, **kwargs):
        form = self.get_form()
        filters = form.filters()
        return super().get_context_data(title=self.title, form=form, filters=filters,
                                        charts=self.add_export_links(self.get_charts(filters)), printable=True,
                                        **kwargs)

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.access import Access

from .datasets import run_view
from .home import work_queues_for
from .saved_views import pinned_views, view_filters, visible_views

MAX_PINNED = 6  # the home page draws at most this many pinned views (two queries each)
MAX_INDEX_VIEWS = 20

# (URL name, title, permission) of every dashboard, in menu order; one whose page is not there yet is left out.
DASHBOARDS = [
    ("reports:shipping", _("Shipping statistics"), "reports.view_shipping_dashboard"),
    ("reports:monitoring", _("Dispatch monitoring"), "reports.view_monitoring_dashboard"),
    ("reports:aftersales", _("After-sales analysis"), "reports.view_aftersales_dashboard"),
    ("reports:inventory", _("Inventory analysis"), "reports.view_inventory_dashboard"),
    ("reports:reconciliation", _("Reconciliation"), "reports.view_reconciliation_dashboard"),
    ("reports:scorecard", _("Supplier scorecard"), "reports.view_scorecard_dashboard"),
]


def dashboards_for(user):
    """[(title, url)] of the dashboards the user may open."""
    links = []
    for url_name, title, permission in DASHBOARDS:
        if not user.has_perm(permission):
            continue
        try:
            links.append((title, reverse(url_name)))
        except NoReverseMatch:
            continue
    return links


class HomeView(TemplateView):
    """Each role's work queue on one page; a person with several roles sees each of them."""

    access = Access.INTERNAL
    template_name = "reports/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        pinned = []
        for view in pinned_views(user)[:MAX_PINNED]:
            chart = run_view(view, view_filters(view), chart_id=f"pinned-{view.pk}")
            chart.css_class, chart.url = "col-12 col-xl-6", view.get_absolute_url()
            pinned.append((view, chart))
        return super().get_context_data(queues=work_queues_for(user), pinned=pinned, **kwargs)


class ReportsIndexView(TemplateView):
    """The dashboards the user may open (and, with saved views, the views they may see)."""

    access = Access.INTERNAL
    template_name = "reports/index.html"

    def get_context_data(self, **kwargs):
        views = visible_views(self.request.user)[:MAX_INDEX_VIEWS]
        return super().get_context_data(dashboards=dashboards_for(self.request.user), saved_views=views, **kwargs)

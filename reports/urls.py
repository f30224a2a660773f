from django.urls import path

from . import dashboard_views, saved_view_views, views
from .dashboard_pdf import DashboardPdfView
from .inventory_dashboard import InventoryDashboardView
from .monitoring import MonitoringDashboardView, RemindSupplierView
from .reconciliation_dashboard import ReconciliationDashboardView

app_name = "reports"

urlpatterns = [
    path("home/", views.HomeView.as_view(), name="home"),
    path("reports/", views.ReportsIndexView.as_view(), name="index"),
    path("reports/shipping/", dashboard_views.ShippingDashboardView.as_view(), name="shipping"),
    path("reports/after-sales/", dashboard_views.AftersalesDashboardView.as_view(), name="aftersales"),
    path("reports/scorecard/", dashboard_views.ScorecardDashboardView.as_view(), name="scorecard"),
    path("reports/views/", saved_view_views.SavedViewListView.as_view(), name="view_list"),
    path("reports/views/new/", saved_view_views.SavedViewCreateView.as_view(), name="view_create"),
    path("reports/views/<int:pk>/", saved_view_views.SavedViewDetailView.as_view(), name="view_detail"),
    path("reports/views/<int:pk>/edit/", saved_view_views.SavedViewEditView.as_view(), name="view_edit"),
    path("reports/views/<int:pk>/copy/", saved_view_views.SavedViewCopyView.as_view(), name="view_copy"),
    path("reports/views/<int:pk>/delete/", saved_view_views.SavedViewDeleteView.as_view(), name="view_delete"),
    path("reports/views/<int:pk>/pin/", saved_view_views.SavedViewPinView.as_view(), name="view_pin"),
    path("reports/views/<int:pk>/unpin/", saved_view_views.SavedViewPinView.as_view(pin=False), name="view_unpin"),
    path("reports/pdf/", DashboardPdfView.as_view(), name="dashboard_pdf"),
    path("reports/monitoring/", MonitoringDashboardView.as_view(), name="monitoring"),
    path("reports/monitoring/remind/<int:pk>/", RemindSupplierView.as_view(), name="monitoring_remind"),
    path("reports/inventory/", InventoryDashboardView.as_view(), name="inventory"),
    path("reports/reconciliation/", ReconciliationDashboardView.as_view(), name="reconciliation"),
]

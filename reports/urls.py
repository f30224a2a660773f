from django.urls import path

from . import views
from .dashboard_pdf import DashboardPdfView
from .inventory_dashboard import InventoryDashboardView
from .reconciliation_dashboard import ReconciliationDashboardView

app_name = "reports"

urlpatterns = [
    path("home/", views.HomeView.as_view(), name="home"),
    path("reports/", views.ReportsIndexView.as_view(), name="index"),
    path("reports/pdf/", DashboardPdfView.as_view(), name="dashboard_pdf"),
    path("reports/inventory/", InventoryDashboardView.as_view(), name="inventory"),
    path("reports/reconciliation/", ReconciliationDashboardView.as_view(), name="reconciliation"),
]

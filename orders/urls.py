from django.urls import path

from . import invoice_views, views

app_name = "orders"

urlpatterns = [
    path("", views.OrderListView.as_view(), name="order_list"),
    path("new/", views.OrderCreateView.as_view(), name="order_create"),
    path("import/", views.OrderImportView.as_view(), name="order_import"),
    path("import/template/", views.order_import_template, name="order_import_template"),
    path("import/<str:token>/", views.OrderImportPreviewView.as_view(), name="order_import_preview"),
    path("<int:pk>/", views.OrderDetailView.as_view(), name="order_detail"),
    path("<int:pk>/invoice/", invoice_views.InvoiceCreateView.as_view(), name="invoice_create"),
    path("invoices/", invoice_views.InvoiceListView.as_view(), name="invoice_list"),
    path("invoices/<int:pk>/file/", invoice_views.invoice_file, name="invoice_file"),
    path("invoices/<int:pk>/pdf/", invoice_views.InvoicePdfView.as_view(), name="invoice_pdf"),
]

from django.urls import path

from . import views

app_name = "reconciliation"

urlpatterns = [
    path("accounts/", views.SupplierAccountListView.as_view(), name="account_list"),
    path("accounts/<int:pk>/", views.SupplierEntriesView.as_view(), name="supplier_entries"),
]

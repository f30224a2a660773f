from django.urls import path

from core.imports_views import import_urls

from . import views
from .importers import ProductImporter

app_name = "catalog"

urlpatterns = [
    path("stores/", views.StoreListView.as_view(), name="store_list"),
    path("stores/new/", views.StoreCreateView.as_view(), name="store_create"),
    path("stores/<int:pk>/edit/", views.StoreUpdateView.as_view(), name="store_edit"),
    path("suppliers/", views.SupplierListView.as_view(), name="supplier_list"),
    path("suppliers/new/", views.SupplierCreateView.as_view(), name="supplier_create"),
    path("suppliers/<int:pk>/edit/", views.SupplierUpdateView.as_view(), name="supplier_edit"),
    path("products/", views.ProductListView.as_view(), name="product_list"),
    path("products/new/", views.ProductCreateView.as_view(), name="product_create"),
    path("products/<int:pk>/edit/", views.ProductUpdateView.as_view(), name="product_edit"),
    *import_urls(ProductImporter, "products/import/", "product_import"),  # upload → preview → confirm
    path("warehouses/", views.WarehouseListView.as_view(), name="warehouse_list"),
    path("warehouses/new/", views.WarehouseCreateView.as_view(), name="warehouse_create"),
    path("warehouses/<int:pk>/edit/", views.WarehouseUpdateView.as_view(), name="warehouse_edit"),
    path("carriers/", views.CarrierListView.as_view(), name="carrier_list"),
    path("carriers/new/", views.CarrierCreateView.as_view(), name="carrier_create"),
    path("carriers/<int:pk>/edit/", views.CarrierUpdateView.as_view(), name="carrier_edit"),
]

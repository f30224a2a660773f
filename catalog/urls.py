from django.urls import path  # noqa: F401

from core.imports_views import import_urls

from .importers import ProductImporter

app_name = "catalog"

urlpatterns = [
    *import_urls(ProductImporter, "products/import/", "product_import"),  # upload → preview → confirm
]

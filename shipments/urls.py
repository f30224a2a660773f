from django.urls import path

from core.imports_views import import_urls

from . import views
from .importing import DeliveryStatusImporter, TrackingImporter

app_name = "shipments"

urlpatterns = [
    path("", views.ShipmentListView.as_view(), name="shipment_list"),
    path("new/", views.ShipmentCreateView.as_view(), name="shipment_create"),
    path("new/part/", views.ShipmentFormPartView.as_view(), name="shipment_form_part"),
    *import_urls(TrackingImporter, "import/tracking/", "tracking_import"),
    *import_urls(DeliveryStatusImporter, "import/status/", "status_import"),
    path("<int:pk>/", views.ShipmentDetailView.as_view(), name="shipment_detail"),
    path("<int:pk>/<slug:action>/", views.ShipmentActionView.as_view(), name="shipment_action"),
]

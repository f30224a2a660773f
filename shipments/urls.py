from django.urls import path

from core.imports_views import import_urls

from . import approval_views, closing_views, queue_views, views
from .importing import DeliveryStatusImporter, TrackingImporter

app_name = "shipments"

urlpatterns = [
    path("", views.ShipmentListView.as_view(), name="shipment_list"),
    path("new/", views.ShipmentCreateView.as_view(), name="shipment_create"),
    path("new/part/", views.ShipmentFormPartView.as_view(), name="shipment_form_part"),
    *import_urls(TrackingImporter, "import/tracking/", "tracking_import"),
    *import_urls(DeliveryStatusImporter, "import/status/", "status_import"),
    # the approval queue: tick many and approve them at once
    path("approvals/", approval_views.ApprovalQueueView.as_view(), name="approval_queue"),
    path("approvals/approve/", approval_views.ApproveTickedView.as_view(), name="approve_ticked"),
    # the warehouse queue and dispatch notes (helper-s2: shipments/queue_views.py)
    path("queue/", queue_views.WarehouseQueueView.as_view(), name="queue"),
    path("queue/print/", queue_views.QueuePrintView.as_view(), name="queue_print"),
    path("dispatch-notes/<int:pk>/", queue_views.DispatchNoteView.as_view(), name="dispatch_note"),
    # close short: the order page's button (the action cancels shipments, so it lives here)
    path("orders/<int:pk>/close-short/", closing_views.OrderCloseShortView.as_view(), name="order_close_short"),
    path("orders/<int:pk>/cancel/", closing_views.OrderCancelView.as_view(), name="order_cancel"),
    path("<int:pk>/", views.ShipmentDetailView.as_view(), name="shipment_detail"),
    path("<int:pk>/<slug:action>/", views.ShipmentActionView.as_view(), name="shipment_action"),
]

from django.urls import path

from . import views

app_name = "aftersales"

urlpatterns = [
    path("", views.TicketListView.as_view(), name="ticket_list"),
    path("new/", views.TicketCreateView.as_view(), name="ticket_create"),
    path("order-part/", views.OrderPartView.as_view(), name="order_part"),
    path("assign/", views.AssignView.as_view(), name="ticket_assign"),
    path("<int:pk>/", views.TicketDetailView.as_view(), name="ticket_detail"),
    path("<int:pk>/edit/", views.TicketEditView.as_view(), name="ticket_edit"),
    path("<int:pk>/shipment/", views.OutboundShipmentView.as_view(), name="ticket_shipment"),
    path("<int:pk>/notes/", views.NoteCreateView.as_view(), name="ticket_note"),
    path("<int:pk>/do/<str:name>/", views.TicketActionView.as_view(), name="ticket_action"),
    path("attachments/<int:pk>/", views.AttachmentView.as_view(), name="attachment"),
]

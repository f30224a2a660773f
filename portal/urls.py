from django.urls import path

from . import statement_views, views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("view-as/<int:supplier_pk>/", views.view_as, name="view_as"),
    path("drop-ships/", views.DropShipListView.as_view(), name="dropship_list"),
    path("statements/", statement_views.StatementListView.as_view(), name="statement_list"),
    path("statements/<int:pk>/", statement_views.StatementDetailView.as_view(), name="statement_detail"),
    path("statements/<int:pk>/confirm/", statement_views.ConfirmView.as_view(), name="statement_confirm"),
    path("statements/<int:pk>/dispute/", statement_views.DisputeView.as_view(), name="statement_dispute"),
    path("statements/<int:pk>/message/", statement_views.MessageView.as_view(), name="statement_message"),
    path("statements/<int:pk>/pdf/", statement_views.StatementPdfView.as_view(), name="statement_pdf"),
    path("balance/", statement_views.BalanceView.as_view(), name="balance"),
]

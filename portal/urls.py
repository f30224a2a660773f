from django.urls import path

from . import import_views, inbox_views, scorecard_views, staff_views, statement_views, ticket_views, views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("view-as/<int:supplier_pk>/", views.view_as, name="view_as"),
    path("invitation/<str:token>/", staff_views.AcceptInvitationView.as_view(), name="accept"),
    # the seller's side (internal pages): supplier users per supplier
    path("staff/suppliers/", staff_views.SupplierListView.as_view(), name="staff_suppliers"),
    path("staff/suppliers/<int:pk>/users/", staff_views.SupplierUsersView.as_view(), name="staff_supplier_users"),
    path("staff/suppliers/<int:pk>/users/<int:user_pk>/deactivate/", staff_views.DeactivateUserView.as_view(),
         name="staff_user_deactivate"),
    path("staff/invitations/<int:pk>/resend/", staff_views.ResendInvitationView.as_view(),
         name="staff_invitation_resend"),
    path("drop-ships/", views.DropShipListView.as_view(), name="dropship_list"),
    path("drop-ships/<int:pk>/", views.DropShipDetailView.as_view(), name="dropship_detail"),
    path("drop-ships/import/", import_views.DispatchImportView.as_view(), name="dispatch_import"),
    path("drop-ships/import/<str:token>/", import_views.DispatchImportPreviewView.as_view(),
         name="dispatch_import_preview"),
    path("tickets/", ticket_views.TicketListView.as_view(), name="ticket_list"),
    path("tickets/<int:pk>/", ticket_views.TicketDetailView.as_view(), name="ticket_detail"),
    path("attachments/<int:pk>/", ticket_views.AttachmentView.as_view(), name="attachment"),
    path("statements/", statement_views.StatementListView.as_view(), name="statement_list"),
    path("statements/<int:pk>/", statement_views.StatementDetailView.as_view(), name="statement_detail"),
    path("statements/<int:pk>/confirm/", statement_views.ConfirmView.as_view(), name="statement_confirm"),
    path("statements/<int:pk>/dispute/", statement_views.DisputeView.as_view(), name="statement_dispute"),
    path("statements/<int:pk>/message/", statement_views.MessageView.as_view(), name="statement_message"),
    path("statements/<int:pk>/pdf/", statement_views.StatementPdfView.as_view(), name="statement_pdf"),
    path("balance/", statement_views.BalanceView.as_view(), name="balance"),
    path("inbox/", inbox_views.InboxView.as_view(), name="inbox"),
    path("inbox/read-all/", inbox_views.MarkAllReadView.as_view(), name="inbox_mark_all_read"),
    path("inbox/<int:pk>/open/", inbox_views.OpenView.as_view(), name="inbox_open"),
    path("scorecard/", scorecard_views.ScorecardView.as_view(), name="scorecard"),
]

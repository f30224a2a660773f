from django.urls import path

from . import dispute_views as dv
from . import statement_views as st
from . import views

app_name = "reconciliation"

urlpatterns = [
    path("accounts/", views.SupplierAccountListView.as_view(), name="account_list"),
    path("entries/", views.EntryListView.as_view(), name="entry_list"),
    path("accounts/<int:pk>/", views.SupplierEntriesView.as_view(), name="supplier_entries"),
    path("accounts/<int:pk>/balance/", st.SupplierBalanceView.as_view(), name="supplier_balance"),
    path("statements/", st.StatementListView.as_view(), name="statement_list"),
    path("statements/new/", st.StatementCreateView.as_view(), name="statement_create"),
    path("statements/<int:pk>/", st.StatementDetailView.as_view(), name="statement_detail"),
    path("statements/<int:pk>/export.xlsx", st.StatementExportView.as_view(), name="statement_export"),
    path("statements/<int:pk>/pdf/", st.StatementPdfView.as_view(), name="statement_pdf"),
    path("statements/<int:pk>/submit/", st.SubmitView.as_view(), name="statement_submit"),
    path("statements/<int:pk>/approve/", st.ApproveView.as_view(), name="statement_approve"),
    path("statements/<int:pk>/reject/", st.RejectView.as_view(), name="statement_reject"),
    path("statements/<int:pk>/void/", st.VoidView.as_view(), name="statement_void"),
    path("statements/<int:pk>/confirm/", st.ConfirmView.as_view(), name="statement_confirm"),
    path("statements/<int:pk>/pay/", st.PayView.as_view(), name="statement_pay"),
    path("statements/<int:pk>/remove/", st.RemoveEntriesView.as_view(), name="statement_remove_entries"),
    path("statements/<int:pk>/disputes/<int:line>/adjust/", dv.AdjustView.as_view(), name="dispute_adjust"),
    path("statements/<int:pk>/disputes/<int:line>/explain/", dv.ExplainView.as_view(), name="dispute_explain"),
    path("statements/<int:pk>/message/", dv.MessageView.as_view(), name="statement_message"),
]

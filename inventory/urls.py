from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("", views.BalanceListView.as_view(), name="balance_list"),
    path("ledger/", views.LedgerListView.as_view(), name="ledger_list"),
    path("products/<int:pk>/ledger/", views.ProductLedgerView.as_view(), name="product_ledger"),
    path("receipts/", views.GoodsReceiptListView.as_view(), name="receipt_list"),
    path("receipts/new/", views.GoodsReceiptCreateView.as_view(), name="receipt_create"),
    path("receipts/<int:pk>/", views.GoodsReceiptDetailView.as_view(), name="receipt_detail"),
    path("receipts/<int:pk>/post/", views.GoodsReceiptPostView.as_view(), name="receipt_post"),
    path("stocktakes/", views.StocktakeListView.as_view(), name="stocktake_list"),
    path("stocktakes/new/", views.StocktakeCreateView.as_view(), name="stocktake_create"),
    path("stocktakes/import/", views.StocktakeImportView.as_view(), name="stocktake_import"),
    path("stocktakes/import/<str:token>/", views.StocktakeImportPreviewView.as_view(), name="stocktake_import_preview"),
    path("stocktakes/<int:pk>/", views.StocktakeDetailView.as_view(), name="stocktake_detail"),
    path("stocktakes/<int:pk>/post/", views.StocktakePostView.as_view(), name="stocktake_post"),
    path("transfers/", views.TransferListView.as_view(), name="transfer_list"),
    path("transfers/new/", views.TransferCreateView.as_view(), name="transfer_create"),
    path("transfers/<int:pk>/", views.TransferDetailView.as_view(), name="transfer_detail"),
    path("transfers/<int:pk>/post/", views.TransferPostView.as_view(), name="transfer_post"),
]

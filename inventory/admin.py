from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    GoodsReceipt,
    GoodsReceiptLine,
    StockBalance,
    StockLedgerEntry,
    StockReservation,
    Stocktake,
    StocktakeLine,
    Transfer,
    TransferLine,
)


@admin.register(StockLedgerEntry)
class StockLedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "product", "warehouse", "direction", "kind", "quantity",
                    "balance_after", "actor")
    list_filter = ("kind", "direction", "warehouse")
    list_select_related = ("product", "warehouse", "actor")
    search_fields = ("product__sku",)


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnlyAdmin):
    list_display = ("product", "warehouse", "on_hand", "reserved")
    list_filter = ("warehouse",)
    list_select_related = ("product", "warehouse")
    search_fields = ("product__sku",)


@admin.register(StockReservation)
class StockReservationAdmin(ReadOnlyAdmin):
    list_display = ("id", "product", "warehouse", "quantity", "status", "created_at")
    list_filter = ("status", "warehouse")
    list_select_related = ("product", "warehouse")


class GoodsReceiptLineInline(ReadOnlyInline):
    model = GoodsReceiptLine


class StocktakeLineInline(ReadOnlyInline):
    model = StocktakeLine


class TransferLineInline(ReadOnlyInline):
    model = TransferLine


@admin.register(GoodsReceipt)
class GoodsReceiptAdmin(ReadOnlyAdmin):
    list_display = ("id", "supplier", "warehouse", "state", "created_at", "posted_at")
    inlines = [GoodsReceiptLineInline]


@admin.register(Stocktake)
class StocktakeAdmin(ReadOnlyAdmin):
    list_display = ("id", "warehouse", "state", "reason", "created_at", "posted_at")
    inlines = [StocktakeLineInline]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("id", "from_warehouse", "to_warehouse", "state", "created_at", "posted_at")
    inlines = [TransferLineInline]

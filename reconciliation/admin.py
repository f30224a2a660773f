from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Statement, StatementPayment, SupplierAccountEntry


@admin.register(SupplierAccountEntry)
class SupplierAccountEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "entry_date", "supplier", "kind", "amount", "statement", "reconciled_on")
    list_filter = ("kind", "supplier")
    list_select_related = ("supplier", "statement")
    date_hierarchy = "entry_date"


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    """Statements change only through reconciliation.services (the statement page and the API)."""

    list_display = ("number", "supplier", "period_from", "period_to", "state", "entry_count", "total", "paid",
                    "created_by", "approved_by")
    list_filter = ("state",)
    list_select_related = ("supplier", "created_by", "approved_by")


@admin.register(StatementPayment)
class StatementPaymentAdmin(ReadOnlyAdmin):
    list_display = ("statement", "paid_on", "amount", "direction", "method", "reference", "recorded_by")
    list_select_related = ("statement", "recorded_by")

from django.contrib import admin

from .models import Statement, SupplierAccountEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Ledgers are written by services only: the admin may look, never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupplierAccountEntry)
class SupplierAccountEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "entry_date", "supplier", "kind", "amount", "statement", "reconciled_on")
    list_filter = ("kind", "supplier")
    list_select_related = ("supplier", "statement")
    date_hierarchy = "entry_date"


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ("id", "supplier", "created_at")
    list_select_related = ("supplier",)

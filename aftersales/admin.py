"""After-sales tickets in the admin are read-only: every write goes through aftersales.services (pages, API)."""

from django.contrib import admin

from .models import Ticket, TicketAttachment, TicketLine, TicketNote


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class TicketLineInline(ReadOnlyInline):
    model = TicketLine
    fields = ("order_line", "quantity")


class TicketNoteInline(ReadOnlyInline):
    model = TicketNote
    fields = ("created_at", "author", "channel", "text")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("number", "type", "state", "order", "store", "supplier", "handler", "total_amount",
                    "created_at")
    list_filter = ("type", "state", "receipt_status", "store")
    search_fields = ("=number", "order__external_order_no")
    list_select_related = ("order", "store", "supplier", "handler")
    date_hierarchy = "created_at"
    inlines = [TicketLineInline, TicketNoteInline]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Ticket._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TicketAttachment)
class TicketAttachmentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "note", "size", "content_type", "created_at")
    list_select_related = ("note",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in TicketAttachment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

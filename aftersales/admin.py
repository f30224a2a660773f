"""After-sales tickets in the admin are read-only: every write goes through aftersales.services (pages, API)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Ticket, TicketAttachment, TicketLine, TicketNote


class TicketLineInline(ReadOnlyInline):
    model = TicketLine
    fields = ("order_line", "quantity")


class TicketNoteInline(ReadOnlyInline):
    model = TicketNote
    fields = ("created_at", "author", "channel", "text")


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "type", "state", "order", "store", "supplier", "handler", "total_amount",
                    "created_at")
    list_filter = ("type", "state", "receipt_status", "store")
    search_fields = ("=number", "order__external_order_no")
    list_select_related = ("order", "store", "supplier", "handler")
    date_hierarchy = "created_at"
    inlines = [TicketLineInline, TicketNoteInline]
    show_full_result_count = False


@admin.register(TicketAttachment)
class TicketAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "note", "size", "content_type", "created_at")
    list_select_related = ("note",)

"""Orders in the admin are read-only: every write goes through orders.services (form, import, API)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Order, OrderLine


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("product", "quantity", "unit_price")


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("external_order_no", "store", "ordered_at", "recipient_name", "fulfilment_status",
                    "aftersales_status", "source")
    list_filter = ("fulfilment_status", "aftersales_status", "source", "store")
    search_fields = ("=external_order_no", "recipient_name", "recipient_phone")
    list_select_related = ("store",)
    date_hierarchy = "ordered_at"
    inlines = [OrderLineInline]
    show_full_result_count = False

"""Orders in the admin are read-only: every write goes through orders.services (form, import, API)."""

from django.contrib import admin

from .models import Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ("product", "quantity", "unit_price")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("external_order_no", "store", "ordered_at", "recipient_name", "fulfilment_status",
                    "aftersales_status", "source")
    list_filter = ("fulfilment_status", "aftersales_status", "source", "store")
    search_fields = ("=external_order_no", "recipient_name", "recipient_phone")
    list_select_related = ("store",)
    date_hierarchy = "ordered_at"
    inlines = [OrderLineInline]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Order._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

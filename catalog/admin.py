from django.contrib import admin

from .forms import CarrierForm, ProductForm, StoreForm, SupplierForm, WarehouseForm
from .models import Carrier, Product, Store, Supplier, SupplierPortalUser, Warehouse


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    form = StoreForm
    list_display = ("name", "platform", "salesperson", "promised_dispatch_hours", "is_active")
    list_filter = ("platform", "is_active")
    search_fields = ("name", "salesperson__username", "salesperson__first_name", "salesperson__last_name")
    list_select_related = ("salesperson",)


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    form = SupplierForm
    list_display = ("name", "code", "kind", "contact_name", "contact_phone", "promised_dispatch_hours",
                    "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code", "contact_name", "contact_phone", "contact_email")

    class PortalUserInline(admin.TabularInline):
        # the admin leaves a many-to-many with its own through model out of the form: edited here instead
        model = SupplierPortalUser
        extra = 0
        raw_id_fields = ("user",)

    inlines = [PortalUserInline]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductForm
    list_display = ("sku", "name", "default_supplier", "supplier_unit_cost", "list_price",
                    "low_stock_threshold", "is_active")
    list_filter = ("is_active", "default_supplier")
    search_fields = ("sku", "name")
    list_select_related = ("default_supplier",)


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    form = WarehouseForm
    list_display = ("code", "name", "address", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "address")


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    form = CarrierForm
    list_display = ("code", "name", "tracking_url_pattern", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")

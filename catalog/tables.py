import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import ConsignTable, EditLinkColumn, MoneyColumn, NumberColumn

from .models import Carrier, Product, Store, Supplier, Warehouse

EXAMPLE_TRACKING_NUMBER = "SF1234567890"


class StoreTable(ConsignTable):
    name = EditLinkColumn()
    salesperson = tables.Column(order_by=("salesperson__username",))
    promised_dispatch_hours = NumberColumn(verbose_name=_("Promised dispatch (h)"))
    is_active = tables.BooleanColumn()

    class Meta(ConsignTable.Meta):
        model = Store
        fields = ("name", "platform", "salesperson", "promised_dispatch_hours", "is_active")
        order_by = ("name",)


class SupplierTable(ConsignTable):
    name = EditLinkColumn()
    promised_dispatch_hours = NumberColumn(verbose_name=_("Promised dispatch (h)"))
    contact_email = tables.EmailColumn()
    is_active = tables.BooleanColumn()

    class Meta(ConsignTable.Meta):
        model = Supplier
        fields = ("name", "code", "kind", "contact_name", "contact_phone", "contact_email",
                  "promised_dispatch_hours", "is_active")
        order_by = ("name",)

    def value_contact_email(self, value):
        return value


class ProductTable(ConsignTable):
    sku = EditLinkColumn(attrs={"td": {"class": "text-nowrap"}})
    default_supplier = tables.Column(order_by=("default_supplier__name",))
    supplier_unit_cost = MoneyColumn()
    list_price = MoneyColumn()
    low_stock_threshold = NumberColumn()
    is_active = tables.BooleanColumn()

    class Meta(ConsignTable.Meta):
        model = Product
        fields = ("sku", "name", "default_supplier", "supplier_unit_cost", "list_price",
                  "low_stock_threshold", "is_active")
        order_by = ("sku",)


class WarehouseTable(ConsignTable):
    name = EditLinkColumn()
    is_active = tables.BooleanColumn()

    class Meta(ConsignTable.Meta):
        model = Warehouse
        fields = ("code", "name", "address", "is_active")
        order_by = ("name",)


class CarrierTable(ConsignTable):
    name = EditLinkColumn()
    tracking_url_pattern = tables.Column(verbose_name=_("Tracking link pattern"))
    example = tables.Column(
        verbose_name=_("Example link"), accessor="tracking_url_pattern", orderable=False,
        exclude_from_export=True, empty_values=(),
    )
    is_active = tables.BooleanColumn()

    class Meta(ConsignTable.Meta):
        model = Carrier
        fields = ("code", "name", "tracking_url_pattern", "example", "is_active")
        order_by = ("name",)

    def render_tracking_url_pattern(self, value):
        return format_html('<code class="text-break">{}</code>', value)

    def value_tracking_url_pattern(self, value):
        return value

    def render_example(self, record):
        url = record.tracking_url(EXAMPLE_TRACKING_NUMBER)
        if not url:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
                           url, EXAMPLE_TRACKING_NUMBER)

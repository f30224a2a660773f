import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import ConsignTable, NumberColumn, row_urls

from .models import Direction, GoodsReceipt, StockBalance, StockLedgerEntry, Stocktake, Transfer


class BalanceTable(ConsignTable):
    sku = tables.Column(verbose_name=_("SKU"), accessor="product__sku", order_by=("product__sku",))
    name = tables.Column(verbose_name=_("Product"), accessor="product__name", order_by=("product__name",))
    warehouse = tables.Column(verbose_name=_("Warehouse"), accessor="warehouse__name",
                              order_by=("warehouse__name",))
    on_hand = NumberColumn(verbose_name=_("On hand"))
    reserved = NumberColumn(verbose_name=_("Reserved"))
    available_qty = NumberColumn(verbose_name=_("Available"), order_by=("available_qty",))
    threshold = NumberColumn(verbose_name=_("Low-stock threshold"), accessor="product__low_stock_threshold",
                             order_by=("product__low_stock_threshold",))
    supplier = tables.Column(verbose_name=_("Supplier"), accessor="product__default_supplier__name",
                             visible=False)

    class Meta(ConsignTable.Meta):
        model = StockBalance
        fields = ("sku", "name", "warehouse", "on_hand", "reserved", "available_qty", "threshold", "supplier")
        order_by = ("sku",)
        attrs = {**ConsignTable.Meta.attrs, "id": "balance-table"}

    def render_sku(self, value, record):
        url = reverse("inventory:product_ledger", args=[record.product_id]) + f"?warehouse={record.warehouse_id}"
        return format_html('<a href="{}">{}</a>', url, value)

    def render_available_qty(self, value, record):
        if value < record.product.low_stock_threshold:
            return format_html('<span class="badge text-bg-warning" title="{}">{}</span>', _("Low stock"), value)
        return value


class LedgerTable(ConsignTable):
    created_at = tables.DateTimeColumn(verbose_name=_("Time"), format="Y-m-d H:i")
    warehouse = tables.Column(verbose_name=_("Warehouse"), accessor="warehouse__name", order_by=("warehouse__name",))
    kind = tables.Column(verbose_name=_("Kind"))
    signed_qty = NumberColumn(verbose_name=_("Quantity"), orderable=False)
    balance_after = NumberColumn(verbose_name=_("Balance after"), orderable=False)
    source = tables.Column(verbose_name=_("Source"), accessor="source_type", orderable=False, empty_values=())
    actor = tables.Column(verbose_name=_("By"), orderable=False)
    reason = tables.Column(verbose_name=_("Reason"), orderable=False)

    class Meta(ConsignTable.Meta):
        model = StockLedgerEntry
        fields = ("created_at", "warehouse", "kind", "signed_qty", "balance_after", "source", "actor", "reason")
        order_by = ("-created_at",)
        attrs = {**ConsignTable.Meta.attrs, "id": "ledger-table"}

    def render_signed_qty(self, value, record):
        css = "text-success" if record.direction == Direction.IN else "text-danger"
        return format_html('<span class="{}">{}</span>', css, f"{value:+d}")

    def render_source(self, value, record):
        if record.source_type_id is None:
            return "—"
        label = f"{record.source_type.name} #{record.source_id}"
        source = record.source
        if source is not None and hasattr(source, "get_absolute_url"):
            return format_html('<a href="{}">{}</a>', source.get_absolute_url(), source)
        return label

    def value_source(self, value, record):
        return "" if record.source_type_id is None else f"{record.source_type.model}#{record.source_id}"

    def value_actor(self, value, record):
        return "" if record.actor is None else record.actor.get_username()


class MovementTable(LedgerTable):
    """The stock movements of every product (LedgerTable with the product first)."""

    sku = tables.Column(verbose_name=_("SKU"), accessor="product__sku", order_by=("product__sku",))
    product = tables.Column(verbose_name=_("Product"), accessor="product__name", orderable=False)

    class Meta(LedgerTable.Meta):
        fields = ("created_at", "sku", "product", "warehouse", "kind", "signed_qty", "balance_after", "source",
                  "actor", "reason")
        sequence = fields
        attrs = {**ConsignTable.Meta.attrs, "id": "movement-table"}

    def render_sku(self, value, record):
        url = reverse("inventory:product_ledger", args=[record.product_id]) + f"?warehouse={record.warehouse_id}"
        return format_html('<a href="{}">{}</a>', url, value)


class DocumentTable(ConsignTable):
    number = tables.Column(verbose_name=_("Number"), accessor="pk")
    state = tables.Column(verbose_name=_("State"))
    created_at = tables.DateTimeColumn(verbose_name=_("Created"), format="Y-m-d H:i")
    posted_at = tables.DateTimeColumn(verbose_name=_("Posted"), format="Y-m-d H:i")

    class Meta(ConsignTable.Meta):
        order_by = ("-number",)

    def render_number(self, value, record):
        """The document no. linked to its page; the URL pattern is reversed once per table, not per row."""
        return format_html('<a href="{}">{}</a>', row_urls(self, f"inventory:{record.url_prefix}_detail")(record.pk),
                           record.number)

    def value_number(self, value, record):
        return record.number


class GoodsReceiptTable(DocumentTable):
    supplier = tables.Column(verbose_name=_("Supplier"), order_by=("supplier__name",))
    warehouse = tables.Column(verbose_name=_("Warehouse"), order_by=("warehouse__name",))

    class Meta(DocumentTable.Meta):
        model = GoodsReceipt
        fields = ("number", "supplier", "warehouse", "state", "created_at", "posted_at")


class StocktakeTable(DocumentTable):
    warehouse = tables.Column(verbose_name=_("Warehouse"), order_by=("warehouse__name",))
    reason = tables.Column(verbose_name=_("Reason"), orderable=False)

    class Meta(DocumentTable.Meta):
        model = Stocktake
        fields = ("number", "warehouse", "reason", "state", "created_at", "posted_at")


class TransferTable(DocumentTable):
    from_warehouse = tables.Column(verbose_name=_("From"), order_by=("from_warehouse__name",))
    to_warehouse = tables.Column(verbose_name=_("To"), order_by=("to_warehouse__name",))

    class Meta(DocumentTable.Meta):
        model = Transfer
        fields = ("number", "from_warehouse", "to_warehouse", "state", "created_at", "posted_at")

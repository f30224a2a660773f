import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog.models import Supplier
from core.tables import ConsignTable, MoneyColumn, NumberColumn

from .models import SupplierAccountEntry


class SupplierAccountTable(ConsignTable):
    name = tables.Column(verbose_name=_("Supplier"))
    entry_count = NumberColumn(verbose_name=_("Entries"))
    total = MoneyColumn(verbose_name=_("Total"))
    reconciled = MoneyColumn(verbose_name=_("Reconciled"))
    remaining = MoneyColumn(verbose_name=_("Remaining"))

    class Meta(ConsignTable.Meta):
        model = Supplier
        fields = ("name", "entry_count", "total", "reconciled", "remaining")
        order_by = ("name",)
        attrs = {**ConsignTable.Meta.attrs, "id": "account-table"}

    def render_name(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("reconciliation:supplier_entries", args=[record.pk]),
                           value)


class EntryTable(ConsignTable):
    entry_date = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d", orderable=False)
    kind = tables.Column(verbose_name=_("Kind"), orderable=False)
    description = tables.Column(verbose_name=_("Description"), orderable=False)
    amount = MoneyColumn(verbose_name=_("Amount"), orderable=False)
    running_balance = MoneyColumn(verbose_name=_("Balance"), orderable=False)
    statement = tables.Column(verbose_name=_("Statement"), orderable=False)
    reconciled_on = tables.DateColumn(verbose_name=_("Reconciled on"), format="Y-m-d", orderable=False)

    class Meta(ConsignTable.Meta):
        model = SupplierAccountEntry
        # Date order only: the running balance reads top to bottom.
        fields = ("entry_date", "kind", "description", "amount", "running_balance", "statement", "reconciled_on")
        attrs = {**ConsignTable.Meta.attrs, "id": "entry-table"}


class EntryListTable(ConsignTable):
    """Entries of every supplier, newest first."""

    entry_date = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d")
    supplier = tables.Column(verbose_name=_("Supplier"), accessor="supplier__name", order_by=("supplier__name",))
    kind = tables.Column(verbose_name=_("Kind"))
    description = tables.Column(verbose_name=_("Description"), orderable=False)
    amount = MoneyColumn(verbose_name=_("Amount"))
    statement = tables.Column(verbose_name=_("Statement"), orderable=False)
    reconciled_on = tables.DateColumn(verbose_name=_("Reconciled on"), format="Y-m-d")

    class Meta(ConsignTable.Meta):
        model = SupplierAccountEntry
        fields = ("entry_date", "supplier", "kind", "description", "amount", "statement", "reconciled_on")
        order_by = ("-entry_date",)
        attrs = {**ConsignTable.Meta.attrs, "id": "entry-list-table"}

    def render_supplier(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("reconciliation:supplier_entries",
                                                          args=[record.supplier_id]), value)

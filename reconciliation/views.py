"""Supplier account pages (read only: entries are posted by the services that cause them)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Supplier
from core.views import ConsignListView

from . import selectors
from .filters import AccountFilter, EntryDateFilter, EntryFilter
from .models import SupplierAccountEntry
from .tables import EntryListTable, EntryTable, SupplierAccountTable


class SupplierAccountListView(ConsignListView):
    """Every supplier with its total, reconciled and remaining amounts."""

    permission_required = "reconciliation.view_supplieraccountentry"
    model = Supplier
    table_class = SupplierAccountTable
    filterset_class = AccountFilter
    title = gettext_lazy("Supplier accounts")
    export_filename = "supplier-accounts"

    def get_queryset(self):
        return selectors.supplier_accounts()

    def get_change_permission(self):
        return "reconciliation.change_supplieraccountentry"  # nobody: the rows are not edit links


class SupplierEntriesView(ConsignListView):
    """One supplier's account entries 供应商往来明细 in date order with the running balance."""

    permission_required = "reconciliation.view_supplieraccountentry"
    model = SupplierAccountEntry
    table_class = EntryTable
    filterset_class = EntryDateFilter
    template_name = "reconciliation/supplier_entries.html"

    def dispatch(self, request, *args, **kwargs):
        self.supplier = get_object_or_404(Supplier, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return SupplierAccountEntry.objects.filter(supplier=self.supplier)

    def get_table_data(self):
        form = self.filterset.form
        dates = form.cleaned_data if form.is_valid() else {}
        return selectors.entries_with_running_balance(self.supplier, date_from=dates.get("date_from"),
                                                      date_to=dates.get("date_to"))

    def export(self, fmt):
        self.object_list = self.get_table_data()  # the export carries the running balance too
        return super().export(fmt)

    def get_title(self):
        return _("Supplier account: %(supplier)s") % {"supplier": self.supplier}

    def get_context_data(self, **kwargs):
        return super().get_context_data(supplier=self.supplier, **kwargs)


class EntryListView(ConsignListView):
    """Every supplier's account entries, newest first, by supplier, kind, reconciliation and date: the entries
    behind the reconciliation dashboard's figures."""

    permission_required = "reconciliation.view_supplieraccountentry"
    model = SupplierAccountEntry
    table_class = EntryListTable
    filterset_class = EntryFilter
    title = gettext_lazy("Supplier account entries")
    export_filename = "supplier-entries"

    def get_queryset(self):
        return SupplierAccountEntry.objects.select_related("supplier", "statement").order_by("-entry_date", "-id")

    def get_change_permission(self):
        return "reconciliation.change_supplieraccountentry"  # nobody: entries are never edited

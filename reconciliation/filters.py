import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Supplier
from core.filters import ConsignFilterSet

from .models import EntryKind, SupplierAccountEntry

DATE = forms.DateInput(attrs={"type": "date"})


class AccountFilter(ConsignFilterSet):
    q = django_filters.CharFilter(label=_("Supplier"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Supplier
        fields = ["q"]


class EntryDateFilter(ConsignFilterSet):
    """Dates only: the running balance carries the opening balance before `date_from` (see selectors)."""

    date_from = django_filters.DateFilter(label=_("From"), method="keep", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label=_("To"), method="keep", widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = SupplierAccountEntry
        fields = ["date_from", "date_to"]

    def keep(self, queryset, name, value):
        return queryset  # applied by the selector, which also computes the opening balance


class EntryFilter(ConsignFilterSet):
    """Every supplier's entries (the list behind the reconciliation dashboard's figures)."""

    OPEN, RECONCILED = "open", "reconciled"

    supplier = django_filters.ModelChoiceFilter(label=_("Supplier"), queryset=Supplier.objects.order_by("name"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EntryKind.choices)
    status = django_filters.ChoiceFilter(label=_("Reconciliation"), method="filter_status",
                                         choices=[(OPEN, _("Not reconciled")), (RECONCILED, _("Reconciled"))])
    date_from = django_filters.DateFilter(label=_("From"), field_name="entry_date", lookup_expr="gte", widget=DATE)
    date_to = django_filters.DateFilter(label=_("To"), field_name="entry_date", lookup_expr="lte", widget=DATE)
    search_fields = ("description",)

    class Meta:
        model = SupplierAccountEntry
        fields = ["supplier", "kind", "status", "date_from", "date_to"]

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(reconciled_on__isnull=value == self.OPEN)

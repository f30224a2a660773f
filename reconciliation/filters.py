import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Supplier
from core.filters import ConsignFilterSet

from .models import SupplierAccountEntry


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

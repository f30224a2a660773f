import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Supplier
from core.filters import ConsignFilterSet

from .models import Statement, StatementPayment, StatementState

DATE = forms.DateInput(attrs={"type": "date"})


class StatementFilter(ConsignFilterSet):
    supplier = django_filters.ModelChoiceFilter(label=_("Supplier"), queryset=Supplier.objects.order_by("name"))
    state = django_filters.ChoiceFilter(label=_("State"), choices=StatementState.choices)
    period_from = django_filters.DateFilter(label=_("Period from"), method="filter_period_from", widget=DATE)
    period_to = django_filters.DateFilter(label=_("Period to"), method="filter_period_to", widget=DATE)
    # Statements with a payment dated in the range (the reconciliation dashboard's payments link here).
    paid_from = django_filters.DateFilter(label=_("Paid from"), method="filter_paid", widget=DATE)
    paid_to = django_filters.DateFilter(label=_("Paid to"), method="filter_paid", widget=DATE)

    class Meta:
        model = Statement
        fields = ["supplier", "state", "period_from", "period_to", "paid_from", "paid_to"]

    def filter_paid(self, queryset, name, value):
        lookup = "gte" if name == "paid_from" else "lte"
        return queryset.filter(pk__in=StatementPayment.objects.filter(**{f"paid_on__{lookup}": value})
                               .values("statement_id"))

    def filter_period_from(self, queryset, name, value):
        """Statements whose period reaches into the chosen range."""
        return queryset.filter(Q(period_to__gte=value))

    def filter_period_to(self, queryset, name, value):
        return queryset.filter(Q(period_from__lte=value))

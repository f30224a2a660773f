import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Store
from core.filters import ConsignFilterSet

from .deadlines import FILTER_CHOICES, filter_deadline
from .models import FulfilmentStatus, Order
from .selectors import awaiting_shipment_longer_than, ordered_between

MAX_WAITING_HOURS = 24 * 366 * 10


class OrderFilter(ConsignFilterSet):
    q = django_filters.CharFilter(label=_("Order no."), field_name="external_order_no", method="filter_number")
    store = django_filters.ModelChoiceFilter(label=_("Store"), queryset=Store.objects.order_by("name"))
    fulfilment_status = django_filters.ChoiceFilter(label=_("Status"), choices=FulfilmentStatus.choices)
    ordered_from = django_filters.DateFilter(label=_("Ordered from"), field_name="ordered_at",
                                             method="filter_from",
                                             widget=forms.DateInput(attrs={"type": "date"}))
    ordered_to = django_filters.DateFilter(label=_("Ordered to"), field_name="ordered_at",
                                           method="filter_to",
                                           widget=forms.DateInput(attrs={"type": "date"}))
    waiting_hours = django_filters.NumberFilter(
        label=_("Awaiting shipment for more than (hours)"), method="filter_waiting_hours", min_value=0,
        max_value=MAX_WAITING_HOURS,  # ten years; a larger number is a filter error, not an overflow
    )
    deadline = django_filters.ChoiceFilter(label=_("Dispatch deadline"), choices=FILTER_CHOICES,
                                           method="filter_deadline")

    class Meta:
        model = Order
        fields = ["q", "store", "fulfilment_status", "ordered_from", "ordered_to", "waiting_hours", "deadline"]

    def filter_waiting_hours(self, queryset, name, value):
        if value is None:
            return queryset
        return awaiting_shipment_longer_than(queryset, float(value))

    def filter_deadline(self, queryset, name, value):
        return filter_deadline(queryset, value)

    def filter_number(self, queryset, name, value):
        return queryset.filter(external_order_no=value.strip()) if value.strip() else queryset

    def filter_from(self, queryset, name, value):
        return ordered_between(queryset, first_day=value)

    def filter_to(self, queryset, name, value):
        return ordered_between(queryset, last_day=value)

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Store, Supplier, Warehouse
from core.filters import ConsignFilterSet

from .models import AWAITING_APPROVAL, Shipment, ShipmentKind, ShipmentState


class ShipmentFilter(ConsignFilterSet):
    q = django_filters.CharFilter(label=_("Shipment or order no."), method="filter_number")
    state = django_filters.ChoiceFilter(label=_("State"), choices=ShipmentState.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ShipmentKind.choices)
    store = django_filters.ModelChoiceFilter(label=_("Store"), field_name="order__store",
                                             queryset=Store.objects.order_by("name"))
    supplier = django_filters.ModelChoiceFilter(label=_("Supplier"), queryset=Supplier.objects.order_by("name"))
    warehouse = django_filters.ModelChoiceFilter(label=_("Warehouse"), queryset=Warehouse.objects.order_by("name"))
    awaiting_approval = django_filters.BooleanFilter(label=_("Awaiting approval"), method="filter_awaiting",
                                                     widget=forms.CheckboxInput)
    entered_from = django_filters.DateFilter(label=_("Entered from"), field_name="entry_date", lookup_expr="gte",
                                             widget=forms.DateInput(attrs={"type": "date"}))
    entered_to = django_filters.DateFilter(label=_("Entered to"), field_name="entry_date", lookup_expr="lte",
                                           widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Shipment
        fields = ["q", "state", "kind", "store", "supplier", "warehouse", "awaiting_approval", "entered_from",
                  "entered_to"]

    def filter_number(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        pk = Shipment.pk_from_number(value) if value.upper().startswith(Shipment.number_prefix) else None
        if pk is not None:
            return queryset.filter(pk=pk)
        return queryset.filter(order__external_order_no=value)

    def filter_awaiting(self, queryset, name, value):
        return queryset.filter(state__in=AWAITING_APPROVAL) if value else queryset

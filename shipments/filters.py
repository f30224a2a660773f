import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Product, Store, Supplier, Warehouse
from core.filters import ConsignFilterSet
from core.forms import searchable
from orders.deadlines import FILTER_CHOICES

from .deadlines import filter_deadline
from .models import AWAITING_APPROVAL, Shipment, ShipmentKind, ShipmentLine, ShipmentState


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
    deadline = django_filters.ChoiceFilter(label=_("Dispatch deadline"), choices=FILTER_CHOICES,
                                           method="filter_deadline")
    entered_from = django_filters.DateFilter(label=_("Entered from"), field_name="entry_date", lookup_expr="gte",
                                             widget=forms.DateInput(attrs={"type": "date"}))
    entered_to = django_filters.DateFilter(label=_("Entered to"), field_name="entry_date", lookup_expr="lte",
                                           widget=forms.DateInput(attrs={"type": "date"}))
    # The shipping dashboard's links (reports) land here with the bar's period and dimension applied.
    dispatched_from = django_filters.DateFilter(label=_("Dispatched from"), field_name="dispatched_at",
                                                lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"}))
    dispatched_to = django_filters.DateFilter(label=_("Dispatched to"), field_name="dispatched_at",
                                              lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"}))
    product = django_filters.ModelChoiceFilter(label=_("Product"), queryset=Product.objects.order_by("sku"),
                                               method="filter_product", widget=searchable(forms.Select()))

    class Meta:
        model = Shipment
        fields = ["q", "state", "kind", "store", "supplier", "warehouse", "awaiting_approval", "deadline", "entered_from",
                  "entered_to", "dispatched_from", "dispatched_to", "product"]

    def filter_number(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        pk = Shipment.pk_from_number(value) if value.upper().startswith(Shipment.number_prefix) else None
        if pk is not None:
            return queryset.filter(pk=pk)
        return queryset.filter(order__external_order_no=value)

    def filter_product(self, queryset, name, value):
        """Shipments with a line of the product (a subquery, so a shipment never shows twice)."""
        if value is None:
            return queryset
        return queryset.filter(pk__in=ShipmentLine.objects.filter(order_line__product=value).values("shipment_id"))

    def filter_deadline(self, queryset, name, value):
        return filter_deadline(queryset, value)

    def filter_awaiting(self, queryset, name, value):
        return queryset.filter(state__in=AWAITING_APPROVAL) if value else queryset

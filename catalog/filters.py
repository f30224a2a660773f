import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.selectors import salespeople
from core.filters import ConsignFilterSet
from core.forms import SEARCHABLE_ATTR

from .models import Carrier, Platform, Product, Store, Supplier, SupplierKind, Warehouse

ACTIVE_CHOICES = (("yes", _("Active")), ("no", _("Inactive")))


def _filter_active(queryset, name, value):
    return queryset.filter(is_active=value == "yes")


def active_filter():
    return django_filters.ChoiceFilter(
        label=_("Status"), choices=ACTIVE_CHOICES, empty_label=_("All"), method=_filter_active,
    )


class StoreFilter(ConsignFilterSet):
    search_fields = ("name", "salesperson__username", "salesperson__first_name", "salesperson__last_name")
    platform = django_filters.ChoiceFilter(label=_("Platform"), choices=Platform.choices, empty_label=_("All"))
    salesperson = django_filters.ModelChoiceFilter(
        label=_("Responsible salesperson"), queryset=lambda request: salespeople(), empty_label=_("All"),
        widget=forms.Select(attrs={SEARCHABLE_ATTR: "true"}),
    )
    is_active = active_filter()

    class Meta:
        model = Store
        fields = ["q", "platform", "salesperson", "is_active"]


class SupplierFilter(ConsignFilterSet):
    search_fields = ("name", "code", "contact_name", "contact_phone", "contact_email")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SupplierKind.choices, empty_label=_("All"))
    is_active = active_filter()

    class Meta:
        model = Supplier
        fields = ["q", "kind", "is_active"]


class ProductFilter(ConsignFilterSet):
    search_fields = ("sku", "name")
    default_supplier = django_filters.ModelChoiceFilter(
        label=_("Default supplier"), queryset=Supplier.objects.order_by("name"), empty_label=_("All"),
        widget=forms.Select(attrs={SEARCHABLE_ATTR: "true"}),
    )
    list_price_min = django_filters.NumberFilter(
        field_name="list_price", lookup_expr="gte", label=_("List price from")
    )
    list_price_max = django_filters.NumberFilter(
        field_name="list_price", lookup_expr="lte", label=_("List price to")
    )
    is_active = active_filter()

    class Meta:
        model = Product
        fields = ["q", "default_supplier", "list_price_min", "list_price_max", "is_active"]


class WarehouseFilter(ConsignFilterSet):
    search_fields = ("code", "name", "address")
    is_active = active_filter()

    class Meta:
        model = Warehouse
        fields = ["q", "is_active"]


class CarrierFilter(ConsignFilterSet):
    search_fields = ("code", "name")
    is_active = active_filter()

    class Meta:
        model = Carrier
        fields = ["q", "is_active"]

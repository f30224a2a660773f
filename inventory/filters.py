import django_filters
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from catalog.models import Product, Supplier, Warehouse
from core.filters import ConsignFilterSet

from .models import (
    Direction,
    DocumentState,
    GoodsReceipt,
    MoveKind,
    StockBalance,
    StockLedgerEntry,
    Stocktake,
    Transfer,
)
from .selectors import AGE_BUCKETS, in_age_bucket, ledger_dates_q


class BalanceFilter(ConsignFilterSet):
    q = django_filters.CharFilter(label=_("SKU or name"), method="filter_q")
    warehouse = django_filters.ModelChoiceFilter(label=_("Warehouse"), queryset=Warehouse.objects.order_by("name"))
    supplier = django_filters.ModelChoiceFilter(label=_("Supplier"), field_name="product__default_supplier",
                                                queryset=Supplier.objects.order_by("name"))
    low = django_filters.BooleanFilter(label=_("Low stock only"), method="filter_low",
                                       widget=django_filters.widgets.BooleanWidget)
    # Stock age (days since the last in-movement), as the inventory analysis dashboard buckets it.
    age = django_filters.ChoiceFilter(label=_("Stock age (days)"), method="filter_age",
                                      choices=[(name, name) for name, _low, _high in AGE_BUCKETS])

    class Meta:
        model = StockBalance
        fields = ["q", "warehouse", "supplier", "low", "age"]

    def filter_age(self, queryset, name, value):
        return in_age_bucket(queryset, value) if value else queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(product__sku__icontains=value) | queryset.filter(product__name__icontains=value)

    def filter_low(self, queryset, name, value):
        from django.db.models import F

        if value:
            return queryset.filter(on_hand__lt=F("reserved") + F("product__low_stock_threshold"))
        return queryset


class LedgerFilter(ConsignFilterSet):
    warehouse = django_filters.ModelChoiceFilter(label=_("Warehouse"), queryset=Warehouse.objects.order_by("name"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=MoveKind.choices)
    direction = django_filters.ChoiceFilter(label=_("Direction"), choices=Direction.choices)

    class Meta:
        model = StockLedgerEntry
        fields = ["warehouse", "kind", "direction"]


DATE = forms.DateInput(attrs={"type": "date"})


class MovementFilter(LedgerFilter):
    """Every product's ledger rows (the stock movements list): also by product, its supplier and local date."""

    product = django_filters.ModelChoiceFilter(label=_("Product"), queryset=Product.objects.order_by("sku"))
    supplier = django_filters.ModelChoiceFilter(label=_("Supplier"), field_name="product__default_supplier",
                                                queryset=Supplier.objects.order_by("name"))
    date_from = django_filters.DateFilter(label=_("From"), method="filter_dates", widget=DATE)
    date_to = django_filters.DateFilter(label=_("To"), method="filter_dates", widget=DATE)

    class Meta:
        model = StockLedgerEntry
        fields = ["warehouse", "product", "supplier", "kind", "direction", "date_from", "date_to"]

    def filter_dates(self, queryset, name, value):
        return queryset.filter(ledger_dates_q(**{name: value})) if value else queryset


def document_filter(model, warehouse_fields):
    attrs = {"state": django_filters.ChoiceFilter(label=_("State"), choices=DocumentState.choices)}
    for name in warehouse_fields:
        attrs[name] = django_filters.ModelChoiceFilter(label=capfirst(model._meta.get_field(name).verbose_name),
                                                       queryset=Warehouse.objects.order_by("name"))
    if model is GoodsReceipt:
        attrs["supplier"] = django_filters.ModelChoiceFilter(label=_("Supplier"),
                                                             queryset=Supplier.objects.order_by("name"))
    meta = type("Meta", (), {"model": model, "fields": list(attrs)})
    return type(f"{model.__name__}Filter", (ConsignFilterSet,), {**attrs, "Meta": meta})


GoodsReceiptFilter = document_filter(GoodsReceipt, ["warehouse"])
StocktakeFilter = document_filter(Stocktake, ["warehouse"])
TransferFilter = document_filter(Transfer, ["from_warehouse", "to_warehouse"])

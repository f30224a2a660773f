import django_filters
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from catalog.models import Supplier, Warehouse
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


class BalanceFilter(ConsignFilterSet):
    q = django_filters.CharFilter(label=_("SKU or name"), method="filter_q")
    warehouse = django_filters.ModelChoiceFilter(label=_("Warehouse"), queryset=Warehouse.objects.order_by("name"))
    supplier = django_filters.ModelChoiceFilter(label=_("Supplier"), field_name="product__default_supplier",
                                                queryset=Supplier.objects.order_by("name"))
    low = django_filters.BooleanFilter(label=_("Low stock only"), method="filter_low",
                                       widget=django_filters.widgets.BooleanWidget)

    class Meta:
        model = StockBalance
        fields = ["q", "warehouse", "supplier", "low"]

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

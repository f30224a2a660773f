from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Carrier, Supplier, Warehouse
from core.forms import BootstrapFormMixin, MoneyField, searchable
from orders.models import FulfilmentStatus, Order

from .models import ShipmentKind


class ShipmentHeaderForm(BootstrapFormMixin, forms.Form):
    """The shipment entry form's fields other than the lines (which are per order line: qty_<id>,
    price_<id>); supplier + freight show for a drop-ship, the warehouse for a company dispatch."""

    order = forms.ModelChoiceField(
        label=_("Order"),
        queryset=Order.objects.filter(fulfilment_status__in=[FulfilmentStatus.AWAITING_SHIPMENT,
                                                             FulfilmentStatus.PARTIALLY_SHIPPED])
        .select_related("store").order_by("-ordered_at", "-id"),
        widget=searchable(forms.Select()),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ShipmentKind.choices, widget=forms.RadioSelect,
                             initial=ShipmentKind.COMPANY_DISPATCH)
    supplier = forms.ModelChoiceField(label=_("Supplier"), required=False,
                                      queryset=Supplier.objects.filter(is_active=True).order_by("name"),
                                      widget=searchable(forms.Select()))
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), required=False,
                                       queryset=Warehouse.objects.filter(is_active=True).order_by("name"))
    freight = MoneyField(label=_("Freight"), required=False, min_value=0, max_digits=12, decimal_places=2,
                                 initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].label_from_instance = (
            lambda o: f"{o.external_order_no} · {o.store.name} · {o.recipient_name}")


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class TrackingForm(BootstrapFormMixin, forms.Form):
    carrier = forms.ModelChoiceField(label=_("Carrier"), queryset=Carrier.objects.filter(is_active=True)
                                     .order_by("name"), widget=searchable(forms.Select()))
    tracking_number = forms.CharField(label=_("Tracking no."), max_length=64)

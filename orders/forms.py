"""The order form and its line formset. They only shape input; orders.services validates and writes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Product, Store
from core.forms import BootstrapFormMixin, MoneyField, searchable

from .services import LineData


class OrderForm(BootstrapFormMixin, forms.Form):
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.none())
    external_order_no = forms.CharField(label=_("Order no."), max_length=64,
                                       help_text=_("The order number in the store's own system."))
    ordered_at = forms.DateTimeField(label=_("Ordered at"), initial=timezone.now,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                format="%Y-%m-%dT%H:%M"))
    recipient_name = forms.CharField(label=_("Recipient name"), max_length=100)
    recipient_phone = forms.CharField(label=_("Recipient phone"), max_length=40)
    recipient_address = forms.CharField(label=_("Recipient address"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.filter(is_active=True).order_by("name")
        searchable(self.fields["store"].widget)

    def clean_external_order_no(self):
        return self.cleaned_data["external_order_no"].strip()


class OrderLineForm(BootstrapFormMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000)
    unit_price = MoneyField(label=_("Unit price"), min_value=0, max_digits=12, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(is_active=True).order_by("sku")
        searchable(self.fields["product"].widget)

    def as_line(self):
        data = self.cleaned_data
        return LineData(product=data["product"], quantity=data["quantity"], unit_price=data["unit_price"])


class BaseOrderLineFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.lines():
            raise forms.ValidationError(_("An order needs at least one line."))

    def lines(self):
        return [f.as_line() for f in self.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.has_changed()]


OrderLineFormSet = forms.formset_factory(OrderLineForm, formset=BaseOrderLineFormSet, extra=3,
                                         max_num=200, validate_max=True)


class CancelOrderForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CloseShortForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             help_text=_("Why the rest will never ship, e.g. out of stock for good and the "
                                         "customer agreed."))

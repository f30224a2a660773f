"""Forms of the stock pages. They only shape input; inventory.documents validates and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Product, Supplier, Warehouse
from core.forms import BootstrapFormMixin, MoneyField, searchable

from .documents import CountData, ReceiptLineData, TransferLineData


def _active(model, order):
    return model.objects.filter(is_active=True).order_by(order)


class _PickMixin(BootstrapFormMixin):
    """Searchable pickers of active master data for the fields this form has."""

    pickers = {"supplier": (Supplier, "name"), "warehouse": (Warehouse, "name"),
               "from_warehouse": (Warehouse, "name"), "to_warehouse": (Warehouse, "name"),
               "product": (Product, "sku")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (model, order) in self.pickers.items():
            if name in self.fields:
                self.fields[name].queryset = _active(model, order)
                searchable(self.fields[name].widget)


class GoodsReceiptForm(_PickMixin, forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none())
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.none())
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class ReceiptLineForm(_PickMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000)
    unit_cost = MoneyField(label=_("Unit cost"), min_value=0, max_digits=12, decimal_places=2)

    def as_line(self):
        d = self.cleaned_data
        return ReceiptLineData(product_id=d["product"].pk, quantity=d["quantity"], unit_cost=d["unit_cost"])


class StocktakeForm(_PickMixin, forms.Form):
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=255,
                             help_text=_("Written on every adjustment this stocktake causes."))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class CountLineForm(_PickMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    counted = forms.IntegerField(label=_("Counted quantity"), min_value=0, max_value=1_000_000)

    def as_line(self):
        return CountData(product_id=self.cleaned_data["product"].pk, counted=self.cleaned_data["counted"])


class TransferForm(_PickMixin, forms.Form):
    from_warehouse = forms.ModelChoiceField(label=_("From warehouse"), queryset=Warehouse.objects.none())
    to_warehouse = forms.ModelChoiceField(label=_("To warehouse"), queryset=Warehouse.objects.none())
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def clean(self):
        data = super().clean()
        if data.get("from_warehouse") and data.get("from_warehouse") == data.get("to_warehouse"):
            self.add_error("to_warehouse", _("Pick a warehouse other than the one the stock leaves."))
        return data


class TransferLineForm(_PickMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000)

    def as_line(self):
        return TransferLineData(product_id=self.cleaned_data["product"].pk, quantity=self.cleaned_data["quantity"])


class BaseLineFormSet(forms.BaseFormSet):
    unique_products = False

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.cleaned_data and f.has_changed()]
        if not filled:
            raise forms.ValidationError(_("Add at least one line."))
        if self.unique_products:
            seen = set()
            for f in filled:
                product = f.cleaned_data["product"]
                if product.pk in seen:
                    f.add_error("product", _("This product is already counted above."))
                seen.add(product.pk)

    def lines(self):
        return [f.as_line() for f in self.forms if f.cleaned_data and f.has_changed()]


class UniqueProductFormSet(BaseLineFormSet):
    unique_products = True


def line_formset(form_class, *, unique_products=False):
    return forms.formset_factory(form_class, formset=UniqueProductFormSet if unique_products else BaseLineFormSet,
                                 extra=5, max_num=300, validate_max=True)


ReceiptLineFormSet = line_formset(ReceiptLineForm)
CountLineFormSet = line_formset(CountLineForm, unique_products=True)
TransferLineFormSet = line_formset(TransferLineForm)

"""Master-data forms. The pages and the HTTP API (catalog/api.py) validate through these same forms,
so a rule lives in one place. They take plain data (no request), so the API can pass a dict."""

import re
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.selectors import salespeople, supplier_logins
from core.forms import BootstrapFormMixin, MoneyField, searchable

from .models import Carrier, Product, Store, Supplier, SupplierPortalUser, Warehouse

TRACKING_PLACEHOLDER = "{tracking_number}"
MAX_PROMISED_HOURS = 24 * 90


def _promised_hours(form):
    """A store's or supplier's promised dispatch hours: at least 1 (the widget and the database say so),
    at most 90 days."""
    hours = form.cleaned_data["promised_dispatch_hours"]
    if hours is not None and hours > MAX_PROMISED_HOURS:
        raise forms.ValidationError(_("At most 2160 hours (90 days)."))
    return hours


class StoreForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Store
        fields = ["name", "platform", "salesperson", "promised_dispatch_hours", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        salesperson = self.fields["salesperson"]
        # Only people in the sales group can be responsible for a store: they are told of its orders.
        salesperson.queryset = salespeople()
        salesperson.help_text = _("Only users in the sales group are listed.")
        salesperson.error_messages["invalid_choice"] = _(
            "Pick a user in the sales group; that user is told of this store's new orders."
        )
        searchable(salesperson.widget)
        hours = self.fields["promised_dispatch_hours"]
        hours.widget.attrs["min"] = 1
        # Left out (an API call or an older client), a store keeps its hours; a new one gets the default.
        hours.required = False

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_promised_dispatch_hours(self):
        hours = _promised_hours(self)
        return self.instance.promised_dispatch_hours if hours is None else hours


class SupplierForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Supplier
        fields = ["name", "code", "kind", "contact_name", "contact_phone", "contact_email", "address",
                  "promised_dispatch_hours", "portal_users", "is_active"]
        widgets = {"address": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        portal_users = self.fields.get("portal_users")  # the admin edits them inline instead
        if portal_users is not None:
            portal_users.queryset = supplier_logins()
            portal_users.help_text = _("Supplier logins that will see this supplier's records in the portal.")
            searchable(portal_users.widget)
        self.fields["promised_dispatch_hours"].widget.attrs["min"] = 1

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_code(self):
        return self.cleaned_data["code"].strip().lower()

    def clean_portal_users(self):
        users = self.cleaned_data["portal_users"]
        # One supplier per login (the database holds it too: SupplierPortalUser's unique user).
        taken = (SupplierPortalUser.objects.filter(user__in=users).exclude(supplier_id=self.instance.pk)
                 .select_related("user", "supplier"))
        if taken:
            raise forms.ValidationError(
                _("Already a portal user of another supplier: %(users)s.")
                % {"users": ", ".join(f"{t.user} ({t.supplier})" for t in taken)})
        return users

    clean_promised_dispatch_hours = _promised_hours


class ProductForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Product
        fields = ["sku", "name", "default_supplier", "supplier_unit_cost", "list_price",
                  "low_stock_threshold", "is_active"]
        field_classes = {"supplier_unit_cost": MoneyField, "list_price": MoneyField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        supplier = self.fields["default_supplier"]
        active = Supplier.objects.filter(is_active=True)
        if self.instance.pk and self.instance.default_supplier_id:
            # An inactive supplier stays selectable on products that already name it.
            active = Supplier.objects.filter(is_active=True) | Supplier.objects.filter(
                pk=self.instance.default_supplier_id
            )
        supplier.queryset = active.order_by("name")
        searchable(supplier.widget)
        for name in ("supplier_unit_cost", "list_price"):
            self.fields[name].widget.attrs.update(min="0", step="0.01")
        self.fields["low_stock_threshold"].widget.attrs["min"] = 0

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip()
        if re.search(r"\s", sku):
            raise forms.ValidationError(_("A SKU has no spaces."))
        return sku

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class WarehouseForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Warehouse
        fields = ["code", "name", "address", "is_active"]

    def clean_code(self):
        return self.cleaned_data["code"].strip().lower()

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class CarrierForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Carrier
        fields = ["code", "name", "tracking_url_pattern", "is_active"]

    def clean_code(self):
        return self.cleaned_data["code"].strip().lower()

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_tracking_url_pattern(self):
        pattern = self.cleaned_data["tracking_url_pattern"].strip()
        if not pattern:
            return pattern
        parts = urlsplit(pattern)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise forms.ValidationError(_("Enter a web address starting with http:// or https://."))
        if TRACKING_PLACEHOLDER not in pattern:
            raise forms.ValidationError(
                _("Put %(placeholder)s where the tracking number goes."),
                params={"placeholder": TRACKING_PLACEHOLDER},
            )
        leftover = pattern.replace(TRACKING_PLACEHOLDER, "")
        if "{" in leftover or "}" in leftover:
            raise forms.ValidationError(
                _("The only placeholder allowed is %(placeholder)s."),
                params={"placeholder": TRACKING_PLACEHOLDER},
            )
        return pattern

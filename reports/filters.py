"""The one filter form every dashboard shares: a period (a preset, or from/to), store, supplier, product,
warehouse, kind. A dashboard names the fields it uses (`only=`); the rest are dropped from the form.

An invalid filter (a date range upside down, an unknown store id) is shown next to the field and the
dashboard falls back to its default period, never a 500."""

import datetime
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Product, Store, Supplier, Warehouse
from core.forms import BootstrapFormMixin, searchable
from shipments.models import ShipmentKind

MAX_PERIOD_DAYS = 366 * 3


PERIOD_CHOICES = [
    ("last_7", _("Last 7 days")),
    ("last_30", _("Last 30 days")),
    ("last_90", _("Last 90 days")),
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("this_year", _("This year")),
    ("custom", _("Custom (from / to)")),
]
DEFAULT_PERIOD = "last_30"

GROUP_BY_CHOICES = [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))]


def preset_range(preset, today):
    """(first day, last day) of a named period ending today; both inclusive."""
    if preset == "last_7":
        return today - datetime.timedelta(days=6), today
    if preset == "last_90":
        return today - datetime.timedelta(days=89), today
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        last_day = today.replace(day=1) - datetime.timedelta(days=1)
        return last_day.replace(day=1), last_day
    if preset == "this_year":
        return today.replace(month=1, day=1), today
    return today - datetime.timedelta(days=29), today  # last_30, and the fallback


@dataclass(frozen=True)
class ReportFilters:
    """What a dashboard's selectors take: a closed date range and optional records."""

    date_from: datetime.date
    date_to: datetime.date
    store: Store | None = None
    supplier: Supplier | None = None
    product: Product | None = None
    warehouse: Warehouse | None = None
    kind: str = ""
    group_by: str = "day"

    def start(self):
        """The first instant of the period, in the current time zone."""
        return timezone.make_aware(datetime.datetime.combine(self.date_from, datetime.time.min))

    def end(self):
        """The first instant after the period (an exclusive bound, so an index range works)."""
        return timezone.make_aware(datetime.datetime.combine(self.date_to + datetime.timedelta(days=1),
                                                             datetime.time.min))


class DashboardFilterForm(BootstrapFormMixin, forms.Form):
    FIELDS = ("period", "date_from", "date_to", "group_by", "store", "supplier", "product", "warehouse", "kind")

    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False, initial=DEFAULT_PERIOD)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    group_by = forms.ChoiceField(label=_("Group by"), choices=GROUP_BY_CHOICES, required=False)
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.order_by("name"), required=False)
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.order_by("name"),
                                      required=False)
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.order_by("sku"), required=False)
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.order_by("name"),
                                       required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *ShipmentKind.choices], required=False)

    def __init__(self, data=None, *, only=FIELDS, **kwargs):
        super().__init__(data, **kwargs)
        for name in [n for n in self.fields if n not in only]:
            del self.fields[name]
        for name in ("store", "supplier", "product", "warehouse"):
            if name in self.fields:
                searchable(self.fields[name].widget)

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if cleaned.get("period") == "custom" and not (date_from and date_to):
            raise forms.ValidationError(_("A custom period needs both a first and a last day."))
        if date_from and date_to:
            if date_from > date_to:
                self.add_error("date_to", _("The last day is before the first day."))
            elif (date_to - date_from).days > MAX_PERIOD_DAYS:
                self.add_error("date_from", _("A period is at most three years long."))
        return cleaned

    def filters(self):
        """The ReportFilters of a valid form, else of the default period with nothing else chosen."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        preset = data.get("period") or DEFAULT_PERIOD
        date_from, date_to = preset_range(preset, today)
        if data.get("date_from") and data.get("date_to") and (preset == "custom" or not self.data.get("period")):
            date_from, date_to = data["date_from"], data["date_to"]
        return ReportFilters(
            date_from=date_from, date_to=date_to, store=data.get("store"), supplier=data.get("supplier"),
            product=data.get("product"), warehouse=data.get("warehouse"), kind=data.get("kind") or "",
            group_by=data.get("group_by") or "day",
        )

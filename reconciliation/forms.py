"""Statement forms: pick supplier, period and kinds; filter the open entries; the actions' small forms."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Supplier
from core.forms import BootstrapFormMixin, MoneyField, searchable
from core.parsing import INT32_MAX, id_or_error

from .models import ConfirmationMethod, EntryKind, PaymentMethod, StatementState

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StatementScopeForm(BootstrapFormMixin, forms.Form):
    """What a new statement covers (GET): supplier, period, optional kinds; then filters that narrow
    the open entries shown (date range inside the period, words of the description)."""

    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.order_by("name"),
                                      widget=searchable(forms.Select()))
    period_from = forms.DateField(label=_("Period from"), widget=DATE)
    period_to = forms.DateField(label=_("Period to"), widget=DATE)
    kinds = forms.MultipleChoiceField(label=_("Entry kinds"), choices=EntryKind.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text=_("None ticked: every kind."))
    date_from = forms.DateField(label=_("Entries from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Entries to"), required=False, widget=DATE)
    q = forms.CharField(label=_("Description contains"), required=False, max_length=100)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", _("The period ends before it starts."))
        return data


class BuildForm(forms.Form):
    """POST of the new-statement page: the chosen entry ids, or "select all N matching"."""

    entry = forms.TypedMultipleChoiceField(coerce=id_or_error, required=False)  # the service checks the choices
    select_all = forms.BooleanField(required=False)
    expected_count = forms.IntegerField(required=False, min_value=0, max_value=INT32_MAX)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].valid_value = lambda value: True


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmationForm(BootstrapFormMixin, forms.Form):
    # Finance records a confirmation given outside the portal; the portal's own is the supplier's to give.
    method = forms.ChoiceField(label=_("Confirmed how"), choices=[
        c for c in ConfirmationMethod.choices if c[0] != ConfirmationMethod.PORTAL])
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


class PaymentForm(BootstrapFormMixin, forms.Form):
    amount = MoneyField(label=_("Amount"), max_digits=14, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.01"))])
    paid_on = forms.DateField(label=_("Payment date"), widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=100)


class AdjustmentForm(BootstrapFormMixin, forms.Form):
    """Finance's answer to a disputed line by an adjustment entry (it corrects the disputed entry)."""

    amount = MoneyField(label=_("Adjustment amount"),
                        help_text=_("+ the seller owes the supplier more, − the supplier owes the seller"))
    reason = forms.CharField(label=_("Reason"), max_length=255)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("An adjustment of zero changes nothing."))
        return amount


class ExplanationForm(BootstrapFormMixin, forms.Form):
    """Finance's answer to a disputed line by explaining why the entry stands."""

    explanation = forms.CharField(label=_("Explanation"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class MessageForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


STATE_CHOICES = StatementState.choices

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from aftersales.forms import MultipleFileField
from catalog.models import Carrier
from core.forms import BootstrapFormMixin


class InviteForm(BootstrapFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    language = forms.ChoiceField(label=_("Language of the e-mail"), choices=Language.choices,
                                 initial=settings.LANGUAGE_CODE)


class AcceptForm(BootstrapFormMixin, forms.Form):
    first_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(label=_("Password again"),
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial="zh-hans")

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class DispatchForm(BootstrapFormMixin, forms.Form):
    carrier = forms.ModelChoiceField(label=_("Carrier"), queryset=Carrier.objects.filter(is_active=True).order_by("name"))
    tracking_number = forms.CharField(label=_("Tracking no."), max_length=64)


class ReplyForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Attachments"), required=False,
                              help_text=_("Images, PDF, office documents or text; at most 10 MB each."))

"""core.form_renderer writes <input> and <select> in Python: the markup must be exactly what Django's own
widget templates write, for every kind of widget and value the pages use, and a list page's whole filter
form must come out the same either way."""

from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.form_renderer import WidgetRenderer

CHOICES = [("", "---------"), (1, "一 <one> & \"two\""), ("b", _("Search")), (Decimal("2.50"), 3),
           ("Group 组", [("g1", "G one"), ("g2", mark_safe("<b>safe</b>"))])]


class EveryWidget(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={
        "class": "form-control", "placeholder": "名 \"x\" <y> & z", "data-flag": True, "hidden": False}))
    number = forms.IntegerField(widget=forms.NumberInput(attrs={"max": 2147483647, "min": 0}))
    money = forms.DecimalField()
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField()
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    email = forms.EmailField()
    hidden = forms.CharField(widget=forms.HiddenInput)
    tick = forms.BooleanField(required=False)
    choice = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs={"data-searchable": "true"}))
    many = forms.MultipleChoiceField(choices=CHOICES)
    maybe = forms.NullBooleanField()
    empty = forms.ChoiceField(choices=[])
    radio = forms.ChoiceField(choices=CHOICES[1:3], widget=forms.RadioSelect)  # stays a template
    note = forms.CharField(widget=forms.Textarea)  # stays a template


VALUES = [
    {},
    {"text": "<script>alert('x')</script> & 名", "number": "0", "money": "1234.50", "day": "2026-12-03",
     "moment": "2026-12-03 14:00", "secret": "s&cret", "email": "a@b.example", "hidden": '"quoted"',
     "tick": "on", "choice": "1", "many": ["b", "g2"], "maybe": "true", "radio": "b", "note": "<n>"},
    {"choice": "2.50", "many": ["1"], "maybe": "false", "tick": "", "number": "-7"},
]


def rendered(form_class, data, renderer, prefix=None):
    form = form_class(data=data or None, renderer=renderer, prefix=prefix)
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("data", VALUES)
def test_every_widget_is_the_markup_djangos_templates_write(data, language):
    with translation.override(language):
        ours = rendered(EveryWidget, data, WidgetRenderer())
        theirs = rendered(EveryWidget, data, DjangoTemplates())
    for name in theirs:
        assert ours[name] == theirs[name], name
    assert "<option" in ours["choice"] and "<optgroup" in ours["many"] and 'type="date"' in ours["day"]


@pytest.mark.django_db
def test_a_list_pages_filter_form_is_the_same_either_way(make_user):
    from aftersales.filters import TicketFilter
    from shipments.filters import ShipmentFilter
    from tests.factories import ProductFactory, StoreFactory

    StoreFactory(name="店 <b>&")
    ProductFactory()
    request = RequestFactory().get("/")
    request.user = make_user("manager")
    for filter_class, data in ((TicketFilter, {"state": "new", "overdue": "true"}), (ShipmentFilter, {"q": "x\"y"})):
        filterset = filter_class(data=data, queryset=filter_class._meta.model.objects.all(), request=request)
        form_class = type(filterset.form)
        ours = rendered(form_class, data, WidgetRenderer())
        theirs = rendered(form_class, data, DjangoTemplates())
        assert ours == theirs
        assert len(ours) >= 3


def test_the_site_uses_it(settings):
    assert settings.FORM_RENDERER == "core.form_renderer.WidgetRenderer"
    assert isinstance(forms.Form().renderer, WidgetRenderer)

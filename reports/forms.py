"""The saved view form: everything is picked from the registry's lists (reports/datasets.py), never typed,
but the name and title. The dataset is chosen first (it decides which dimensions, measures and filters
are offered); the filters are the shared dashboard filter form under the prefix `f`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.forms import BootstrapFormMixin

from .charts import THEMES
from .datasets import filter_fields
from .filters import DashboardFilterForm
from .models import ChartType
from .saved_views import ViewData

FILTER_PREFIX = "f"
ROLE_CHOICES = [(role.value, role.label) for role in Role if role != Role.SUPPLIER]


class SavedViewForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Shown above the chart; the name when empty."))
    dimensions = forms.MultipleChoiceField(label=_("Dimensions (one or two)"), widget=forms.CheckboxSelectMultiple)
    measures = forms.MultipleChoiceField(label=_("Measures (one or two)"), widget=forms.CheckboxSelectMultiple)
    chart_type = forms.ChoiceField(label=_("Chart type"), choices=ChartType.choices)
    theme = forms.ChoiceField(label=_("Colour palette"), choices=THEMES)
    roles = forms.MultipleChoiceField(label=_("Share with roles"), choices=ROLE_CHOICES, required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, data=None, *, dataset, **kwargs):
        super().__init__(data, **kwargs)
        self.dataset = dataset
        self.fields["dimensions"].choices = [(d.name, d.label) for d in dataset.dimensions.values()]
        self.fields["measures"].choices = [(m.name, m.label) for m in dataset.measures.values()]
        self.filter_form = DashboardFilterForm(data, prefix=FILTER_PREFIX, only=filter_fields(dataset),
                                               initial=kwargs.get("initial", {}).get("filters"))

    def is_valid(self):
        return all([super().is_valid(), self.filter_form.is_valid()])

    def view_data(self):
        """ViewData of the valid form; the filters as typed (the service checks and stores them)."""
        raw = {name: self.filter_form.data.get(f"{FILTER_PREFIX}-{name}") for name in self.filter_form.fields}
        return ViewData(
            name=self.cleaned_data["name"], title=self.cleaned_data["title"], dataset=self.dataset.name,
            dimensions=self.cleaned_data["dimensions"], measures=self.cleaned_data["measures"],
            filters={k: v for k, v in raw.items() if v not in (None, "")},
            chart_type=self.cleaned_data["chart_type"], theme=self.cleaned_data["theme"],
            roles=self.cleaned_data["roles"])


def initial_of(data):
    """Form initial values of a ViewData (editing or after a copy)."""
    return {"name": data.name, "title": data.title, "dimensions": data.dimensions, "measures": data.measures,
            "chart_type": data.chart_type, "theme": data.theme, "roles": data.roles, "filters": data.filters}

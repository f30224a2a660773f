"""Base filter set for list pages: Bootstrap widgets and one free-text search box (`q`)."""

import operator
from functools import reduce

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .forms import BootstrapFormMixin

MAX_SEARCH_TERMS = 5


class ConsignFilterSet(django_filters.FilterSet):
    """Subclasses name `search_fields`; `q` then matches rows where every word of the query appears in
    at least one of those fields (case-insensitive), e.g. `search_fields = ("sku", "name")`.

    Every list page's filter set derives from this one: its form bounds each number to its column
    (core.forms.bound_to_columns), so `?waiting_hours=1e122` or an id of "²" is a filter error shown
    above the list (which is then empty), never a crash."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (BootstrapFormMixin, form_class), {})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.search_fields and getattr(self.filters.get("q"), "method", None) == "filter_search":
            self.filters.pop("q", None)  # the shared search box, unused here (a subclass's own `q` stays)
        else:
            self.filters["q"].field.widget.attrs.setdefault("placeholder", _("Search…"))

    def filter_search(self, queryset, name, value):
        terms = value.split()[:MAX_SEARCH_TERMS]
        for term in terms:
            queryset = queryset.filter(
                reduce(operator.or_, (Q(**{f"{field}__icontains": term}) for field in self.search_fields))
            )
        return queryset

    @property
    def active_count(self):
        """How many filters the user has set (shown on the phone's collapsed filter button)."""
        if not self.is_bound:
            return 0
        return sum(1 for name in self.filters if self.data.get(name) not in (None, ""))

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from catalog.models import Store, Supplier
from core.filters import MAX_SEARCH_TERMS, ConsignFilterSet

from .models import Ticket, TicketState, TicketType
from .selectors import note_matches, overdue_q


class TicketFilter(ConsignFilterSet):
    """Type, state, store, supplier, handler, overdue; `q` searches number, order no., description and
    the notes thread."""

    search_fields = ("number", "order__external_order_no", "description", "order__recipient_name")

    type = django_filters.ChoiceFilter(label=_("Type"), choices=TicketType.choices)
    state = django_filters.ChoiceFilter(label=_("State"), choices=TicketState.choices)
    store = django_filters.ModelChoiceFilter(label=_("Store"), queryset=Store.objects.order_by("name"))
    supplier = django_filters.ModelChoiceFilter(label=_("Supplier"), queryset=Supplier.objects.order_by("name"))
    handler = django_filters.ModelChoiceFilter(
        label=_("Handler"),
        queryset=get_user_model().objects.filter(groups__name=Role.SALES).distinct().order_by("username"))
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = Ticket
        fields = ["q", "type", "state", "store", "supplier", "handler", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_search(self, queryset, name, value):
        for term in value.split()[:MAX_SEARCH_TERMS]:
            q = Q()
            for field in self.search_fields:
                q |= Q(**{f"{field}__icontains": term})
            queryset = queryset.filter(q | note_matches(term))
        return queryset

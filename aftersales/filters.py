import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from catalog.models import Product, Store, Supplier
from core.filters import MAX_SEARCH_TERMS, ConsignFilterSet
from core.forms import searchable

from .models import Ticket, TicketLine, TicketReason, TicketState, TicketType
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
    # The after-sales dashboard's links (reports) land here with the bar's period and dimension applied.
    reason = django_filters.ChoiceFilter(label=_("Reason"), choices=TicketReason.choices)
    registered_from = django_filters.DateFilter(label=_("Registered from"), field_name="created_at",
                                                lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"}))
    registered_to = django_filters.DateFilter(label=_("Registered to"), field_name="created_at",
                                              lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"}))
    product = django_filters.ModelChoiceFilter(label=_("Product"), queryset=Product.objects.order_by("sku"),
                                               method="filter_product", widget=searchable(forms.Select()))

    class Meta:
        model = Ticket
        fields = ["q", "type", "state", "store", "supplier", "handler", "overdue", "reason", "registered_from",
                  "registered_to", "product"]

    def filter_product(self, queryset, name, value):
        """Tickets with a line of the product (a subquery, so a ticket never shows twice)."""
        if value is None:
            return queryset
        return queryset.filter(pk__in=TicketLine.objects.filter(order_line__product=value).values("ticket_id"))

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

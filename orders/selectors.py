"""Reads of orders shared by the pages, the API, the home queue and (later) shipments and reports."""

from datetime import datetime, time, timedelta

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .deadlines import with_deadline
from .models import FulfilmentStatus, Order, OrderLine


def order_list():
    """Every order with what a list row shows (store, line count, dispatch deadline), newest first.

    The line count is a correlated subquery, not a JOIN + GROUP BY, so the database counts lines only
    for the rows of the page it returns, not for every order before sorting."""
    line_count = (
        OrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order")
        .annotate(n=Count("*")).values("n")
    )
    return with_deadline(
        Order.objects.select_related("store")
        .annotate(line_count=Subquery(line_count, output_field=IntegerField()))
    ).order_by("-ordered_at", "-id")


def start_of_day(day):
    """The aware moment a local calendar day begins (filters compare the indexed column with it)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def ordered_between(queryset, first_day=None, last_day=None):
    """Orders placed on or after `first_day` and on or before `last_day` (local calendar days)."""
    if first_day is not None:
        queryset = queryset.filter(ordered_at__gte=start_of_day(first_day))
    if last_day is not None:
        queryset = queryset.filter(ordered_at__lt=start_of_day(last_day + timedelta(days=1)))
    return queryset


def awaiting_shipment_longer_than(queryset, hours):
    """Orders still awaiting shipment that were ordered more than `hours` hours ago."""
    cutoff = timezone.now() - timedelta(hours=hours)
    return queryset.filter(fulfilment_status=FulfilmentStatus.AWAITING_SHIPMENT, ordered_at__lt=cutoff)


def order_detail(pk):
    """One order with its store, creator, lines (products included) and dispatch deadline."""
    lines = OrderLine.objects.select_related("product").order_by("id")
    return with_deadline(
        Order.objects.select_related("store", "store__salesperson", "created_by")
        .prefetch_related(Prefetch("lines", queryset=lines))
    ).get(pk=pk)


def lines_with_open_quantity(order):
    """The order's lines (products included), each with `open_quantity`, in one query.

    Open quantity = ordered − closed-short units − units on the line's sale shipments that are not
    rejected or cancelled (DESIGN.md; drafts count). The units are summed through the reverse relation
    `shipment_lines` without importing the shipments app (a lower layer never imports a higher one); the same rule is
    `shipments.selectors.order_lines_with_open_quantity`, which the shipment services use."""
    held = (
        OrderLine.objects.filter(pk=OuterRef("pk"))
        .filter(shipment_lines__shipment__purpose="sale",
                shipment_lines__shipment__state__in=["draft", "submitted", "approved", "picking", "dispatched",
                                                     "delivered", "received"])  # not rejected or cancelled
        .order_by().values("pk").annotate(n=Sum("shipment_lines__quantity")).values("n")
    )
    return with_open_quantity(
        OrderLine.objects.filter(order_id=order.pk).select_related("product")
        .annotate(held=Coalesce(Subquery(held, output_field=IntegerField()), Value(0))).order_by("id")
    )


def with_open_quantity(lines):
    """The order lines (annotated `held`) as a list, each given `open_quantity`: its remaining units
    (ordered − closed-short) less the held ones, never below 0. The one place that sum is made: both
    `lines_with_open_quantity` and `shipments.selectors.order_lines_with_open_quantity` end here."""
    lines = list(lines)
    for line in lines:
        line.open_quantity = max(line.remaining_quantity - line.held, 0)
    return lines


def orders_awaiting_shipment_for(user, *, limit=10):
    """The salesperson's stores' orders awaiting shipment, oldest first (the home page's sales queue)."""
    return list(
        Order.objects.filter(store__salesperson=user, fulfilment_status=FulfilmentStatus.AWAITING_SHIPMENT)
        .select_related("store")
        .order_by("ordered_at", "id")[:limit]
    )

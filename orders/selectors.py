"""Reads of orders shared by the pages, the API, the home queue and (later) shipments and reports."""

from datetime import timedelta

from django.db.models import Count, Prefetch
from django.utils import timezone

from .models import FulfilmentStatus, Order, OrderLine


def order_list():
    """Every order with what a list row shows (store, line count), newest first."""
    return (
        Order.objects.select_related("store")
        .annotate(line_count=Count("lines"))
        .order_by("-ordered_at", "-id")
    )


def awaiting_shipment_longer_than(queryset, hours):
    """Orders still awaiting shipment that were ordered more than `hours` hours ago."""
    cutoff = timezone.now() - timedelta(hours=hours)
    return queryset.filter(fulfilment_status=FulfilmentStatus.AWAITING_SHIPMENT, ordered_at__lt=cutoff)


def order_detail(pk):
    """One order with its store, creator and lines (products included)."""
    lines = OrderLine.objects.select_related("product").order_by("id")
    return (
        Order.objects.select_related("store", "store__salesperson", "created_by")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .get(pk=pk)
    )


def lines_with_open_quantity(order):
    """The order's lines, each with `open_quantity`.

    Open quantity = ordered − units on the line's sale shipments that are not rejected or cancelled
    (DESIGN.md). Until the shipments app exists nothing is shipped, so it equals the ordered quantity;
    the shipments app replaces this with its own annotation."""
    lines = list(order.lines.all())
    for line in lines:
        line.open_quantity = line.quantity
    return lines


def orders_awaiting_shipment_for(user, *, limit=10):
    """The salesperson's stores' orders awaiting shipment, oldest first (the home page's sales queue)."""
    return list(
        Order.objects.filter(store__salesperson=user, fulfilment_status=FulfilmentStatus.AWAITING_SHIPMENT)
        .select_related("store")
        .order_by("ordered_at", "id")[:limit]
    )

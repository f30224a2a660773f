"""Dispatch deadline 发货时限 of orders (DESIGN.md, "Order"): dispatch-by = ordered at + the store's
promised dispatch hours. An order not fully dispatched (awaiting shipment or partially shipped: not
cancelled, shipped or closed short) is at risk once 75 % of its window has passed and overdue after it.

Derived in the database, never stored: `with_deadline` annotates `dispatch_by`, `at_risk_from` and
`deadline` (a DeadlineLevel, or NULL when the order no longer waits for dispatch), so lists filter and
sort on them and the monitoring dashboard counts them in one query. Works on SQLite and PostgreSQL
(Django's duration arithmetic). Shipments build the drop-ship windows on top of these expressions."""

from datetime import timedelta
from typing import Literal

from django.db import models
from django.db.models import Count, ExpressionWrapper, F, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import FulfilmentStatus, Order

# Not fully dispatched, and neither cancelled nor closed short (closing short makes an order shipped).
WAITING_FOR_DISPATCH = (FulfilmentStatus.AWAITING_SHIPMENT, FulfilmentStatus.PARTIALLY_SHIPPED)
# 75 % of an hour: the window's at-risk mark is start + hours × 45 minutes (exact, no fractions).
HOUR = timedelta(hours=1)
AT_RISK_SHARE_OF_HOUR = timedelta(minutes=45)


class DeadlineLevel(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    AT_RISK = "at_risk", _("At risk")
    OVERDUE = "overdue", _("Overdue")


LATE = (DeadlineLevel.AT_RISK, DeadlineLevel.OVERDUE)
# The list filters' values: one level, or `late` for either.
FILTER_CHOICES = [(DeadlineLevel.AT_RISK.value, DeadlineLevel.AT_RISK.label),
                  (DeadlineLevel.OVERDUE.value, DeadlineLevel.OVERDUE.label),
                  ("late", _("At risk or overdue"))]
# The API's `deadline` filter (the same values).
DeadlineFilter = Literal["at_risk", "overdue", "late"]


def window_end(start, hours):
    """`start` + `hours` hours, as a database expression (both are field names or expressions)."""
    return ExpressionWrapper(_f(start) + _duration(hours, HOUR), output_field=models.DateTimeField())


def window_at_risk(start, hours):
    """The moment 75 % of the window starting at `start` has passed."""
    return ExpressionWrapper(_f(start) + _duration(hours, AT_RISK_SHARE_OF_HOUR),
                             output_field=models.DateTimeField())


def _f(value):
    return F(value) if isinstance(value, str) else value


def _duration(hours, unit):
    """`hours` × `unit` as a duration. Both types are spelt out: SQLite's duration arithmetic refuses a
    PositiveIntegerField operand, and an untyped product would be added to the time as a plain number."""
    hours = ExpressionWrapper(_f(hours), output_field=models.IntegerField())
    return ExpressionWrapper(hours * Value(unit), output_field=models.DurationField())


def level_case(*, waiting, overdue, at_risk):
    """DeadlineLevel from three conditions (Q objects over annotations); NULL when not `waiting`."""
    return models.Case(
        models.When(waiting & overdue, then=Value(DeadlineLevel.OVERDUE.value)),
        models.When(waiting & at_risk, then=Value(DeadlineLevel.AT_RISK.value)),
        models.When(waiting, then=Value(DeadlineLevel.ON_TIME.value)),
        default=Value(None), output_field=models.CharField(max_length=10),
    )


def levels_for(value):
    """The levels a list filter value stands for (`late` = at risk or overdue); [] for anything else."""
    if value == "late":
        return list(LATE)
    return [value] if value in LATE else []


def with_deadline(queryset, *, now=None):
    """Orders annotated with `dispatch_by`, `at_risk_from` and `deadline` (as of `now`)."""
    now = now or timezone.now()
    return queryset.annotate(
        dispatch_by=window_end("ordered_at", "store__promised_dispatch_hours"),
        at_risk_from=window_at_risk("ordered_at", "store__promised_dispatch_hours"),
    ).annotate(deadline=level_case(
        waiting=Q(fulfilment_status__in=WAITING_FOR_DISPATCH),
        overdue=Q(dispatch_by__lt=now), at_risk=Q(at_risk_from__lte=now),
    ))


def filter_deadline(queryset, value, *, now=None):
    """Orders whose deadline level is `value` (at_risk, overdue, or late for either)."""
    levels = levels_for(value)
    if not levels:
        return queryset
    # Only orders still waiting can be late: the status condition lets the database use its index.
    return with_deadline(queryset.filter(fulfilment_status__in=WAITING_FOR_DISPATCH), now=now).filter(
        deadline__in=levels)


def _orders_of(store):
    return Order.objects.filter(store=store) if store is not None else Order.objects.all()


def late_orders(*, store=None, now=None):
    """Orders at risk or overdue (of `store`, if given) with their store, oldest deadline first (the
    monitoring dashboard)."""
    return filter_deadline(_orders_of(store).select_related("store", "store__salesperson"), "late",
                           now=now).order_by("dispatch_by", "id")


def late_orders_per_store(*, store=None, now=None):
    """Per store with a late order: {store_id, store__name, at_risk, overdue}, most overdue first."""
    return list(
        filter_deadline(_orders_of(store), "late", now=now).order_by()
        .values("store_id", "store__name")
        .annotate(at_risk=Count("id", filter=Q(deadline=DeadlineLevel.AT_RISK)),
                  overdue=Count("id", filter=Q(deadline=DeadlineLevel.OVERDUE)))
        .order_by("-overdue", "-at_risk", "store__name")
    )

"""Dispatch deadline 发货时限 of shipments (DESIGN.md, "Order"): a shipment not yet dispatched is held to
two windows, and its level is the worse of them:
- its order's (sale shipments of an order still waiting for dispatch): ordered at + the store's hours;
- its supplier's, for an approved drop-ship: approved at + the supplier's promised hours.
Dispatch-by is the earlier of the two deadlines that apply. Derived in the database like
`orders.deadlines` (whose expressions this reuses), so the list filters and sorts on it."""

from django.db.models import Case, Count, Q, When
from django.db.models.functions import Least
from django.utils import timezone

from orders.deadlines import (
    WAITING_FOR_DISPATCH,
    DeadlineLevel,
    level_case,
    levels_for,
    window_at_risk,
    window_end,
)

from .models import S, Shipment, ShipmentKind, ShipmentPurpose

NOT_DISPATCHED = (S.DRAFT, S.SUBMITTED, S.APPROVED, S.PICKING)
# Held to the order's window: an undispatched sale shipment of an order that still waits for dispatch.
ORDER_WINDOW = Q(purpose=ShipmentPurpose.SALE, state__in=NOT_DISPATCHED,
                 order__fulfilment_status__in=WAITING_FOR_DISPATCH)
# Held to the supplier's window as well: a drop-ship approved and not yet dispatched.
SUPPLIER_WINDOW = Q(kind=ShipmentKind.DROP_SHIP, state=S.APPROVED, approved_at__isnull=False)


def with_deadline(queryset, *, now=None):
    """Shipments annotated with `dispatch_by`, `at_risk_from` (of the window that ends first) and
    `deadline` (a DeadlineLevel, NULL once dispatched, cancelled or rejected, or when the order no
    longer waits), as of `now`."""
    now = now or timezone.now()
    return queryset.annotate(
        order_dispatch_by=window_end("order__ordered_at", "order__store__promised_dispatch_hours"),
        order_at_risk_from=window_at_risk("order__ordered_at", "order__store__promised_dispatch_hours"),
        supplier_dispatch_by=window_end("approved_at", "supplier__promised_dispatch_hours"),
        supplier_at_risk_from=window_at_risk("approved_at", "supplier__promised_dispatch_hours"),
    ).annotate(
        # LEAST skips NULLs on PostgreSQL but not on SQLite: only take it where both windows apply.
        dispatch_by=Case(
            When(ORDER_WINDOW & SUPPLIER_WINDOW, then=Least("order_dispatch_by", "supplier_dispatch_by")),
            When(SUPPLIER_WINDOW, then="supplier_dispatch_by"),
            default="order_dispatch_by",
        ),
        at_risk_from=Case(
            When(ORDER_WINDOW & SUPPLIER_WINDOW, then=Least("order_at_risk_from", "supplier_at_risk_from")),
            When(SUPPLIER_WINDOW, then="supplier_at_risk_from"),
            default="order_at_risk_from",
        ),
        deadline=level_case(
            waiting=ORDER_WINDOW | SUPPLIER_WINDOW,
            overdue=(ORDER_WINDOW & Q(order_dispatch_by__lt=now))
            | (SUPPLIER_WINDOW & Q(supplier_dispatch_by__lt=now)),
            at_risk=(ORDER_WINDOW & Q(order_at_risk_from__lte=now))
            | (SUPPLIER_WINDOW & Q(supplier_at_risk_from__lte=now)),
        ),
    )


def filter_deadline(queryset, value, *, now=None):
    """Shipments whose deadline level is `value` (at_risk, overdue, or late for either)."""
    levels = levels_for(value)
    if not levels:
        return queryset
    return with_deadline(queryset.filter(state__in=NOT_DISPATCHED), now=now).filter(deadline__in=levels)


def _approved_drop_ships(store, supplier):
    queryset = Shipment.objects.filter(kind=ShipmentKind.DROP_SHIP, state=S.APPROVED)
    if store is not None:
        queryset = queryset.filter(order__store=store)
    if supplier is not None:
        queryset = queryset.filter(supplier=supplier)
    return queryset


def late_drop_ships(*, store=None, supplier=None, now=None):
    """Approved drop-ships at risk or overdue (waiting on their supplier; of `store`'s orders and of
    `supplier`, if given), oldest deadline first."""
    return (
        filter_deadline(_approved_drop_ships(store, supplier), "late", now=now)
        .select_related("order", "order__store", "supplier").order_by("dispatch_by", "id")
    )


def late_drop_ships_per_supplier(*, store=None, supplier=None, now=None):
    """Per supplier with a late approved drop-ship: {supplier_id, supplier__name, at_risk, overdue}."""
    return list(
        filter_deadline(_approved_drop_ships(store, supplier), "late", now=now)
        .order_by().values("supplier_id", "supplier__name")
        .annotate(at_risk=Count("id", filter=Q(deadline=DeadlineLevel.AT_RISK)),
                  overdue=Count("id", filter=Q(deadline=DeadlineLevel.OVERDUE)))
        .order_by("-overdue", "-at_risk", "supplier__name")
    )


"""The supplier scorecard 供应商评分 (DESIGN.md, "Reports"): one read for the internal dashboard
(reports:scorecard) and the supplier's own card in the portal, so both show the same figures.

It lives here, on the highest floor below the top ones, because it reads shipments, aftersales and
statements, and both top floors (reports, portal) may import it while neither imports the other.

Per supplier over a period (days in the current time zone, both inclusive):
- drop-ships dispatched in the period, and how many of them within the supplier's own promise (approved at +
  the supplier's promised dispatch hours: the window shipments.deadlines holds a drop-ship to from its
  approval, built with orders.deadlines.window_end) — the seller's delay before approving is not the
  supplier's;
- average hours from order to dispatch over those drop-ships;
- after-sales rate: units on the supplier's tickets registered in the period (rejected ones left out) per
  unit of its drop-ships dispatched in the period;
- compensation borne (manufacturer compensation of those tickets) and charge-backs;
- disputes: statements of the supplier disputed in the period (from the transition log; none until the
  portal lets suppliers dispute).
Every figure is an aggregate in the database: five queries, whatever the number of suppliers."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Avg, Count, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from aftersales.models import Ticket, TicketLine, TicketState
from catalog.models import Supplier
from core.models import TransitionLog
from orders.deadlines import window_end
from shipments.models import DISPATCHED_OR_LATER, Shipment, ShipmentDaySummary, ShipmentKind

from .statement_models import Statement

DISPUTED = "disputed"  # the statement state a dispute moves to (StatementState.DISPUTED)


@dataclass
class ScorecardRow:
    supplier_id: int
    supplier_name: str
    shipments: int = 0
    on_time: int = 0
    avg_hours: float | None = None
    dispatched_units: int = 0
    ticketed_units: int = 0
    compensation: Decimal = Decimal("0.00")
    charge_backs: Decimal = Decimal("0.00")
    disputes: int = 0

    @property
    def on_time_rate(self):
        """Percent of the period's drop-ships dispatched by their deadline (None without any)."""
        return round(100 * self.on_time / self.shipments, 1) if self.shipments else None

    @property
    def aftersales_rate(self):
        """Ticketed units per 100 dispatched units (None without dispatched units)."""
        return round(100 * self.ticketed_units / self.dispatched_units, 1) if self.dispatched_units else None


def period_bounds(date_from, date_to):
    """[start, end) instants of the days `date_from`..`date_to` in the current time zone."""
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min))
    return start, end


def order_to_dispatch(prefix=""):
    """The duration from the order to the shipment's dispatch, as a database expression."""
    return ExpressionWrapper(F(f"{prefix}dispatched_at") - F(f"{prefix}order__ordered_at"),
                             output_field=models.DurationField())


def dispatched_by_deadline_q(prefix=""):
    """The shipment left by its order's dispatch-by (the store's promised hours)."""
    return Q(**{f"{prefix}dispatched_at__lte": window_end(f"{prefix}order__ordered_at",
                                                          f"{prefix}order__store__promised_dispatch_hours")})


def within_supplier_promise_q(prefix=""):
    """The drop-ship left within its supplier's promised hours from its approval."""
    return Q(**{f"{prefix}dispatched_at__lte": window_end(f"{prefix}approved_at",
                                                          f"{prefix}supplier__promised_dispatch_hours")})


def _hours(duration):
    if duration is None:
        return None
    return round(duration.total_seconds() / 3600, 1)


def supplier_scorecard(supplier=None, *, date_from, date_to):
    """[ScorecardRow] per supplier with anything in the period (the given supplier always), by name."""
    start, end = period_bounds(date_from, date_to)
    only = {"supplier": supplier} if supplier is not None else {"supplier__isnull": False}
    drop_ships = Shipment.objects.filter(kind=ShipmentKind.DROP_SHIP, state__in=DISPATCHED_OR_LATER,
                                         dispatched_at__gte=start, dispatched_at__lt=end, **only)
    shipped = {
        row["supplier"]: row for row in drop_ships.order_by().values("supplier").annotate(
            shipments=Count("id"), on_time=Count("id", filter=within_supplier_promise_q()),
            avg_duration=Avg(order_to_dispatch()))
    }
    # the drop-ships' units from the daily shipment summary (shipments.summary): the same sum by local day
    # of dispatch, without joining every line of the period
    units = dict(
        ShipmentDaySummary.objects.filter(kind=ShipmentKind.DROP_SHIP, day__gte=date_from, day__lte=date_to, **only)
        .order_by().values("supplier").annotate(units=Sum("units")).values_list("supplier", "units"))
    tickets = Ticket.objects.filter(created_at__gte=start, created_at__lt=end, **only).exclude(
        state=TicketState.REJECTED)
    money = {
        row["supplier"]: row for row in tickets.order_by().values("supplier").annotate(
            compensation=Sum("manufacturer_amount", filter=Q(compensate=True)),
            charge_backs=Sum("charge_back_amount", filter=Q(charge_back=True)))
    }
    ticketed = dict(
        TicketLine.objects.filter(ticket__in=tickets).order_by().values("ticket__supplier")
        .annotate(units=Sum("quantity")).values_list("ticket__supplier", "units"))
    disputed_ids = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Statement), target=DISPUTED,
        created_at__gte=start, created_at__lt=end,
    ).annotate(statement_id=Cast("object_id", models.BigIntegerField())).values("statement_id")
    disputes = dict(
        Statement.objects.filter(pk__in=disputed_ids, **only).order_by().values("supplier")
        .annotate(n=Count("id")).values_list("supplier", "n"))

    ids = set(shipped) | set(units) | set(money) | set(ticketed) | set(disputes)
    if supplier is not None:
        ids = {supplier.pk}
    rows = []
    for pk, name in Supplier.objects.filter(pk__in=ids).order_by("name", "pk").values_list("pk", "name"):
        ship, cash = shipped.get(pk, {}), money.get(pk, {})
        rows.append(ScorecardRow(
            supplier_id=pk, supplier_name=name, shipments=ship.get("shipments", 0), on_time=ship.get("on_time", 0),
            avg_hours=_hours(ship.get("avg_duration")), dispatched_units=units.get(pk) or 0,
            ticketed_units=ticketed.get(pk) or 0, compensation=cash.get("compensation") or Decimal("0.00"),
            charge_backs=cash.get("charge_backs") or Decimal("0.00"), disputes=disputes.get(pk, 0)))
    return rows

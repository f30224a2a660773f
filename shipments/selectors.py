"""Reads of shipments shared by the pages, the API, the order page and the home queue.

The open quantity of an order line: the shipment services read it here (`order_lines_with_open_quantity`,
held units by `HOLDING_UNITS`); the order page and the orders API read `orders.selectors.lines_with_open_quantity`
(the orders API may not import shipments), which names the same states; both end in
`orders.selectors.with_open_quantity`."""

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from orders.models import OrderLine
from orders.selectors import with_open_quantity

from .deadlines import with_deadline
from .models import (
    AWAITING_APPROVAL,
    DELIVERED_OR_LATER,
    DISPATCHED_OR_LATER,
    HOLDING_UNITS,
    S,
    Shipment,
    ShipmentLine,
    ShipmentPurpose,
)


def held_units_subquery(outer="pk", *, exclude_shipment=None):
    """Units of an order line (OuterRef `outer`) on its sale shipments that are not rejected or
    cancelled — drafts count (DESIGN.md, "Order": open quantity)."""
    qs = ShipmentLine.objects.filter(
        order_line=OuterRef(outer), shipment__purpose=ShipmentPurpose.SALE, shipment__state__in=HOLDING_UNITS,
    )
    if exclude_shipment is not None:
        qs = qs.exclude(shipment=exclude_shipment)
    return Subquery(qs.order_by().values("order_line").annotate(n=Sum("quantity")).values("n"),
                    output_field=IntegerField())


def order_lines_with_open_quantity(order_id, *, exclude_shipment=None):
    """The order's lines (product included), each annotated `held` and `open_quantity` (ordered −
    closed-short − held), in line order."""
    held = Coalesce(held_units_subquery(exclude_shipment=exclude_shipment), Value(0))
    return with_open_quantity(
        OrderLine.objects.filter(order_id=order_id).select_related("product", "product__default_supplier")
        .annotate(held=held).order_by("id"))


def dispatched_units_by_order_line(order_id):
    """{order line id: units on its SALE shipments in dispatched or later states} for one order's lines
    (lines with none dispatched are left out). After-sales reads it for the returnable quantity."""
    rows = (ShipmentLine.objects.filter(order_line__order_id=order_id, shipment__purpose=ShipmentPurpose.SALE,
                                        shipment__state__in=DISPATCHED_OR_LATER)
            .order_by().values("order_line_id").annotate(n=Sum("quantity")).values_list("order_line_id", "n"))
    return {line_id: int(units) for line_id, units in rows}


def fulfilment_totals(order_id):
    """Per order line: (ordered less closed-short, dispatched, delivered, received) units on its SALE
    shipments. Exchange and reship shipments never count. One query. Line order = order line id."""
    return fulfilment_totals_by_order([order_id]).get(order_id, [])


def fulfilment_totals_by_order(order_ids):
    """{order id: fulfilment_totals of that order} for several orders (a bulk dispatch), one query."""
    order_ids = sorted(set(order_ids))
    if not order_ids:
        return {}

    def units(states):
        sale = Q(shipment_lines__shipment__purpose=ShipmentPurpose.SALE,
                 shipment_lines__shipment__state__in=[str(state) for state in states])
        return Coalesce(Sum("shipment_lines__quantity", filter=sale), 0)

    rows = (OrderLine.objects.filter(order_id__in=order_ids)
            .annotate(wanted=F("quantity") - F("closed_short_quantity"), dispatched=units(DISPATCHED_OR_LATER),
                      delivered=units(DELIVERED_OR_LATER), received=units([S.RECEIVED]))
            .order_by("order_id", "id").values_list("order_id", "wanted", "dispatched", "delivered", "received"))
    totals = {}
    for order_id, *values in rows:
        totals.setdefault(order_id, []).append(tuple(int(value) for value in values))
    return totals


def shipment_list():
    """Every shipment with what a list row shows (dispatch deadline included), newest first."""
    return with_deadline(Shipment.objects.select_related("order", "order__store", "supplier", "warehouse",
                                                         "carrier", "entered_by")).order_by("-id")


def _in_detail():
    lines = ShipmentLine.objects.select_related("order_line", "order_line__product").order_by("id")
    return (Shipment.objects.select_related("order", "order__store", "supplier", "warehouse", "carrier",
                                            "entered_by", "approved_by")
            .prefetch_related(Prefetch("lines", queryset=lines)))


def shipment_detail(pk):
    """One shipment as its page shows it, with its dispatch deadline (shipments.deadlines)."""
    return with_deadline(_in_detail()).get(pk=pk)


def shipments_in_detail(ids):
    """{pk: shipment} as shipment_detail loads one, for several (a bulk API answer)."""
    return _in_detail().in_bulk(list(ids))


def shipments_of_order(order):
    return list(Shipment.objects.filter(order=order).select_related("supplier", "warehouse", "carrier")
                .prefetch_related("lines").order_by("id"))


def shipments_awaiting_approval_for(user, *, limit=10):
    """Submitted shipments the user may approve: not entered by them (the approver's home queue)."""
    return list(Shipment.objects.filter(state=S.SUBMITTED).exclude(entered_by=user)
                .select_related("order", "order__store", "entered_by").order_by("id")[:limit])


def approval_queue_for(user):
    """Submitted shipments the user may approve (not their own entries) with what a queue row shows
    (order, store, warehouse or supplier, who entered it, line count and units), oldest first. Counts
    are correlated subqueries: no GROUP BY over the whole queue."""
    lines = ShipmentLine.objects.filter(shipment=OuterRef("pk")).order_by().values("shipment")
    return (
        Shipment.objects.filter(state=S.SUBMITTED).exclude(entered_by=user)
        .select_related("order", "order__store", "warehouse", "supplier", "entered_by")
        .annotate(line_count=Subquery(lines.annotate(n=Count("*")).values("n"), output_field=IntegerField()),
                  units=Subquery(lines.annotate(n=Sum("quantity")).values("n"), output_field=IntegerField()))
        .order_by("id")
    )


def shipments_awaiting_dispatch(*, warehouse=None):
    """Approved or picking company dispatches, oldest first (the warehouse queue)."""
    qs = (Shipment.objects.filter(kind="company_dispatch", state__in=[S.APPROVED, S.PICKING])
          .select_related("order", "order__store", "warehouse").order_by("approved_at", "id"))
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    return qs


def awaiting_approval_q():
    return Q(state__in=AWAITING_APPROVAL)

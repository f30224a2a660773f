"""After-sales analysis 售后分析 (DESIGN.md, "Reports"): tickets and their rate (ticketed units per 100
dispatched units) by product, supplier, store, reason and type; compensation split manufacturer vs seller;
refund totals.

A ticket counts in the period it was registered in, unless rejected. The rate's dispatched units are those
dispatched in the same period (reports/shipping.py), grouped the same way: by the line's product, the
document's supplier (a ticket's supplier bears it; a drop-ship's supplier shipped it) or store. Reason and
type have no dispatched units of their own: their rate is over all units dispatched in the period.
Every figure is an aggregate in the database, one or two queries per chart."""

from django.db.models import Count, Q, Sum
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.models import REFUND_TYPES, Ticket, TicketLine, TicketReason, TicketState, TicketType
from core.replica import reading_replica

from .charts import INT, MONEY, PERCENT, Chart, ChartRow
from .shipping import dispatched_units, share

TOP_PRODUCTS = 20
HEADERS = [_("Tickets"), _("Ticketed units"), _("Dispatched units"), _("After-sales rate (%)")]
FORMATS = (INT, INT, INT, PERCENT)


def counted_tickets(f):
    """Tickets registered in the period (rejected ones left out), narrowed by the filters."""
    tickets = reading_replica(Ticket.objects).filter(created_at__gte=f.start(), created_at__lt=f.end()).exclude(
        state=TicketState.REJECTED)
    if f.store:
        tickets = tickets.filter(store=f.store)
    if f.supplier:
        tickets = tickets.filter(supplier=f.supplier)
    if f.product:
        tickets = tickets.filter(pk__in=TicketLine.objects.filter(order_line__product=f.product).values("ticket_id"))
    return tickets.order_by()


def ticket_lines(f):
    lines = reading_replica(TicketLine.objects).filter(ticket__in=counted_tickets(f))
    if f.product:
        lines = lines.filter(order_line__product=f.product)
    return lines.order_by()


def ticket_list_url(f, **params):
    query = QueryDict(mutable=True)
    query["registered_from"], query["registered_to"] = f.date_from.isoformat(), f.date_to.isoformat()
    for name in ("store", "supplier", "product"):
        value = getattr(f, name)
        if value is not None:
            query[name] = value.pk
    for name, value in params.items():
        query[name] = value
    return f"{reverse('aftersales:ticket_list')}?{query.urlencode()}"


def _rate_chart(f, *, id, title, label_header, ticket_key, shipped_key, label, param, limit=None, labels=None,
                total_dispatched=None):
    """Tickets and units grouped by `ticket_key` (a TicketLine path), beside the units dispatched grouped by
    `shipped_key` (a ShipmentLine path; None: the period's total)."""
    grouped = (ticket_lines(f).values(ticket_key, *([label] if label else []))
               .annotate(tickets=Count("ticket", distinct=True), units=Sum("quantity")).order_by("-units", ticket_key))
    if limit:
        grouped = grouped[:limit]
    shipped = {}
    if shipped_key:
        shipped = dispatched_units(f, shipped_key)
    rows = []
    for row in grouped:
        key = row[ticket_key]
        name = row[label] if label else (labels or {}).get(key, key)
        dispatched = shipped.get(key, 0) if shipped_key else total_dispatched
        values = [row["tickets"], row["units"] or 0, dispatched or 0, share(row["units"] or 0, dispatched)]
        url = ticket_list_url(f, **({param: key} if key is not None else {}))
        rows.append(ChartRow(str(name if name is not None else _("(none)")), values, url))
    return Chart(id=id, title=title, label_header=label_header, headers=HEADERS, rows=rows, series=(0, 1),
                 formats=FORMATS)


def compensation(f):
    totals = counted_tickets(f).aggregate(
        manufacturer=Sum("manufacturer_amount", filter=Q(compensate=True)),
        seller=Sum("seller_amount", filter=Q(compensate=True)),
        tickets=Count("id", filter=Q(compensate=True)))
    url = ticket_list_url(f)
    rows = [ChartRow(str(_("Manufacturer compensation")), [totals["manufacturer"] or 0], url),
            ChartRow(str(_("Seller compensation")), [totals["seller"] or 0], url)]
    if not totals["tickets"]:
        rows = []
    return Chart(id="compensation", title=_("Compensation: manufacturer vs seller"), label_header=_("Borne by"),
                 headers=[_("Amount")], rows=rows, kind="pie", formats=(MONEY,))


def refunds(f):
    labels = dict(TicketType.choices)
    rows = [ChartRow(str(labels[row["type"]]), [row["tickets"], row["amount"]], ticket_list_url(f, type=row["type"]))
            for row in counted_tickets(f).filter(type__in=REFUND_TYPES, refund_amount__isnull=False)
            .values("type").annotate(tickets=Count("id"), amount=Sum("refund_amount")).order_by("type")]
    return Chart(id="refunds", title=_("Refunds recorded"), label_header=_("Type"),
                 headers=[_("Tickets"), _("Refund total")], rows=rows, series=(1,), formats=(INT, MONEY))


def aftersales_charts(f):
    total_dispatched = dispatched_units(f)
    return [
        _rate_chart(f, id="by-product", title=_("By product"), label_header=_("Product"),
                    ticket_key="order_line__product", shipped_key="order_line__product",
                    label="order_line__product__sku", param="product", limit=TOP_PRODUCTS),
        _rate_chart(f, id="by-supplier", title=_("By supplier"), label_header=_("Supplier"),
                    ticket_key="ticket__supplier", shipped_key="shipment__supplier", label="ticket__supplier__name",
                    param="supplier"),
        _rate_chart(f, id="by-store", title=_("By store"), label_header=_("Store"), ticket_key="ticket__store",
                    shipped_key="shipment__order__store", label="ticket__store__name", param="store"),
        _rate_chart(f, id="by-reason", title=_("By reason"), label_header=_("Reason"), ticket_key="ticket__reason",
                    shipped_key=None, label=None, param="reason", labels=dict(TicketReason.choices),
                    total_dispatched=total_dispatched),
        _rate_chart(f, id="by-type", title=_("By type"), label_header=_("Type"), ticket_key="ticket__type",
                    shipped_key=None, label=None, param="type", labels=dict(TicketType.choices),
                    total_dispatched=total_dispatched),
        compensation(f),
        refunds(f),
    ]

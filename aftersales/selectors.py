"""Reads of after-sales tickets shared by the pages, the API, the home queues and the order page."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, Case, Exists, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from .models import OPEN_STATES, Ticket, TicketAttachment, TicketLine, TicketNote, TicketState


def overdue_cutoff():
    return timezone.now() - timedelta(days=settings.AFTERSALES_SLA_DAYS)


def overdue_q():
    """Open longer than the after-sales SLA (settings.AFTERSALES_SLA_DAYS)."""
    return Q(state__in=OPEN_STATES, created_at__lt=overdue_cutoff())


def ticket_list():
    """Every ticket with what a list row shows, newest first; `overdue` annotated."""
    return (
        Ticket.objects.select_related("order", "store", "supplier", "handler")
        .annotate(overdue=Case(When(overdue_q(), then=Value(True)), default=Value(False),
                               output_field=BooleanField()))
        .order_by("-created_at", "-id")
    )


def note_matches(term):
    """Exists(a note of the ticket containing `term`) — the list's search also reads the notes."""
    return Exists(TicketNote.objects.filter(ticket=OuterRef("pk"), text__icontains=term))


def ticket_detail(pk):
    """One ticket with its order, lines (products), notes (authors, attachments)."""
    notes = TicketNote.objects.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=TicketAttachment.objects.order_by("id"))).order_by("created_at", "id")
    return (
        Ticket.objects.select_related("order", "order__store", "store", "supplier", "handler", "registered_by",
                                      "approved_by", "return_carrier", "return_warehouse", "outbound_shipment")
        .prefetch_related(Prefetch("lines", queryset=TicketLine.objects.select_related("order_line__product")),
                          Prefetch("notes", queryset=notes))
        .get(pk=pk)
    )


def tickets_for_order(order, *, exclude=None):
    """The order's tickets, oldest first (the order page's after-sales section, a ticket's reference)."""
    qs = Ticket.objects.filter(order_id=getattr(order, "pk", order)).select_related("handler").order_by("created_at",
                                                                                                        "id")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs)


def supplier_entries_for(ticket):
    """The ticket's supplier account entries, each with its reconciliation status and date.

    Uses `reconciliation.selectors.reconciliation_status_for` when it exists; until then reads the
    entries' statement and reconciliation date through the generic link."""
    from reconciliation.models import SupplierAccountEntry

    if ticket.pk is None:
        return []
    entries = list(SupplierAccountEntry.objects.filter(
        source_type=ContentType.objects.get_for_model(Ticket), source_id=ticket.pk,
    ).select_related("statement").order_by("id"))
    for entry in entries:
        entry.is_reconciled = entry.reconciled_on is not None
    return entries


def reconciliation_status(ticket):
    """The check-status section's reconciliation part: {status, date, entries}. status is 'none' (no
    supplier entries), 'reconciled' (every entry reconciled; date = the latest reconciliation date, from
    `reconciliation.selectors.reconciliation_status_for`), 'on_statement' or 'unreconciled'."""
    from reconciliation.selectors import reconciliation_status_for

    entries = supplier_entries_for(ticket)
    if not entries:
        return {"status": "none", "date": None, "entries": entries}
    reconciled, date = reconciliation_status_for(ticket)
    if reconciled:
        return {"status": "reconciled", "date": date, "entries": entries}
    if all(e.statement_id for e in entries):
        return {"status": "on_statement", "date": None, "entries": entries}
    return {"status": "unreconciled", "date": None, "entries": entries}


def order_shipments(order):
    """The order's shipments (reference section); empty until the shipments app has any."""
    try:
        from shipments.models import Shipment
    except ImportError:  # pragma: no cover
        return []
    return list(Shipment.objects.filter(order_id=order.pk).select_related("supplier", "warehouse", "carrier")
                .order_by("id"))


def open_tickets_for_handler(user, *, limit=10):
    """The handler's open tickets, oldest (most overdue) first — the home page's queue."""
    return list(Ticket.objects.filter(handler=user, state__in=OPEN_STATES).select_related("order")
                .order_by("created_at", "id")[:limit])


def tickets_awaiting_approval(user, *, limit=10):
    """Submitted tickets the user may decide on (not registered by the user), oldest first."""
    return list(Ticket.objects.filter(state=TicketState.SUBMITTED).exclude(registered_by=user)
                .select_related("order").order_by("created_at", "id")[:limit])


def returns_awaiting_receipt(*, limit=10):
    """Tickets waiting for goods to arrive in a warehouse (the warehouse's queue)."""
    return list(Ticket.objects.filter(state=TicketState.AWAITING_RETURN, return_destination="warehouse")
                .select_related("order", "return_warehouse").order_by("created_at", "id")[:limit])


# ---- what the form prefills: supplier prices and the supplier ------------------------------------------

def supplier_unit_prices(order_lines):
    """{order line id: supplier unit price}: the agreed price of the line's latest drop-ship sale shipment
    line where there is one, else the product's supplier unit cost."""
    from shipments.models import ShipmentLine

    prices = {line.pk: line.product.supplier_unit_cost for line in order_lines}
    agreed = (ShipmentLine.objects.filter(order_line_id__in=list(prices), supplier_unit_price__isnull=False,
                                          shipment__purpose="sale")
              .exclude(shipment__state__in=("rejected", "cancelled"))
              .order_by("order_line_id", "id").values_list("order_line_id", "supplier_unit_price"))
    prices.update(dict(agreed))  # the latest line of each order line wins
    return prices


def default_charge_back_amount(lines):
    """Returned quantity × supplier unit price over the lines (see supplier_unit_prices)."""
    prices = supplier_unit_prices([order_line for order_line, _quantity in lines])
    total = sum((quantity * prices[order_line.pk] for order_line, quantity in lines), Decimal("0.00"))
    return total.quantize(Decimal("0.01"))


def prefill_supplier(order, order_lines=None):
    """The supplier to prefill: the drop-ship supplier of the order's shipments if there is one, else
    the default supplier of the (chosen) lines' products."""
    try:
        from shipments.models import Shipment, ShipmentKind

        supplier_id = (Shipment.objects.filter(order=order, kind=ShipmentKind.DROP_SHIP)
                       .exclude(supplier__isnull=True).order_by("-id").values_list("supplier_id", flat=True).first())
    except (ImportError, LookupError):  # pragma: no cover - shipments not installed
        supplier_id = None
    if supplier_id:
        from catalog.models import Supplier
        return Supplier.objects.get(pk=supplier_id)
    lines = order_lines if order_lines is not None else list(order.lines.select_related("product__default_supplier"))
    for line in lines:
        return line.product.default_supplier
    return None

"""Dispatch notes 出库单 and the warehouse queue (DESIGN.md, "Shipment": warehouse `start_picking`
prints the dispatch note, on demand or in a batch → `picking`).

- The queue: approved and picking company dispatches (`warehouse_queue`), oldest approval first.
- Printing: `print_dispatch_notes` (a batch) and `print_dispatch_note` (one note on demand), both a POST
  → a PdfJob rendered by the worker with progress (never rendered in the request). Both first move the approved
  shipments among them to `picking` through `shipments.dispatching.start_picking_many`, in one transaction;
  shipments already picking are printed again as they are. Only who may start picking (warehouse) may
  print.
- The PDF document kind "dispatch_notes" (registered in ShipmentsConfig.ready() via `register`):
  parameters {"shipment_ids": [...], "layout": "a4" | "label"}; one slip per shipment, laid out
  core.pdf.render_many's chunk (80) slips per WeasyPrint render and merged.

A slip: seller (settings.SELLER_NAME), store, order no., shipment no. with its QR code (segno, an SVG
data URI), warehouse, recipient, phone and address, lines (SKU, product, quantity), carrier and
tracking no. (blank lines to fill in while not dispatched yet). Two layouts: A4, and the 100×150 mm
thermal label.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.pdf import register_document, request_pdf_job

from .models import S, Shipment, ShipmentKind, ShipmentLine

DOCUMENT_KIND = "dispatch_notes"
LAYOUTS = {
    "a4": ("pdf/dispatch_note_a4.html", gettext_lazy("A4")),
    "label": ("pdf/dispatch_note_label.html", gettext_lazy("Thermal label 100 × 150 mm")),
}
DEFAULT_LAYOUT = "a4"
PRINTABLE_STATES = (S.APPROVED, S.PICKING)
PRINT_PERMISSION = "shipments.start_picking_shipment"
MAX_BATCH = 2000  # one job; ~0.02–0.05 s per slip, so a few minutes at most
ID_CHUNK = 500


# ---- the queue ------------------------------------------------------------------------------------

def warehouse_queue():
    """Approved and picking company dispatches with what a queue row shows (order, store, warehouse,
    line count and units), oldest approval first. Counts are correlated subqueries: no GROUP BY over
    the whole queue."""
    lines = ShipmentLine.objects.filter(shipment=OuterRef("pk")).order_by().values("shipment")
    return (
        Shipment.objects.filter(kind=ShipmentKind.COMPANY_DISPATCH, state__in=PRINTABLE_STATES)
        .select_related("order", "order__store", "warehouse")
        .annotate(line_count=Subquery(lines.annotate(n=Count("*")).values("n"), output_field=IntegerField()),
                  units=Subquery(lines.annotate(n=Sum("quantity")).values("n"), output_field=IntegerField()))
        .order_by("approved_at", "id")
    )


def may_print(user):
    return bool(user and user.is_authenticated and user.has_perm(PRINT_PERMISSION))


# ---- printing (writes) ----------------------------------------------------------------------------

def _clean_layout(layout):
    layout = layout or DEFAULT_LAYOUT
    if layout not in LAYOUTS:
        raise ValidationError({"layout": [_("Pick the A4 or the thermal-label layout.")]})
    return layout


def start_picking_for_print(*, shipment_ids, actor):
    """Move the approved ones of `shipment_ids` to picking (shipments.dispatching.start_picking_many, one
    statement for them all) and return (printable ids in the given order, [(shipment number, reason)
    skipped]). Call inside a transaction: the rows are locked as they are read, so what is sorted out
    here is what gets moved."""
    from .dispatching import start_picking_many

    if not may_print(actor):
        raise PermissionDenied(_("Only the warehouse may print dispatch notes."))
    wanted = []
    for pk in shipment_ids:
        pk = int(pk)
        if pk not in wanted:
            wanted.append(pk)
    if not wanted:
        raise ValidationError(_("Tick at least one shipment."))
    if len(wanted) > MAX_BATCH:
        raise ValidationError(_("At most %(n)d dispatch notes per print run.") % {"n": MAX_BATCH})
    found = {}
    for start in range(0, len(wanted), ID_CHUNK):
        found.update({s.pk: s for s in Shipment.objects.filter(pk__in=wanted[start:start + ID_CHUNK])
                      .order_by("pk").select_for_update()})
    printable, skipped, to_pick = [], [], []
    for pk in wanted:
        shipment = found.get(pk)
        if shipment is None:
            continue
        if shipment.kind != ShipmentKind.COMPANY_DISPATCH or shipment.state not in PRINTABLE_STATES:
            skipped.append((shipment.number, _("%(state)s, not in the warehouse queue")
                            % {"state": shipment.get_state_display()}))
            continue
        if shipment.state == S.APPROVED:
            to_pick.append(shipment)
        printable.append(pk)
    start_picking_many(to_pick, actor=actor, comment=_("Dispatch note printed"))
    return printable, skipped


def print_dispatch_notes(*, shipment_ids, layout=DEFAULT_LAYOUT, actor):
    """Print many dispatch notes as one PDF: approved shipments move to picking, then a PdfJob is
    queued (rendered by the worker once committed). Returns (job, skipped)."""
    layout = _clean_layout(layout)
    with transaction.atomic():
        printable, skipped = start_picking_for_print(shipment_ids=shipment_ids, actor=actor)
        if not printable:
            raise ValidationError(_("None of the ticked shipments can be printed: %(why)s")
                                  % {"why": "; ".join(f"{no}: {why}" for no, why in skipped)})
        job = request_pdf_job(kind=DOCUMENT_KIND, parameters={"shipment_ids": printable, "layout": layout},
                              actor=actor)
    return job, skipped


def print_dispatch_note(shipment, *, actor, layout=DEFAULT_LAYOUT):
    """One dispatch note on demand: the same path as a print run of one (an approved shipment moves to
    picking, the PdfJob queued in that transaction and rendered by the worker). Returns the job; raises
    ValidationError naming why a shipment cannot be printed."""
    layout = _clean_layout(layout)
    with transaction.atomic():
        printable, skipped = start_picking_for_print(shipment_ids=[shipment.pk], actor=actor)
        if not printable:
            raise ValidationError(_("Shipment %(no)s cannot be printed: %(why)s")
                                  % {"no": shipment.number, "why": skipped[0][1] if skipped else "?"})
        return request_pdf_job(kind=DOCUMENT_KIND, parameters={"shipment_ids": printable, "layout": layout},
                               actor=actor)


# ---- the document ---------------------------------------------------------------------------------

def qr_data_uri(text):
    """A QR code of `text` as an SVG data URI (vector: sharp on a thermal printer at any size)."""
    import segno

    return segno.make_qr(text, error="m").svg_data_uri(scale=1, border=2)


def slip_contexts(shipment_ids):
    """One context per shipment (in the given order; unknown ids skipped), with 3 queries per 500."""
    seller = settings.SELLER_NAME
    printed_at = timezone.localtime()
    ids = [int(pk) for pk in shipment_ids]
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        shipments = (Shipment.objects.filter(pk__in=chunk)
                     .select_related("order", "order__store", "warehouse", "carrier").in_bulk())
        lines = {}
        for line in (ShipmentLine.objects.filter(shipment_id__in=chunk).select_related("order_line__product")
                     .order_by("shipment_id", "id")):
            lines.setdefault(line.shipment_id, []).append(line)
        for pk in chunk:
            shipment = shipments.get(pk)
            if shipment is None:
                continue
            yield slip_context(shipment, lines.get(pk, []), seller=seller, printed_at=printed_at)


def slip_context(shipment, lines, *, seller, printed_at):
    order = shipment.order
    return {
        "seller_name": seller,
        "store": order.store.name,
        "order_no": order.external_order_no,
        "shipment_no": shipment.number,
        "qr": qr_data_uri(shipment.number),
        "warehouse": shipment.warehouse.name if shipment.warehouse_id else "",
        "recipient_name": order.recipient_name,
        "recipient_phone": order.recipient_phone,
        "recipient_address": order.recipient_address,
        "carrier": shipment.carrier.name if shipment.carrier_id else "",
        "tracking_number": shipment.tracking_number,
        "purpose": shipment.get_purpose_display() if shipment.purpose != "sale" else "",
        "lines": [{"sku": line.order_line.product.sku, "name": line.order_line.product.name,
                   "quantity": line.quantity} for line in lines],
        "total_quantity": sum(line.quantity for line in lines),
        "printed_at": printed_at,
    }


def build_dispatch_notes(job):
    """core.pdf builder: job.parameters {"shipment_ids": [...], "layout": "a4" | "label"}."""
    parameters = job.parameters or {}
    layout = parameters.get("layout") or DEFAULT_LAYOUT
    template_name = LAYOUTS.get(layout, LAYOUTS[DEFAULT_LAYOUT])[0]
    yield template_name, list(slip_contexts(parameters.get("shipment_ids") or []))


def register():
    register_document(DOCUMENT_KIND, build_dispatch_notes, label=gettext_lazy("Dispatch notes"))

"""Who is told when a shipment is cancelled (DESIGN.md, "Shipment": cancelling an approved shipment tells
whoever was already asked to act on it, in the same transaction).

Only shipments that were approved (or picking) had anybody asked to act: before approval nobody outside
the entry and approval desks knows of them, so cancelling a draft, submitted or rejected one tells no one.
- A company dispatch: approval told the warehouse staff (the `warehouse` role). Each of them is told it
  is cancelled; whoever holds a printed dispatch note of it — who started picking it (a print run or the
  on-demand note moves it to picking, and the transition log keeps who did) or requested a print-run job
  that contains it — is told to discard the note and put the goods back.
- A drop-ship: approval told the supplier's contact — its active portal users, or, without one, the
  salesperson who entered it was asked to pass it on. The same people are told now.
The person cancelling is not told of their own act.

Every row is written by `notifications.services.notify` in the caller's transaction, so a cancellation
that rolls back tells nobody, and one that commits cannot lose its notices."""

from django.contrib.contenttypes.models import ContentType

from accounts.roles import Role
from accounts.selectors import users_in_role
from core.models import PdfJob, TransitionLog
from notifications.services import notify

from . import messages
from .dispatch_notes import DOCUMENT_KIND
from .models import APPROVED_NOT_DISPATCHED, Shipment, ShipmentKind


def _printed_by(shipments):
    """{shipment id: {user ids holding a printed dispatch note of it}}: who moved it to picking (the
    transition log) and who requested a print-run job containing it (jobs since the earliest approval)."""
    ids = {s.pk for s in shipments}
    printed = {pk: set() for pk in ids}
    if not ids:
        return printed
    logs = TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(Shipment),
                                        object_id__in=[str(pk) for pk in ids], transition="start_picking",
                                        actor__isnull=False).values_list("object_id", "actor_id")
    for object_id, actor_id in logs:
        printed[int(object_id)].add(actor_id)
    approved = [s.approved_at for s in shipments if s.approved_at is not None]
    jobs = PdfJob.objects.filter(kind=DOCUMENT_KIND)
    if approved:
        jobs = jobs.filter(created_at__gte=min(approved))
    for parameters, user_id in jobs.values_list("parameters", "created_by_id").iterator():
        for pk in (parameters or {}).get("shipment_ids") or ():
            if isinstance(pk, int) and pk in printed:
                printed[pk].add(user_id)
    return printed


def _warehouse_staff():
    return set(users_in_role(Role.WAREHOUSE).values_list("pk", flat=True))


def notify_cancelled(cancelled, *, actor, reason=""):
    """Tell whoever was asked to act on the shipments just cancelled. `cancelled` is [(shipment, state it
    had before the cancellation)]; the shipments' order, warehouse and supplier are read as needed.
    Returns the notifications written."""
    cancelled = [(s, previous) for s, previous in cancelled if previous in APPROVED_NOT_DISPATCHED]
    if not cancelled:
        return []
    actor_id = getattr(actor, "pk", None)
    reason = " ".join(str(reason or "").split())
    rows = []
    company = [s for s, _previous in cancelled if s.kind == ShipmentKind.COMPANY_DISPATCH]
    if company:
        staff = _warehouse_staff()
        printed = _printed_by(company)
        for shipment in company:
            holders = printed[shipment.pk] - {actor_id}
            others = staff - holders - {actor_id}
            params = {"no": shipment.number, "order": shipment.order.external_order_no,
                      "warehouse": str(shipment.warehouse), "reason": reason}
            link = shipment.get_absolute_url()
            rows += notify(recipients=sorted(holders), message=messages.CANCELLED_PRINTED, params=params,
                           link=link, event="shipment.cancelled_printed")
            rows += notify(recipients=sorted(others), message=messages.CANCELLED, params=params, link=link,
                           event="shipment.cancelled")
    for shipment, _previous in cancelled:
        if shipment.kind != ShipmentKind.DROP_SHIP:
            continue
        rows += _tell_supplier(shipment, actor_id=actor_id, reason=reason)
    return rows


def _tell_supplier(shipment, *, actor_id, reason):
    """The supplier's contact, as approval asked them (`approval._notify_supplier`): its active portal
    users, or the salesperson who entered the drop-ship, to pass it on (contact shown)."""
    supplier = shipment.supplier
    params = {"no": shipment.number, "order": shipment.order.external_order_no,
              "name": shipment.order.recipient_name, "reason": reason}
    portal_users = set(supplier.portal_users.filter(is_active=True).values_list("pk", flat=True)) - {actor_id}
    if portal_users:
        return notify(recipients=sorted(portal_users), message=messages.SUPPLIER_CANCELLED, params=params,
                      event="shipment.supplier_cancelled")
    if supplier.portal_users.filter(is_active=True).exists():
        return []  # the only portal user cancelled it
    contact = ", ".join(x for x in (supplier.contact_name, supplier.contact_phone, supplier.contact_email) if x)
    return notify(recipients=[shipment.entered_by_id], message=messages.SUPPLIER_CANCEL_TO_TELL,
                  params={**params, "supplier": str(supplier), "contact": contact},
                  link=shipment.get_absolute_url(), event="shipment.supplier_cancel_to_tell")

"""Approval of shipments (DESIGN.md, "Shipment"): submit, approve (one or the ticked ones: a company
dispatch reserves its stock and tells the warehouse; a drop-ship tells the supplier's contact), reject
with a reason, reopen a rejected one. Never one's own entry. Each step is one transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from core.transitions import perform, perform_many
from inventory.services import InsufficientStock, ReservationRequest, reserve
from notifications.services import RoleMessage, notify, notify_role_many

from . import messages, selectors
from .entry import line_label
from .fulfilment import finish_transition
from .locking import group_lines, lines_of, lock_shipment, lock_shipments
from .models import S, ShipmentKind, ShipmentLine, ShipmentPurpose


def submit_shipment(shipment, *, actor, comment=""):
    with transaction.atomic():
        order, shipment = lock_shipment(shipment, order=False)
        perform(shipment, "submit", actor=actor, comment=comment)
        return finish_transition(order, shipment, actor=actor)


def _notify_supplier(shipment, lines):
    """Approval of a drop-ship tells the supplier's contact: portal users get the notification (inbox +
    e-mail); without one, the salesperson who entered it is told to pass it on (contact shown)."""
    supplier = shipment.supplier
    order = shipment.order
    params = {"no": shipment.number, "order": order.external_order_no, "name": order.recipient_name,
              "phone": order.recipient_phone, "address": order.recipient_address,
              "lines": ", ".join(f"{line.order_line.product.sku} × {line.quantity}" for line in lines[:20])}
    portal_users = list(supplier.portal_users.filter(is_active=True).values_list("pk", flat=True))
    if portal_users:
        notify(recipients=portal_users, message=messages.SUPPLIER_ASKED, params=params,
               event="shipment.supplier_asked")
        return _("Supplier notified (portal users).")
    contact = ", ".join(x for x in (supplier.contact_name, supplier.contact_phone, supplier.contact_email) if x)
    notify(recipients=[shipment.entered_by_id], message=messages.SUPPLIER_TO_TELL,
           params={**params, "supplier": str(supplier), "contact": contact},
           link=shipment.get_absolute_url(), event="shipment.supplier_to_tell")
    return _("Supplier has no portal user: %(who)s asked to tell the contact (%(contact)s).") % {
        "who": shipment.entered_by, "contact": contact or _("none on file")}


def approve_shipment(shipment, *, actor, comment=""):
    """Approve one shipment: `approve_shipments` for one."""
    return approve_shipments([shipment], actor=actor, comment=comment)[0]


def approve_shipments(shipments, *, actor, comment=""):
    """Approve submitted shipments — one, or the ticked ones of the approval queue — all or nothing:
    never one's own entry (→ PermissionDenied naming it). Company dispatches reserve their stock
    (refused with the shortfall per product → ValidationError) and warehouse staff are told of each;
    each drop-ship's supplier contact is told. Returns the approved shipments, in the given order."""
    shipments = list(shipments)
    if not shipments:
        return []
    with transaction.atomic():
        _none, shipments = lock_shipments(shipments, orders=False, related=("order", "supplier", "warehouse"))
        for shipment in shipments:
            if actor is not None and shipment.entered_by_id == actor.pk:
                raise PermissionDenied(_("You entered shipment %(no)s; someone else must approve it.")
                                       % {"no": shipment.number})
        company = [s for s in shipments if s.kind == ShipmentKind.COMPANY_DISPATCH]
        drop_ships = [s for s in shipments if s.kind != ShipmentKind.COMPANY_DISPATCH]
        # A company dispatch needs each line's product id only (one join, no model per related row).
        company_lines = group_lines(
            ShipmentLine.objects.filter(shipment__in=[s.pk for s in company])
            .annotate(product_id=F("order_line__product_id")).order_by("id")) if company else {}
        drop_ship_lines = group_lines(lines_of(drop_ships)) if drop_ships else {}
        perform_many(shipments, "approve", actor=actor, comment=comment,
                     update_fields=["approved_by", "approved_at"])
        if company:
            try:
                reserve(requests=[ReservationRequest(product_id=line.product_id,
                                                     warehouse_id=shipment.warehouse_id, quantity=line.quantity,
                                                     source=line)
                                  for shipment in company for line in company_lines.get(shipment.pk, [])],
                        actor=actor)
            except InsufficientStock as exc:
                raise ValidationError({"lines": [
                    _("Not enough stock to reserve: %(shortfall)s") % {"shortfall": s} for s in exc.shortfalls
                ]}) from exc
            _notify_warehouse(company, company_lines)
        for shipment in drop_ships:
            _notify_supplier(shipment, drop_ship_lines.get(shipment.pk, []))
        return shipments


def _notify_warehouse(shipments, lines):
    """Warehouse staff learn of each approved company dispatch (the same message whether it was approved
    alone or among the ticked ones), all written by one statement."""
    notify_role_many("warehouse", [
        RoleMessage(messages.READY_TO_PICK, {"no": shipment.number, "warehouse": str(shipment.warehouse),
                                             "order": shipment.order.external_order_no,
                                             "n": len(lines.get(shipment.pk, []))},
                    link=reverse("shipments:shipment_detail", args=[shipment.pk]))
        for shipment in shipments
    ], event="shipment.approved")


def reject_shipment(shipment, *, actor, reason):
    """Reject with a reason (required); never one's own entry. The entrant may take it back to draft."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Say why the shipment is rejected.")]})
    with transaction.atomic():
        order, shipment = lock_shipment(shipment, order=False)
        if actor is not None and shipment.entered_by_id == actor.pk:
            raise PermissionDenied(_("You entered shipment %(no)s; someone else must reject it.")
                                   % {"no": shipment.number})
        perform(shipment, "reject", actor=actor, comment=reason, update_fields=["rejection_reason"])
        notify(recipients=[shipment.entered_by_id], message=messages.REJECTED,
               params={"no": shipment.number, "reason": reason},
               link=shipment.get_absolute_url(), event="shipment.rejected")
        return finish_transition(order, shipment, actor=actor)


def reopen_shipment(shipment, *, actor, comment=""):
    """A rejected shipment back to draft (to correct and resubmit). Its units count again, so the
    open quantities are checked again under the order lock. An exchange/reship shipment is never reopened:
    its after-sales ticket enters a replacement, which cancels it (TransitionNotAllowed; the API's 409)."""
    with transaction.atomic():
        order, shipment = lock_shipment(shipment)
        if shipment.purpose != ShipmentPurpose.SALE:
            raise TransitionNotAllowed(_("Shipment %(no)s is an after-sales outbound shipment: a rejected one is "
                                         "never reopened; enter its replacement from the ticket.")
                                       % {"no": shipment.number})
        if shipment.state == S.REJECTED:
            open_by_line = {line.pk: line for line in selectors.order_lines_with_open_quantity(order.pk)}
            problems = []
            for number, line in enumerate(lines_of(shipment), start=1):
                open_quantity = open_by_line[line.order_line_id].open_quantity
                if line.quantity > open_quantity:
                    problems.append(_("%(line)s: %(q)d on this shipment but only %(open)d open — %(excess)d too "
                                      "many.") % {"line": line_label(number, line.order_line), "q": line.quantity,
                                                  "open": open_quantity, "excess": line.quantity - open_quantity})
            if problems:
                raise ValidationError({"lines": problems})
        perform(shipment, "reopen", actor=actor, comment=comment)
        return finish_transition(order, shipment, actor=actor)

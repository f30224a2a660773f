"""Every write to after-sales tickets: registering and editing, the transitions (with what each implies:
stock ledger rows, supplier account entries, notifications, the order's after-sales status). What a form
hands in and its validation are in `aftersales.ticket_data`. Notes and their attachments are in `aftersales.notes`; the exchange/reship
outbound shipment and its resolve-on-dispatch in `aftersales.outbound`; the returnable quantity in
`aftersales.returnable`; assigning tickets to a handler in `aftersales.assigning`.

Each function takes keyword-only arguments and the acting user, runs in one `transaction.atomic()`,
runs its transition through `core.transitions.perform` (permission + state checks, transition log)
and finishes by recomputing the order's after-sales status (`sync_order_aftersales_status`)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from accounts.roles import Role
from core.audit import record_event
from core.transitions import perform
from inventory.models import Direction, MoveKind
from inventory.services import StockMove, move_stock
from notifications.services import notify, notify_role
from orders.models import AftersalesStatus, Order
from orders.services import set_aftersales_status
from reconciliation.models import EntryKind, SupplierAccountEntry
from reconciliation.services import EntryDraft, post_supplier_entries

from . import messages
from .models import (
    OPEN_STATES,
    REFUND_TYPES,
    RETURN_TYPES,
    ReturnDestination,
    Ticket,
    TicketLine,
    TicketState,
    TicketType,
)
from .returnable import check_returnable
from .ticket_data import (
    EDITABLE_FIELDS,
    TicketData,
    apply_ticket_data,
    edit_snapshot,
    money_or_error,
    validate_ticket_data,
)

# ---- the order's after-sales status --------------------------------------------------------------------

def derive_aftersales_status(states):
    """none (no ticket) / in_progress (any ticket not resolved, closed or rejected) / resolved."""
    states = list(states)
    if not states:
        return AftersalesStatus.NONE
    if any(state in OPEN_STATES for state in states):
        return AftersalesStatus.IN_PROGRESS
    return AftersalesStatus.RESOLVED


def sync_order_aftersales_status(order):
    """Recompute the order's after-sales status from its tickets and write it (through orders). The
    order row is locked first, so two tickets of one order changing at once cannot leave a stale status:
    the later one reads the earlier one's committed state."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().only("pk", "aftersales_status").get(pk=order.pk)
        status = derive_aftersales_status(Ticket.objects.filter(order_id=order.pk).values_list("state", flat=True))
        set_aftersales_status(locked, status=status)
        order.aftersales_status = status
    return status


def register_ticket(*, data: TicketData, actor, notes=""):
    """Register a ticket (state registered) with its lines; the order's after-sales status becomes
    in progress. Raises PermissionDenied without `aftersales.add_ticket`, ValidationError (nothing
    written) when the data is not valid."""
    if actor is None or not actor.has_perm("aftersales.add_ticket"):
        raise PermissionDenied(_("You may not register after-sales tickets."))
    validate_ticket_data(data)
    with transaction.atomic():
        _lock_orders(data.order.pk)
        check_returnable(data.type, data.order, data.lines)
        ticket = Ticket(registered_by=actor)
        apply_ticket_data(ticket, data)
        ticket.save()
        ticket.number = f"AS{ticket.pk:07d}"
        Ticket.objects.filter(pk=ticket.pk).update(number=ticket.number)
        TicketLine.objects.bulk_create(TicketLine(ticket=ticket, order_line=line, quantity=quantity)
                                       for line, quantity in data.lines)
        if data.handler.pk != actor.pk:
            notify(recipients=[data.handler], message=messages.ASSIGNED, params={"no": ticket.number},
                   link=ticket.get_absolute_url(), event="ticket_assigned")
        sync_order_aftersales_status(ticket.order)
    return ticket


def update_ticket(ticket, *, data: TicketData, actor):
    """Change a registered ticket (sales with `aftersales.change_ticket`); its lines are replaced."""
    if actor is None or not actor.has_perm("aftersales.change_ticket"):
        raise PermissionDenied(_("You may not change after-sales tickets."))
    validate_ticket_data(data, ticket=ticket)
    with transaction.atomic():
        ticket = _locked(ticket, also_order=data.order.pk)
        if ticket.state != TicketState.REGISTERED:
            raise ValidationError(_("Only a registered ticket can be changed; this one is %(state)s.")
                                  % {"state": ticket.get_state_display()})
        check_returnable(data.type, data.order, data.lines, ticket=ticket)
        old_order = ticket.order
        before = edit_snapshot(ticket)
        apply_ticket_data(ticket, data)
        ticket.save(update_fields=EDITABLE_FIELDS)
        ticket.lines.all().delete()
        TicketLine.objects.bulk_create(TicketLine(ticket=ticket, order_line=line, quantity=quantity)
                                       for line, quantity in data.lines)
        changed = [name for name, value in edit_snapshot(ticket).items() if before[name] != value]
        record_event(ticket, event="edit", actor=actor, comment=", ".join(changed))
        sync_order_aftersales_status(ticket.order)
        if old_order.pk != ticket.order_id:
            sync_order_aftersales_status(old_order)
    return ticket


# ---- transitions -----------------------------------------------------------------------------------------

def _lock_orders(*order_ids):
    """Lock the orders' rows, in pk order."""
    list(Order.objects.select_for_update().filter(pk__in=set(order_ids)).order_by("pk").values_list("pk", flat=True))


def _locked(ticket, *, also_order=None):
    """Lock the order row (and `also_order`, the order an edit moves the ticket to; both in pk order),
    then the ticket row (the order the shipments app locks in, so a ticket transition and the dispatch of
    its outbound shipment cannot deadlock); return the fresh ticket."""
    _lock_orders(ticket.order_id, *([also_order] if also_order else []))
    return Ticket.objects.select_for_update(of=("self",)).select_related("order", "handler").get(pk=ticket.pk)


def _check_own_lines_returnable(ticket):
    """Submit, approval and the outbound shipment check the ticket's lines against the returnable quantity
    again (the order row is locked by `_locked`): goods dispatched or taken by other tickets since
    registration count. Returns the ticket's lines (with their order lines and products)."""
    ticket_lines = list(ticket.lines.select_related("order_line__product"))
    check_returnable(ticket.type, ticket.order_id, [(line.order_line, line.quantity) for line in ticket_lines],
                     ticket=ticket)
    return ticket_lines


def submit_ticket(ticket, *, actor, comment=""):
    """Submit for approval (sales); the approvers are told."""
    with transaction.atomic():
        ticket = _locked(ticket)
        perform(ticket, "submit", actor=actor, comment=comment)
        _check_own_lines_returnable(ticket)
        notify_role(Role.APPROVER, message=messages.SUBMITTED,
                    params={"no": str(ticket), "type": TicketType(ticket.type).label,
                            "order": ticket.order.external_order_no},
                    link=ticket.get_absolute_url(), event="ticket_submitted")
    return ticket


def _check_not_registrant(ticket, actor):
    if actor is not None and actor.pk == ticket.registered_by_id:
        raise PermissionDenied(_("You registered this ticket; another approver must decide on it."))


def approve_ticket(ticket, *, actor, comment=""):
    """Approve (an approver, never the registrant). The handler is told."""
    with transaction.atomic():
        ticket = _locked(ticket)
        _check_not_registrant(ticket, actor)
        perform(ticket, "approve", actor=actor, comment=comment, update_fields=["approved_by"])
        _check_own_lines_returnable(ticket)
        notify(recipients=[ticket.handler_id], message=messages.APPROVED,
               params={"no": str(ticket), "comment": comment}, link=ticket.get_absolute_url(),
               event="ticket_approved")
        if ticket.type in RETURN_TYPES:
            _expect_return(ticket, actor)
    return ticket


def _expect_return(ticket, actor):
    """An approved return or exchange waits for its goods at once; whoever confirms their receipt is told:
    warehouse staff when they come to a warehouse, the handler when they go back to the manufacturer."""
    perform(ticket, "expect_return", actor=actor)
    if ticket.return_destination == ReturnDestination.WAREHOUSE:
        notify_role(Role.WAREHOUSE, message=messages.RETURN_EXPECTED,
                    params={"no": str(ticket), "warehouse": str(ticket.return_warehouse),
                            "order": ticket.order.external_order_no},
                    link=ticket.get_absolute_url(), event="ticket_awaiting_return")
    else:
        notify(recipients=[ticket.handler_id], message=messages.RETURN_TO_MANUFACTURER, params={"no": str(ticket)},
               link=ticket.get_absolute_url(), event="ticket_awaiting_return")


def reject_ticket(ticket, *, actor, reason):
    """Reject (final; an approver, never the registrant), with a reason. The handler is told."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Say why the ticket is rejected.")]})
    with transaction.atomic():
        ticket = _locked(ticket)
        _check_not_registrant(ticket, actor)
        perform(ticket, "reject", actor=actor, comment=reason, update_fields=["reject_reason"])
        notify(recipients=[ticket.handler_id], message=messages.REJECTED, params={"no": str(ticket), "reason": reason},
               link=ticket.get_absolute_url(), event="ticket_rejected")
        sync_order_aftersales_status(ticket.order)
    return ticket


def start_awaiting_return(ticket, *, actor, comment=""):
    """Approved return or exchange → awaiting the goods (the handler or an approver)."""
    with transaction.atomic():
        ticket = _locked(ticket)
        perform(ticket, "await_return", actor=actor, comment=comment)
    return ticket


def confirm_return_received(ticket, *, actor, comment=""):
    """The goods came back (warehouse; sales when they went back to the manufacturer): in ONE
    transaction the state and receipt status change, return-in ledger rows are written when the
    destination is a warehouse, and the handler is told. If the ledger write fails, nothing happens."""
    with transaction.atomic():
        ticket = _locked(ticket)
        perform(ticket, "receive_return", actor=actor, comment=comment, update_fields=["receipt_status"])
        if ticket.return_destination == ReturnDestination.WAREHOUSE:
            lines = list(ticket.lines.select_related("order_line"))
            move_stock(moves=[
                StockMove(product_id=line.order_line.product_id, warehouse_id=ticket.return_warehouse_id,
                          direction=Direction.IN, quantity=line.quantity, kind=MoveKind.RETURN, source=ticket,
                          reason=_("Return of after-sales ticket %(no)s") % {"no": ticket})
                for line in lines
            ], actor=actor)
        notify(recipients=[ticket.handler_id], message=messages.RETURN_RECEIVED, params={"no": str(ticket)},
               link=ticket.get_absolute_url(), event="ticket_return_received")
    return ticket


def _supplier_drafts(ticket):
    # The description stored is the ticket's number (language-neutral): statements word it in their
    # reader's language from the kind and that number (reconciliation.descriptions).
    drafts = []
    if ticket.supplier_id is None:
        return drafts
    if ticket.compensate and ticket.manufacturer_amount > 0:
        drafts.append(EntryDraft(supplier_id=ticket.supplier_id, kind=EntryKind.MANUFACTURER_COMPENSATION,
                                 amount=-ticket.manufacturer_amount, source=ticket,
                                 description=ticket.number))
    if ticket.charge_back and ticket.charge_back_amount > 0:
        drafts.append(EntryDraft(supplier_id=ticket.supplier_id, kind=EntryKind.CHARGE_BACK,
                                 amount=-ticket.charge_back_amount, source=ticket,
                                 description=ticket.number))
    return drafts


def _post_supplier_entries(ticket, actor):
    """Post the ticket's entries that are not posted yet (the DB's one-kind-once-per-source check is the
    backstop; skipping what exists keeps a retry from failing on it)."""
    drafts = _supplier_drafts(ticket)
    if not drafts:
        return []
    posted = set(SupplierAccountEntry.objects.filter(
        source_type=ContentType.objects.get_for_model(Ticket), source_id=ticket.pk,
    ).values_list("kind", flat=True))
    return post_supplier_entries(entries=[d for d in drafts if d.kind not in posted], actor=actor)


@dataclass
class Refund:
    amount: Decimal | None = None
    date: datetime.date | None = None
    reference: str = ""


def _clean_refund(ticket, refund):
    errors = {}
    refund = refund or Refund()
    if ticket.type not in REFUND_TYPES:
        return Refund()
    amount = money_or_error(refund.amount, "refund_amount", errors, required=True)
    if amount is not None and amount <= 0:
        errors["refund_amount"] = [_("The refund must be above 0.")]
    if not isinstance(refund.date, datetime.date):
        errors["refund_date"] = [_("Enter the date of the refund.")]
    elif refund.date > timezone.localdate():
        errors["refund_date"] = [_("The refund date cannot be in the future.")]
    reference = " ".join(str(refund.reference or "").split())[:100]
    if not reference:
        errors["refund_reference"] = [_("Enter the refund reference (the platform's refund no.).")]
    if errors:
        raise ValidationError(errors)
    return Refund(amount=amount, date=refund.date, reference=reference)


def resolve_ticket(ticket, *, actor, refund: Refund | None = None, comment=""):
    """Resolve a refund-only, return-and-refund or compensation ticket (the handler or an approver):
    records the refund for refund types and posts the supplier account entries (manufacturer
    compensation, charge-back). Idempotent: a retried request on a resolved (or closed) ticket changes
    nothing and posts nothing again; it returns the ticket as it is."""
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.state in (TicketState.RESOLVED, TicketState.CLOSED):
            ticket.was_already_resolved = True
            return ticket
        if not can_proceed(ticket.resolve) or not has_transition_perm(ticket.resolve, actor or AnonymousUser()):
            perform(ticket, "resolve", actor=actor)  # raises the clear refusal before the refund is checked
        clean = _clean_refund(ticket, refund)
        perform(ticket, "resolve", actor=actor, comment=comment,
                update_fields=["refund_amount", "refund_date", "refund_reference", "resolved_at"],
                refund_amount=clean.amount, refund_date=clean.date, refund_reference=clean.reference)
        _post_supplier_entries(ticket, actor)
        sync_order_aftersales_status(ticket.order)
    ticket.was_already_resolved = False
    return ticket


def close_ticket(ticket, *, actor, comment=""):
    with transaction.atomic():
        ticket = _locked(ticket)
        perform(ticket, "close", actor=actor, comment=comment)
        sync_order_aftersales_status(ticket.order)
    return ticket


def run_transition(ticket, name, *, actor, comment="", reason="", refund=None):
    """One entry point for pages and the API: run the user transition `name`."""
    if name == "submit":
        return submit_ticket(ticket, actor=actor, comment=comment)
    if name == "approve":
        return approve_ticket(ticket, actor=actor, comment=comment)
    if name == "reject":
        return reject_ticket(ticket, actor=actor, reason=reason or comment)
    if name == "await_return":
        return start_awaiting_return(ticket, actor=actor, comment=comment)
    if name == "receive_return":
        return confirm_return_received(ticket, actor=actor, comment=comment)
    if name == "resolve":
        return resolve_ticket(ticket, actor=actor, refund=refund, comment=comment)
    if name == "close":
        return close_ticket(ticket, actor=actor, comment=comment)
    raise ValidationError(_("Unknown action %(name)r.") % {"name": name})

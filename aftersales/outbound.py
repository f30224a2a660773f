"""Exchange and reship tickets send goods out: entering the ticket's outbound shipment through the
shipments service, and resolving the ticket when that shipment is dispatched (`aftersales.receivers`,
on the `shipments.signals.shipment_dispatched` signal).

Keyword-only arguments and the acting user; one `transaction.atomic()` each."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed

from core.transitions import perform
from notifications.services import notify

from .messages import RESOLVED_BY_DISPATCH
from .models import DONE_STATES, TicketState, TicketType
from .services import (
    _check_own_lines_returnable,
    _locked,
    _post_supplier_entries,
    sync_order_aftersales_status,
)


def resolve_by_dispatch(ticket, *, shipment, actor=None):
    """An exchange/reship ticket's outbound shipment was dispatched: resolve the ticket (system) and post
    its supplier entries. Does nothing when the ticket is not waiting for that (already resolved …)."""
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.state in DONE_STATES or not can_proceed(ticket.resolve_by_dispatch):
            return ticket
        perform(ticket, "resolve_by_dispatch", actor=actor,
                comment=_("Shipment %(no)s dispatched") % {"no": shipment}, update_fields=["resolved_at"])
        _post_supplier_entries(ticket, actor)
        sync_order_aftersales_status(ticket.order)
        notify(recipients=[ticket.handler_id], message=RESOLVED_BY_DISPATCH, params={"no": str(ticket)},
               link=ticket.get_absolute_url(), event="ticket_resolved")
    return ticket


def outbound_shipment_is_live(ticket):
    """True while the ticket has an outbound shipment that is not rejected or cancelled."""
    shipment = ticket.outbound_shipment
    return shipment is not None and shipment.state not in ("rejected", "cancelled")


def may_create_outbound_shipment(ticket, user):
    """Exchange: once the return is in; reship: once approved. The handler or an approver who may enter
    shipments; only while no live outbound shipment exists."""
    if ticket.type == TicketType.RESHIP:
        ready = ticket.state == TicketState.APPROVED
    elif ticket.type == TicketType.EXCHANGE:
        ready = ticket.state == TicketState.RETURN_RECEIVED
    else:
        return False
    if not ready or outbound_shipment_is_live(ticket):
        return False
    return user.has_perm("shipments.add_shipment") and (
        user.pk == ticket.handler_id or user.has_perm("aftersales.approve_ticket"))


def create_outbound_shipment(ticket, *, kind, actor, supplier=None, warehouse=None, freight=Decimal("0")):
    """Enter the exchange/reship shipment of the ticket's lines through the shipments service (purpose
    exchange / reship: no open quantity used, the order's fulfilment status untouched) — the only way one is
    made. It ships exactly the ticket's quantities, which never exceed the lines' returnable quantity
    (checked again here under the order's lock). The shipment names the ticket (`ticket_ref`), so the
    database keeps one live outbound shipment per ticket: a rejected one is cancelled by its replacement
    and never reopened; a live one refuses another (OutboundShipmentExists, the API's 409). It then follows
    the normal shipment flow; its dispatch resolves the ticket (aftersales.receivers)."""
    from shipments.entry import LineInput, OutboundShipmentExists, create_shipment
    from shipments.models import ShipmentPurpose

    with transaction.atomic():
        ticket = _locked(ticket)
        if not may_create_outbound_shipment(ticket, actor):
            if ticket.type not in (TicketType.EXCHANGE, TicketType.RESHIP):
                raise ValidationError(_("Only exchange and reship tickets send goods out."))
            if outbound_shipment_is_live(ticket):
                raise OutboundShipmentExists(_("Ticket %(no)s already has its outbound shipment %(s)s.")
                                             % {"no": ticket, "s": ticket.outbound_shipment})
            if ticket.state not in (TicketState.APPROVED, TicketState.RETURN_RECEIVED):
                raise TransitionNotAllowed(_("Ticket %(no)s is %(state)s: no outbound shipment yet.")
                                           % {"no": ticket, "state": ticket.get_state_display()})
            raise PermissionDenied(_("You may not enter the outbound shipment of this ticket."))
        purpose = ShipmentPurpose.EXCHANGE if ticket.type == TicketType.EXCHANGE else ShipmentPurpose.RESHIP
        ticket_lines = _check_own_lines_returnable(ticket)
        lines = [LineInput(order_line=line.order_line, quantity=line.quantity) for line in ticket_lines]
        shipment = create_shipment(order=ticket.order, kind=kind, lines=lines, actor=actor, purpose=purpose,
                                   ticket_ref=ticket.pk, supplier=supplier, warehouse=warehouse, freight=freight)
        ticket.outbound_shipment = shipment
        ticket.save(update_fields=["outbound_shipment"])
    return shipment

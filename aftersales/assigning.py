"""Assigning after-sales tickets to a handler (the list's bulk action): keyword-only arguments and the
acting user, one transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import record_events
from notifications.services import notify

from .messages import MANY_ASSIGNED
from .models import OPEN_STATES, Ticket
from .ticket_data import may_handle_tickets


def assign_tickets(tickets, *, handler, actor):
    """Give open tickets to another handler (an active salesperson); each new handler is told once, and
    each ticket's timeline gets an audit row (from whom to whom) in the same transaction. Returns how many
    tickets changed."""
    if actor is None or not actor.has_perm("aftersales.assign_ticket"):
        raise PermissionDenied(_("You may not assign after-sales tickets."))
    if handler is None or not may_handle_tickets(handler):
        raise ValidationError({"handler": [_("The handler must be an active salesperson.")]})
    ids = [t.pk if isinstance(t, Ticket) else int(t) for t in tickets]
    if not ids:
        raise ValidationError(_("Tick the tickets to assign."))
    with transaction.atomic():
        qs = Ticket.objects.filter(pk__in=ids, state__in=OPEN_STATES).exclude(handler=handler)
        locked = list(qs.order_by("pk").select_for_update(of=("self",)).select_related("handler"))
        changed = Ticket.objects.filter(pk__in=[t.pk for t in locked]).update(handler=handler)
        record_events(locked, event="assign", actor=actor, comment=lambda t: f"{t.handler or '—'} → {handler}")
        numbers = [t.number for t in locked]
        if changed:
            notify(recipients=[handler], message=MANY_ASSIGNED, event="ticket_assigned",
                   params={"count": changed, "numbers": ", ".join(n or "" for n in numbers[:20])})
    return changed

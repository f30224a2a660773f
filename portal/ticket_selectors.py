"""The after-sales tickets a supplier bears (Ticket.supplier), the notes meant for it
(TicketNote.visible_to_supplier, and its own replies) and their attachments — each read from the supplier,
so another supplier's ticket, note or file is not found."""

from django.db.models import OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404

from aftersales.models import OPEN_STATES, Ticket, TicketAttachment, TicketLine, TicketNote, TicketState


def tickets(supplier):
    """The supplier's tickets once the seller has submitted them (a registered one is still a draft),
    newest first."""
    return (Ticket.objects.filter(supplier=supplier).exclude(state=TicketState.REGISTERED)
            .select_related("order", "return_carrier").order_by("-created_at", "-id"))


def tickets_to_answer(supplier):
    """Open tickets whose latest note meant for the supplier was not written by the supplier's own users:
    the seller is waiting for an answer."""
    last_author = (TicketNote.objects.filter(ticket=OuterRef("pk"), visible_to_supplier=True)
                   .order_by("-created_at", "-id").values("author_id")[:1])
    return (tickets(supplier).filter(state__in=OPEN_STATES).annotate(last_author=Subquery(last_author))
            .exclude(last_author__isnull=True).exclude(last_author__in=supplier.portal_users.values("pk")))


def ticket(supplier, pk):
    """One of the supplier's tickets, with its lines and the notes meant for it (404 for any other)."""
    notes = (TicketNote.objects.filter(visible_to_supplier=True).select_related("author")
             .prefetch_related("attachments").order_by("created_at", "id"))
    lines = TicketLine.objects.select_related("order_line__product").order_by("id")
    return get_object_or_404(tickets(supplier).prefetch_related(Prefetch("notes", queryset=notes,
                                                                         to_attr="supplier_notes"),
                                                                Prefetch("lines", queryset=lines)), pk=pk)


def attachment(supplier, pk):
    """A file of a note meant for the supplier, on one of its tickets (404 for any other)."""
    return get_object_or_404(TicketAttachment.objects.filter(
        note__visible_to_supplier=True, note__ticket__in=tickets(supplier)), pk=pk)

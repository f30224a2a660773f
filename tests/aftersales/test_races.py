"""PostgreSQL: six clicks on "Resolve" at the same moment resolve the ticket once and post its supplier
entries once (the ticket row lock serialises them; the later ones see it resolved and change nothing).
Returns competing for an order's last returnable unit: exactly one is registered (the order row lock
taken before the returnable quantity is read). The notes thread refuses UPDATE and DELETE in the database
itself."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from aftersales import notes, services
from aftersales.models import Ticket, TicketLine, TicketState, TicketType
from aftersales.returnable import ReturnableExceeded
from core.transitions import timeline_for
from reconciliation.models import SupplierAccountEntry
from tests.aftersales.factories import make_ticket
from tests.factories import UserFactory
from tests.races import errors, run_together, successes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 6


def test_concurrent_resolves_post_the_supplier_entries_once():
    sales, approver = UserFactory(roles=("sales",)), UserFactory(roles=("approver",))
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=sales, charge_back=True,
                         charge_back_amount=Decimal("7.00"), manufacturer_amount=Decimal("3.00"))
    services.submit_ticket(ticket, actor=sales)
    services.approve_ticket(ticket, actor=approver)

    def resolve(i):
        return services.resolve_ticket(
            ticket, actor=sales,
            refund=services.Refund(amount=Decimal("50.00"), date=timezone.localdate(), reference="R-1"),
        ).was_already_resolved

    outcomes = run_together(resolve, THREADS)

    assert errors(outcomes) == []
    assert sorted(successes(outcomes)) == [False] + [True] * (THREADS - 1)
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.RESOLVED
    assert SupplierAccountEntry.objects.count() == 2
    assert [e.transition for e in timeline_for(ticket)].count("resolve") == 1


def test_the_notes_thread_refuses_update_and_delete_in_the_database():
    sales = UserFactory(roles=("sales",))
    note = notes.add_note(make_ticket(registered_by=sales), text="called", channel="phone", actor=sales)
    for sql in ("UPDATE aftersales_ticketnote SET text = 'changed' WHERE id = %s",
                "DELETE FROM aftersales_ticketnote WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [note.pk])
    assert type(note).objects.get(pk=note.pk).text == "called"


def test_returns_competing_for_the_last_returnable_unit_register_exactly_one():
    sales = UserFactory(roles=("sales",))
    line = make_ticket(registered_by=sales, quantity=1).lines.get().order_line  # 2 dispatched, 1 returned
    clerks = [UserFactory(roles=("sales",)) for _ in range(THREADS)]

    def register(i):
        return make_ticket(order_line=line, quantity=1, registered_by=clerks[i], dispatch=False).pk

    outcomes = run_together(register, THREADS)

    assert len(successes(outcomes)) == 1
    assert len(errors(outcomes, of_type=ReturnableExceeded)) == THREADS - 1
    assert TicketLine.objects.filter(order_line=line).count() == 2


"""A new note tells the ticket's other side, in the note's transaction: a staff note meant for the supplier
→ the supplier's portal users; a supplier user's reply → the handler and the registrant; an internal-only
note → nobody outside."""

from unittest import mock

import pytest
from django.urls import reverse

from aftersales.messages import NOTE_FOR_SUPPLIER, NOTE_FROM_SUPPLIER
from aftersales.models import TicketNote
from aftersales.notes import add_note
from notifications.models import Notification
from tests.factories import SupplierFactory, UserFactory
from tests.portal.factories import supplier_user

from .factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():
    registrant = UserFactory(roles=("sales",))
    return make_ticket(registered_by=registrant, handler=UserFactory(roles=("sales",)),
                       supplier=SupplierFactory())


def rows(message):
    return Notification.objects.filter(message=message.key)


def test_staff_note_for_the_supplier_notifies_its_portal_users(ticket):
    first, second = supplier_user(ticket.supplier), supplier_user(ticket.supplier)
    supplier_user(SupplierFactory())  # another supplier's login hears nothing
    add_note(ticket, text="Please confirm the return", channel="chat", actor=ticket.registered_by,
             visible_to_supplier=True)
    notes = rows(NOTE_FOR_SUPPLIER)
    assert sorted(notes.values_list("recipient", flat=True)) == sorted([first.pk, second.pk])
    note = notes.first()
    assert note.link == reverse("portal:ticket_detail", args=[ticket.pk])
    assert note.params == {"no": str(ticket), "text": "Please confirm the return"}
    assert not rows(NOTE_FROM_SUPPLIER).exists()


def test_internal_only_note_notifies_no_supplier(ticket):
    supplier_user(ticket.supplier)
    add_note(ticket, text="internal: difficult customer", channel="phone", actor=ticket.registered_by)
    assert not Notification.objects.filter(message__startswith="aftersales.note_").exists()


def test_supplier_reply_notifies_handler_and_registrant(ticket):
    replier, colleague = supplier_user(ticket.supplier), supplier_user(ticket.supplier)
    add_note(ticket, text="Goods received back", channel="other", actor=replier)
    notes = rows(NOTE_FROM_SUPPLIER)
    assert sorted(notes.values_list("recipient", flat=True)) == sorted([ticket.handler_id, ticket.registered_by_id])
    assert notes.first().link == ticket.get_absolute_url()
    assert notes.first().params["supplier"] == str(ticket.supplier)
    assert not rows(NOTE_FOR_SUPPLIER).filter(recipient=colleague).exists()


def test_supplier_reply_notifies_a_handler_who_registered_once(ticket):
    ticket.handler = ticket.registered_by
    ticket.save(update_fields=["handler"])
    add_note(ticket, text="ok", channel="other", actor=supplier_user(ticket.supplier))
    assert list(rows(NOTE_FROM_SUPPLIER).values_list("recipient", flat=True)) == [ticket.registered_by_id]


def test_the_note_and_its_notifications_commit_or_roll_back_together(ticket):
    supplier_user(ticket.supplier)
    with mock.patch("aftersales.notes.notify", side_effect=RuntimeError("notifying failed")), \
            pytest.raises(RuntimeError):
        add_note(ticket, text="for the supplier", channel="chat", actor=ticket.registered_by,
                 visible_to_supplier=True)
    assert not TicketNote.objects.filter(ticket=ticket).exists()

"""The after-sales tickets a supplier bears: it sees them with the notes meant for it (not the seller's
internal notes), downloads their attachments through the check, and replies; another supplier's ticket,
note or file is not found."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aftersales.models import Ticket, TicketNote
from aftersales.notes import add_note
from aftersales.services import submit_ticket
from tests.aftersales.factories import make_ticket

from .factories import supplier_user

pytestmark = pytest.mark.django_db


def submitted_ticket(**fields):
    ticket = make_ticket(**fields)
    submit_ticket(ticket, actor=ticket.registered_by)
    return Ticket.objects.get(pk=ticket.pk)


def pdf(name="receipt.pdf"):
    return ContentFile(b"%PDF-1.4\n%%EOF\n", name=name)


@pytest.fixture
def ticket():
    ticket = submitted_ticket()
    add_note(ticket, text="internal: the customer is difficult", channel="phone", actor=ticket.registered_by)
    add_note(ticket, text="请确认退货", channel="chat", actor=ticket.registered_by, visible_to_supplier=True,
             files=[pdf()])
    return ticket


@pytest.fixture
def supplier_client(client, ticket):
    client.force_login(supplier_user(ticket.supplier))
    return client


def test_the_supplier_sees_its_ticket_with_the_notes_meant_for_it(supplier_client, ticket):
    page = supplier_client.get(reverse("portal:ticket_detail", args=[ticket.pk])).content.decode()
    assert "请确认退货" in page and "receipt.pdf" in page
    assert "the customer is difficult" not in page
    assert ticket.number in supplier_client.get(reverse("portal:ticket_list")).content.decode()
    assert ticket.number in supplier_client.get(reverse("portal:home")).content.decode()  # waits for an answer


def test_the_attachment_downloads_through_the_check(supplier_client, ticket):
    attachment = TicketNote.objects.get(visible_to_supplier=True).attachments.get()
    response = supplier_client.get(reverse("portal:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_internal_notes_attachment_is_not_found(supplier_client, ticket):
    internal = add_note(ticket, text="internal scan", channel="other", actor=ticket.registered_by, files=[pdf()])
    assert supplier_client.get(reverse("portal:attachment", args=[internal.attachments.get().pk])).status_code == 404


def test_the_supplier_replies_and_the_seller_sees_it(supplier_client, ticket):
    response = supplier_client.post(reverse("portal:ticket_detail", args=[ticket.pk]), {
        "text": "已收到退货", "files": SimpleUploadedFile("photo.pdf", b"%PDF-1.4\n%%EOF\n")})
    assert response.status_code == 302
    reply = TicketNote.objects.filter(ticket=ticket).latest("id")
    assert reply.text == "已收到退货" and reply.visible_to_supplier and reply.author.is_supplier_user
    home = supplier_client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:ticket_detail", args=[ticket.pk])}"' not in home.split('id="todo-tickets"')[1]


def test_an_empty_reply_is_refused_and_writes_nothing(supplier_client, ticket):
    before = TicketNote.objects.count()
    assert supplier_client.post(reverse("portal:ticket_detail", args=[ticket.pk]), {"text": " "}).status_code == 400
    assert TicketNote.objects.count() == before


def test_another_suppliers_ticket_and_files_are_not_found(supplier_client, ticket):
    theirs = submitted_ticket()
    note = add_note(theirs, text="for them", channel="chat", actor=theirs.registered_by, visible_to_supplier=True,
                    files=[pdf()])
    assert supplier_client.get(reverse("portal:ticket_detail", args=[theirs.pk])).status_code == 404
    assert supplier_client.post(reverse("portal:ticket_detail", args=[theirs.pk]), {"text": "hi"}).status_code == 404
    assert supplier_client.get(reverse("portal:attachment", args=[note.attachments.get().pk])).status_code == 404
    assert theirs.number not in supplier_client.get(reverse("portal:ticket_list")).content.decode()
    assert TicketNote.objects.filter(ticket=theirs).count() == 1


def test_a_registered_ticket_is_still_the_sellers_draft(supplier_client, ticket):
    draft = make_ticket(supplier=ticket.supplier)
    assert supplier_client.get(reverse("portal:ticket_detail", args=[draft.pk])).status_code == 404

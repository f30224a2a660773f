"""Every write leaves an audit row on its document's timeline, in the transaction of the write (core.audit):
assigning tickets, editing a ticket, adding and removing a statement's entries, an order's after-sales status.
Each is told as the service does it, as the API does it, and as a person then reads it on the page."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.tokens import create_token
from aftersales import assigning, services
from aftersales.models import ReturnDestination, Ticket, TicketType
from aftersales.ticket_data import TicketData
from core.audit import record_event
from core.models import TransitionLog
from orders.models import AftersalesStatus
from reconciliation import statements
from reconciliation.models import Statement
from tests.aftersales.factories import make_ticket
from tests.factories import SupplierFactory, WarehouseFactory
from tests.reconciliation.factories import MIXED, build, post_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    class People:
        sales = make_user("sales", username="sally")
        lina = make_user("sales", username="lina")
        approver = make_user("approver", username="amy")
        finance = make_user("finance", username="fang")
    return People


def rows(document, event):
    return list(TransitionLog.objects.filter(object_id=str(document.pk), transition=event,
                                             content_type__model=type(document)._meta.model_name))


def token_client(user):
    _token, key = create_token(user=user, name="tests", actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


# ---- assigning tickets ----------------------------------------------------------------------------------

def test_assigning_tickets_writes_one_row_per_ticket_that_changed_hands(people):
    a = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    b = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    already = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales, handler=people.lina)

    assert assigning.assign_tickets([a.pk, b.pk, already.pk], handler=people.lina, actor=people.approver) == 2

    for ticket in (a, b):
        (row,) = rows(ticket, "assign")
        assert row.actor == people.approver and row.comment == f"{people.sales} → {people.lina}"
        assert row.source == row.target == Ticket.objects.get(pk=ticket.pk).state  # no change of state
    assert rows(already, "assign") == []  # nothing changed, nothing recorded


def test_an_assignment_rolled_back_leaves_no_row(people):
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    with pytest.raises(RuntimeError), transaction.atomic():
        assigning.assign_tickets([ticket.pk], handler=people.lina, actor=people.approver)
        raise RuntimeError("the caller's transaction fails after the assignment")
    assert Ticket.objects.get(pk=ticket.pk).handler == people.sales and rows(ticket, "assign") == []


def test_the_ticket_page_shows_who_assigned_it_to_whom(client, people):
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    client.force_login(people.approver)
    response = client.post(reverse("aftersales:ticket_assign"), {"handler": people.lina.pk, "ticket": [ticket.pk]})
    assert response.status_code == 302
    html = client.get(ticket.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-transition="assign"' in html and "Handler assigned" in html
    assert f"{people.sales} → {people.lina}" in html


# ---- editing a ticket -----------------------------------------------------------------------------------

def edit_data(ticket, **changes):
    line = ticket.lines.get()
    fields = {"type": ticket.type, "order": ticket.order, "handler": ticket.handler, "reason": ticket.reason,
              "supplier": ticket.supplier, "description": ticket.description,
              "lines": [(line.order_line, line.quantity)], "return_destination": ReturnDestination.WAREHOUSE,
              "return_warehouse": WarehouseFactory()}
    fields.update(changes)
    return TicketData(**fields)


def test_editing_a_ticket_names_the_fields_it_changed(people):
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    line = ticket.lines.get()
    services.update_ticket(ticket, data=edit_data(ticket, description="the customer called again",
                                                  lines=[(line.order_line, line.quantity + 1)]),
                           actor=people.sales)
    (row,) = rows(ticket, "edit")
    assert row.actor == people.sales
    assert "description" in row.comment and "lines" in row.comment and "reason" not in row.comment


def test_a_refused_edit_writes_no_row(people):
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    with pytest.raises(Exception):  # noqa: B017 - any refusal: a handler who is not in sales
        services.update_ticket(ticket, data=edit_data(ticket, handler=people.finance), actor=people.sales)
    assert rows(ticket, "edit") == []


def test_the_edit_page_leaves_a_row_on_the_timeline(client, people):
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    line = ticket.lines.get().order_line
    client.force_login(people.sales)
    data = {"type": TicketType.REFUND_ONLY, "order": ticket.order_id, "handler": people.sales.pk,
            "reason": ticket.reason, "description": "changed on the page", "compensate": "",
            "manufacturer_amount": "0", "seller_amount": "0", "charge_back": "",
            "return_destination": ReturnDestination.WAREHOUSE, "return_warehouse": WarehouseFactory().pk,
            "supplier": ticket.supplier_id or "", f"line-{line.pk}": "1"}
    response = client.post(reverse("aftersales:ticket_edit", args=[ticket.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get(ticket.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-transition="edit"' in html and "Ticket edited" in html and "description" in html


# ---- a statement's entries ------------------------------------------------------------------------------

@pytest.fixture
def draft(people):
    supplier = SupplierFactory()
    entries = post_entries(supplier, MIXED)
    return build(supplier, entries[:2], people.finance), entries


def test_adding_and_removing_entries_each_leave_a_row_with_the_entries(people, draft):
    statement, entries = draft
    statements.add_entries(statement, entry_ids=[entries[2].pk, entries[3].pk], actor=people.finance)
    statements.remove_entries(Statement.objects.get(pk=statement.pk), entry_ids=[entries[0].pk],
                              actor=people.finance)
    (added,) = rows(statement, "add_entries")
    (removed,) = rows(statement, "remove_entries")
    assert added.comment == f"+2: #{entries[2].pk}, #{entries[3].pk}" and added.actor == people.finance
    assert removed.comment == f"−1: #{entries[0].pk}"
    # removing an entry that is not on the statement changes nothing and records nothing
    statements.remove_entries(statement, entry_ids=[entries[4].pk], actor=people.finance)
    assert len(rows(statement, "remove_entries")) == 1


def test_the_statement_api_leaves_the_rows_and_the_page_shows_them(client, people, draft):
    statement, entries = draft
    api = token_client(people.finance)
    url = f"/api/v1/statements/{statement.pk}/entries"
    assert api.post(url, {"entry_ids": [entries[2].pk]}, content_type="application/json").status_code == 200
    assert api.post(f"{url}/remove", {"entry_ids": [entries[2].pk]},
                    content_type="application/json").status_code == 200
    assert len(rows(statement, "add_entries")) == len(rows(statement, "remove_entries")) == 1
    client.force_login(people.finance)
    html = client.get(statement.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Entries added" in html and "Entries removed" in html and f"#{entries[2].pk}" in html


# ---- an order's after-sales status ----------------------------------------------------------------------

def test_an_orders_after_sales_status_change_is_on_its_timeline(client, people):
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    (row,) = rows(ticket.order, "derive_aftersales_status")
    assert (row.source, row.target) == (AftersalesStatus.NONE, AftersalesStatus.IN_PROGRESS)
    client.force_login(people.sales)
    html = client.get(ticket.order.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "After-sales status" in html and "None → In progress" in html


# ---- the mechanism --------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_an_audit_row_outside_the_writes_transaction_is_refused(people):
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    with pytest.raises(RuntimeError, match="inside the transaction"):
        record_event(ticket, event="assign", actor=people.approver)
    assert rows(ticket, "assign") == []

"""The after-sales pages: the one registration/edit form (order lines and supplier prefilled by htmx),
the ticket page (only the actions the user may run; notes with attachments), the list (filters, a
search that reads the notes, overdue, bulk assign, export)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales import notes, services
from aftersales.models import Ticket, TicketNote, TicketState, TicketType
from orders.models import AftersalesStatus, Order
from tests.aftersales.factories import dispatch_units, make_ticket
from tests.factories import ProductFactory, WarehouseFactory
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(make_user):
    return make_user("sales", username="sally")


@pytest.fixture
def approver(make_user):
    return make_user("approver", username="amy")


def form_post(order, line, warehouse, **overrides):
    data = {
        "type": TicketType.RETURN_REFUND, "order": order.pk, "handler": order.store.salesperson_id,
        "supplier": line.product.default_supplier_id, "reason": "quality", "description": "杯子碎了 broken cup",
        "return_tracking_no": "SF123", "return_destination": "warehouse", "return_warehouse": warehouse.pk,
        "charge_back": "on", "charge_back_amount": "", "compensate": "on", "manufacturer_amount": "30.00",
        "seller_amount": "10.50", f"line-{line.pk}": "1",
    }
    data.update(overrides)
    return data


def test_sales_registers_a_ticket_with_the_one_form(client, sales):
    product = ProductFactory(supplier_unit_cost=Decimal("11.00"))
    line = OrderLineFactory(product=product, quantity=2, order__store__salesperson=sales)
    dispatch_units(line, 2)
    client.force_login(sales)
    page = client.get(reverse("aftersales:ticket_create") + f"?order={line.order.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    for section in ("section-info", "section-compensation", "section-check", "section-reference",
                    f'name="line-{line.pk}"', "compensation-total"):
        assert section in html

    response = client.post(reverse("aftersales:ticket_create"), form_post(line.order, line, WarehouseFactory()))
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == ticket.get_absolute_url()
    assert (ticket.total_amount, ticket.charge_back_amount) == (Decimal("40.50"), Decimal("11.00"))
    assert ticket.store == line.order.store and ticket.registered_by == sales
    assert [(tl.order_line, tl.quantity) for tl in ticket.lines.all()] == [(line, 1)]
    assert Order.objects.get(pk=line.order.pk).aftersales_status == AftersalesStatus.IN_PROGRESS


def test_bad_input_comes_back_next_to_the_field_and_writes_nothing(client, sales):
    line = OrderLineFactory(quantity=2, order__store__salesperson=sales)
    client.force_login(sales)
    response = client.post(reverse("aftersales:ticket_create"),
                           form_post(line.order, line, WarehouseFactory(), return_destination="",
                                     **{f"line-{line.pk}": "5"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 2 (the ordered quantity)" in html
    assert "Say where the returned goods go" in html
    assert not Ticket.objects.exists()


def test_the_order_part_prefills_lines_supplier_and_reference(client, sales):
    line = OrderLineFactory(quantity=2)
    earlier = make_ticket(type=TicketType.REFUND_ONLY, order_line=line, registered_by=sales)
    client.force_login(sales)
    response = client.get(reverse("aftersales:order_part"), {"order": line.order.pk}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert f'name="line-{line.pk}"' in html
    assert f'data-supplier="{line.product.default_supplier_id}"' in html
    assert earlier.number in html and 'hx-swap-oob' in html


def test_a_registered_ticket_is_edited_with_the_same_form(client, sales):
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=sales)
    line = ticket.lines.get().order_line
    client.force_login(sales)
    assert client.get(reverse("aftersales:ticket_edit", args=[ticket.pk])).status_code == 200
    data = form_post(ticket.order, line, WarehouseFactory(), type=TicketType.REFUND_ONLY, handler=sales.pk,
                     compensate="", manufacturer_amount="0", seller_amount="0", charge_back="",
                     description="changed", **{f"line-{line.pk}": "2"})
    response = client.post(reverse("aftersales:ticket_edit", args=[ticket.pk]), data)
    assert response.status_code == 302
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.description == "changed" and ticket.lines.get().quantity == 2
    services.submit_ticket(ticket, actor=sales)
    assert client.get(reverse("aftersales:ticket_edit", args=[ticket.pk])).status_code == 302  # no longer


def test_the_ticket_page_offers_only_the_actions_the_user_may_run(client, sales, approver):
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=sales)
    client.force_login(sales)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="action-submit"' in html and 'id="action-approve"' not in html
    client.post(reverse("aftersales:ticket_action", args=[ticket.pk, "submit"]))
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="action-approve"' not in html  # the registrant never approves
    client.force_login(approver)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="action-approve"' in html and 'id="action-reject"' in html
    response = client.post(reverse("aftersales:ticket_action", args=[ticket.pk, "approve"]), follow=True)
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.APPROVED
    assert "is now Approved" in response.content.decode()
    # a refused action comes back as a message, nothing changes
    response = client.post(reverse("aftersales:ticket_action", args=[ticket.pk, "approve"]), follow=True)
    assert "is not possible now" in response.content.decode()


def test_resolving_a_refund_from_the_page_records_it(client, sales, approver):
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=sales)
    services.submit_ticket(ticket, actor=sales)
    services.approve_ticket(ticket, actor=approver)
    client.force_login(sales)
    url = reverse("aftersales:ticket_action", args=[ticket.pk, "resolve"])
    response = client.post(url, {"refund_amount": "25.00"}, follow=True)
    assert "Enter the date of the refund" in response.content.decode()
    client.post(url, {"refund_amount": "25.00", "refund_date": timezone.localdate().isoformat(),
                      "refund_reference": "JD-R-9"})
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.state, ticket.refund_amount) == (TicketState.RESOLVED, Decimal("25.00"))
    response = client.post(url, {"refund_amount": "25.00", "refund_date": timezone.localdate().isoformat(),
                                 "refund_reference": "JD-R-9"}, follow=True)
    assert "already resolved" in response.content.decode()


def test_notes_with_attachments_and_refused_files(client, sales, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ticket = make_ticket(registered_by=sales)
    client.force_login(sales)
    url = reverse("aftersales:ticket_note", args=[ticket.pk])
    response = client.post(url, {"text": "sent exe", "channel": "chat",
                                 "files": [SimpleUploadedFile("x.exe", b"MZ")]})
    assert response.status_code == 400
    assert "this type of file is not accepted" in response.content.decode()
    assert not TicketNote.objects.exists()
    client.post(url, {"text": "客户发来照片 photo of the damage", "channel": "chat",
                      "files": [SimpleUploadedFile("damage.png", b"\x89PNG\r\n\x1a\n....")]})
    note = TicketNote.objects.get()
    attachment = note.attachments.get()
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "photo of the damage" in page and attachment.get_absolute_url() in page
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\x89PNG\r\n\x1a\n...."


def test_the_list_filters_searches_notes_shows_age_and_overdue(client, sales, settings):
    settings.AFTERSALES_SLA_DAYS = 3
    old = make_ticket(type=TicketType.REFUND_ONLY, registered_by=sales)
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=5))
    new = make_ticket(type=TicketType.COMPENSATION, quantity=0, registered_by=sales, seller_amount=Decimal("5"))
    notes.add_note(new, text="客户说 the lid was missing", channel="phone", actor=sales)
    client.force_login(sales)
    url = reverse("aftersales:ticket_list")

    def numbers(**params):
        html = client.get(url, params).content.decode()
        return {t.number for t in (old, new) if t.number in html}

    assert numbers() == {old.number, new.number}
    assert numbers(q="lid missing") == {new.number}
    assert numbers(overdue="true") == {old.number}
    assert numbers(type="compensation") == {new.number}
    assert numbers(state="registered", handler=sales.pk) == {old.number, new.number}
    html = client.get(url).content.decode()
    assert 'data-overdue="true"' in html and "Overdue" in html

    export = client.get(url, {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    header = rows[0]
    assert "Age (days)" in header and "Number" in header
    ages = {row[header.index("Number")]: row[header.index("Age (days)")] for row in rows[1:]}
    assert ages == {old.number: "5", new.number: "0"}


def test_bulk_assign_from_the_list(client, sales, approver, make_user):
    lina = make_user("sales", username="lina")
    a = make_ticket(type=TicketType.REFUND_ONLY, registered_by=sales)
    b = make_ticket(type=TicketType.REFUND_ONLY, registered_by=sales)
    client.force_login(approver)
    html = client.get(reverse("aftersales:ticket_list")).content.decode()
    assert 'id="ticket-assign"' in html and f'name="ticket" value="{a.pk}"' in html
    response = client.post(reverse("aftersales:ticket_assign"), {"handler": lina.pk, "ticket": [a.pk, b.pk]},
                           follow=True)
    assert "2 ticket(s) assigned to lina" in response.content.decode()
    assert set(Ticket.objects.values_list("handler", flat=True)) == {lina.pk}


def test_warehouse_sees_tickets_but_no_bulk_assign(client, make_user, sales):
    make_ticket(type=TicketType.REFUND_ONLY, registered_by=sales)
    client.force_login(make_user("warehouse"))
    html = client.get(reverse("aftersales:ticket_list")).content.decode()
    assert 'id="ticket-assign"' not in html and 'name="ticket"' not in html and 'id="ticket-table"' in html


def test_check_status_shows_receipt_and_the_reconciliation_of_the_supplier_entries(client, sales, approver,
                                                                                    make_user):
    import datetime

    from reconciliation.models import SupplierAccountEntry
    from tests.reconciliation.factories import empty_statement

    ticket = make_ticket(type=TicketType.COMPENSATION, quantity=0, registered_by=sales,
                         manufacturer_amount=Decimal("9.00"))
    services.submit_ticket(ticket, actor=sales)
    services.approve_ticket(ticket, actor=approver)
    client.force_login(sales)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="check-reconciliation" data-status="none"' in html
    services.resolve_ticket(ticket, actor=sales)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="check-reconciliation" data-status="unreconciled"' in html and "-9.00" in html
    statement = empty_statement(supplier=ticket.supplier)
    entry = SupplierAccountEntry.objects.get()
    SupplierAccountEntry.objects.filter(pk=entry.pk).update(statement=statement,
                                                            reconciled_on=datetime.date(2026, 11, 30))
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="check-reconciliation" data-status="reconciled"' in html and "2026-11-30" in html
    assert 'id="check-receipt" data-status="not_received"' in html


def test_the_admin_shows_tickets_read_only(client, make_user, sales):
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=sales)
    client.force_login(make_user(username="root", is_superuser=True, is_staff=True))
    assert ticket.number in client.get(reverse("admin:aftersales_ticket_changelist")).content.decode()
    page = client.get(reverse("admin:aftersales_ticket_change", args=[ticket.pk]))
    assert page.status_code == 200 and 'name="description"' not in page.content.decode()
    assert client.get(reverse("admin:aftersales_ticket_add")).status_code == 403


def test_the_list_page_reads_a_constant_number_of_queries(client, sales):
    client.force_login(sales)
    url = reverse("aftersales:ticket_list")
    make_ticket(type=TicketType.REFUND_ONLY, registered_by=sales)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(10):
        make_ticket(type=TicketType.REFUND_ONLY, registered_by=sales)
    with CaptureQueriesContext(connection) as eleven:
        client.get(url)
    assert len(eleven) == len(one)


def test_the_form_shows_each_lines_returnable_quantity_and_refuses_more_on_that_line(client, sales):
    line = OrderLineFactory(quantity=3, order__store__salesperson=sales)
    other = OrderLineFactory(quantity=2, order=line.order)
    dispatch_units(line, 2)
    make_ticket(order_line=line, quantity=1, registered_by=sales)  # one of the two dispatched units is taken
    client.force_login(sales)
    html = client.get(reverse("aftersales:ticket_create") + f"?order={line.order.pk}").content.decode()
    assert "Returnable" in html
    assert html.count('data-returnable="1"') == 1 and html.count('data-returnable="0"') == 1  # other: unshipped

    response = client.post(reverse("aftersales:ticket_create"),
                           form_post(line.order, line, WarehouseFactory(), **{f"line-{line.pk}": "2",
                                                                              f"line-{other.pk}": "1"}))
    assert response.status_code == 400
    html = response.content.decode()
    line_error = html.split(f'id="error_line-{line.pk}"')[1].split("</div>")[0]
    assert "2 asked but only 1 returnable" in line_error
    other_error = html.split(f'id="error_line-{other.pk}"')[1].split("</div>")[0]
    assert "1 asked but only 0 returnable" in other_error
    assert 'is-invalid' in html.split(f'name="line-{line.pk}"')[0].rsplit("<input", 1)[1]
    assert Ticket.objects.count() == 1


def test_an_approver_approves_a_return_and_the_warehouse_is_offered_to_confirm_it(client, sales, approver,
                                                                               make_user):
    line = OrderLineFactory(quantity=1)
    ticket = make_ticket(order_line=line, quantity=1, registered_by=sales)
    services.submit_ticket(ticket, actor=sales)
    client.force_login(approver)
    response = client.post(reverse("aftersales:ticket_action", args=[ticket.pk, "approve"]), {"comment": "ok"})
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.AWAITING_RETURN
    approver_page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="action-await_return"' not in approver_page  # nobody has to press it any more

    wes = make_user("warehouse")
    client.force_login(wes)
    home = client.get(reverse("reports:home")).content.decode()
    returns = home.split("Returns to receive")[1]
    assert ticket.number in returns and ticket.get_absolute_url() in returns
    full_list = reverse("aftersales:ticket_list") + "?state=awaiting_return"
    assert f'href="{full_list}"' in returns  # "All" opens the list of returns awaited, not every ticket
    assert ticket.number in client.get(full_list).content.decode()
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="action-receive_return"' in page
    client.post(reverse("aftersales:ticket_action", args=[ticket.pk, "receive_return"]), {"comment": ""})
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.RETURN_RECEIVED

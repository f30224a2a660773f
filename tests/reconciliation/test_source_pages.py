"""The reconciliation status on the source documents' pages (issue 7, item 3): a drop-ship shipment
shows it through its entries (goods per line, freight on the shipment); a company dispatch owes the
supplier nothing, so its page says "not applicable" rather than "not reconciled". One approval shows
reconciled with its date on the receipt, the shipment and the ticket pages alike."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales import services as ticket_services
from aftersales.models import TicketType
from inventory.documents import post_goods_receipt
from reconciliation import statements
from shipments.approval import approve_shipment, submit_shipment
from shipments.dispatching import dispatch_shipment
from tests.aftersales.factories import make_ticket
from tests.inventory.factories import GoodsReceiptLineFactory
from tests.shipments.factories import make_world

pytestmark = pytest.mark.django_db


def status_of(client, shipment):
    page = client.get(shipment.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    start = html.index('id="reconciliation-status"')
    return html[start:html.index("</dd>", start)]


def dispatched_drop_ship(world):
    shipment = world.ship("drop_ship", freight="8.00")
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    dispatch_shipment(shipment, actor=world.sales, carrier=world.carrier, tracking_number="SF9")
    return shipment


def test_a_company_dispatch_page_says_reconciliation_does_not_apply(client):
    world = make_world()
    shipment = world.ship("company_dispatch")
    client.force_login(world.finance)
    html = status_of(client, shipment)
    assert 'data-reconciled="n/a"' in html
    assert "Not applicable" in html


def test_a_drop_ship_page_shows_reconciled_with_the_date_once_its_statement_is_approved(client, make_user):
    world = make_world(lines=2)
    shipment = dispatched_drop_ship(world)
    client.force_login(world.finance)
    assert 'data-reconciled="no"' in status_of(client, shipment)

    builder, supervisor = make_user("finance"), make_user("finance_supervisor")
    today = timezone.localdate()
    statement = statements.build_statement(
        supplier=shipment.supplier, period_from=today - datetime.timedelta(days=1), period_to=today,
        filters=statements.EntryFilters(), actor=builder)
    assert statement.entry_count == 3  # two goods lines + the freight
    statements.submit_statement(statement, actor=builder)
    on = today - datetime.timedelta(days=1)
    statements.approve_statement(statement, actor=supervisor, on_date=on)

    html = status_of(client, shipment)
    assert 'data-reconciled="yes"' in html
    assert f'data-reconciled-on="{on.isoformat()}"' in html


def test_one_approval_shows_reconciled_on_the_receipt_the_shipment_and_the_ticket(client, make_user):
    world = make_world()
    shipment = dispatched_drop_ship(world)
    supplier = shipment.supplier
    receipt_line = GoodsReceiptLineFactory(receipt__supplier=supplier, receipt__warehouse=world.warehouse)
    post_goods_receipt(receipt_line.receipt, actor=make_user("warehouse"))
    ticket = make_ticket(type=TicketType.COMPENSATION, quantity=0, order_line=world.lines[0],
                         registered_by=world.sales, supplier=supplier, manufacturer_amount=Decimal("5.00"))
    ticket_services.submit_ticket(ticket, actor=world.sales)
    ticket_services.approve_ticket(ticket, actor=world.approver)
    ticket_services.resolve_ticket(ticket, actor=world.sales)

    builder, supervisor = make_user("finance"), make_user("finance_supervisor")
    today = timezone.localdate()
    statement = statements.build_statement(
        supplier=supplier, period_from=today, period_to=today, filters=statements.EntryFilters(),
        actor=builder)
    assert statement.entry_count == 4  # receipt line, goods line, freight, compensation
    statements.submit_statement(statement, actor=builder)
    statements.approve_statement(statement, actor=supervisor)

    client.force_login(make_user("finance", "warehouse"))
    marker = f'data-reconciled="yes" data-reconciled-on="{today.isoformat()}"'
    assert marker in status_of(client, shipment)
    assert marker in client.get(receipt_line.receipt.get_absolute_url()).content.decode()
    ticket_page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="check-reconciliation" data-status="reconciled"' in ticket_page
    assert today.isoformat() in ticket_page[ticket_page.index('id="check-reconciliation"'):][:300]

"""In a real browser: finance builds a statement for a supplier with drop-ship goods, freight and an
after-sales deduction, submits it; the finance supervisor approves it; the supplier's remaining amount
drops by the statement's total, and the drop-ship shipment's page and the after-sales ticket's page show
reconciled with today's date (read through their supplier account entries).

The drop-ship and the ticket are made through their services (shipments.approval/dispatching, aftersales.services),
so the entries are the ones the app posts: goods per shipment line, freight on the shipment, the
manufacturer compensation on the ticket."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from aftersales import services as ticket_services
from aftersales.models import TicketType
from reconciliation.models import EntryKind, Statement
from shipments.approval import approve_shipment, submit_shipment
from shipments.dispatching import dispatch_shipment
from tests.aftersales.factories import make_ticket
from tests.browser.helpers import horizontal_overflow, login, logout, screenshot
from tests.factories import SupplierFactory
from tests.reconciliation.factories import post_entries
from tests.shipments.factories import make_world

pytestmark = pytest.mark.browser


def money(text):
    return Decimal(text.strip().replace(",", ""))


def test_finance_builds_the_supervisor_approves_and_the_remaining_amount_drops(page, make_user):
    page.on("dialog", lambda dialog: dialog.accept())
    make_user("finance", username="fang")
    make_user("finance_supervisor", username="sun")
    world = make_world(lines=1, quantity=2, stock=0)
    supplier = world.lines[0].product.default_supplier
    supplier.name = "宁波厂 Ningbo Works"
    supplier.save(update_fields=["name"])
    today = timezone.localdate()
    shipment = world.ship("drop_ship", freight="12.50", prices=[Decimal("150.00")])  # goods 2 × 150.00
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    dispatch_shipment(shipment, actor=world.sales, carrier=world.carrier, tracking_number="SF1001")
    ticket = make_ticket(type=TicketType.COMPENSATION, quantity=0, order_line=world.lines[0],
                         registered_by=world.sales, supplier=supplier, manufacturer_amount=Decimal("45.35"))
    ticket_services.submit_ticket(ticket, actor=world.sales)
    ticket_services.approve_ticket(ticket, actor=world.approver)
    ticket_services.resolve_ticket(ticket, actor=world.sales)
    post_entries(supplier, [(EntryKind.GOODS_RECEIPT, "1000.00", today + datetime.timedelta(days=40), "later receipt")])
    balance_url = reverse("reconciliation:supplier_balance", args=[supplier.pk])

    login(page, "fang")
    page.goto(balance_url)
    remaining_before = money(page.locator("#amount-remaining").inner_text())
    assert remaining_before == Decimal("1267.15")
    page.locator("#new-statement").click()
    page.locator("#id_period_from").fill((today - datetime.timedelta(days=30)).isoformat())
    page.locator("#id_period_to").fill(today.isoformat())
    page.locator("#show-entries").click()
    expect(page.locator("#open-entries tbody tr")).to_have_count(3)
    expect(page.locator("#matching-total")).to_have_text("267.15")
    page.locator("#select-all-matching").check()
    page.locator("#build-button").click()

    expect(page.locator("#statement-state")).to_have_attribute("data-state", "draft")
    expect(page.locator("#statement-total")).to_have_text("267.15")
    statement = Statement.objects.get()
    page.locator("#submit-statement").click()
    expect(page.locator("#statement-state")).to_have_attribute("data-state", "submitted")
    expect(page.locator("#approve-statement")).to_have_count(0)  # finance cannot approve
    logout(page)

    login(page, "sun")
    expect(page.locator('.work-queue[data-role="finance_supervisor"]')).to_contain_text(statement.number)
    page.goto(statement.get_absolute_url())
    page.locator("#approve-statement").click()
    expect(page.locator("#statement-state")).to_have_attribute("data-state", "approved")
    expect(page.locator("#approved-by")).to_contain_text("sun")
    expect(page.locator("#statement-entries")).to_contain_text(today.strftime("%Y-%m-%d"))

    page.goto(balance_url)
    remaining_after = money(page.locator("#amount-remaining").inner_text())
    assert remaining_after == remaining_before - Decimal("267.15") == Decimal("1000.00")
    expect(page.locator('#latest-entries [data-reconciled="yes"]')).to_have_count(3)
    expect(page.locator('#latest-entries [data-reconciled="no"]')).to_have_count(1)
    expect(page.locator('#latest-entries [data-reconciled="yes"]').first).to_have_attribute(
        "data-reconciled-on", today.isoformat())
    expect(page.locator("#balance-chart")).to_be_visible()
    expect(page.locator("#balance-chart canvas")).not_to_have_count(0)  # drawn by ECharts (static/js/charts.js)
    assert not page.js_errors, page.js_errors
    screenshot(page, "reconciliation-supplier-balance")
    logout(page)

    login(page, "fang")  # finance reads shipments and tickets (the supervisor does not)
    page.goto(shipment.get_absolute_url())
    status = page.locator("#reconciliation-status .reconciliation-status")
    expect(status).to_have_attribute("data-reconciled", "yes")
    expect(status).to_have_attribute("data-reconciled-on", today.isoformat())
    expect(status).to_contain_text(today.isoformat())
    page.goto(ticket.get_absolute_url())
    expect(page.locator("#check-reconciliation")).to_have_attribute("data-status", "reconciled")
    expect(page.locator("#check-reconciliation")).to_contain_text(today.isoformat())
    assert not page.js_errors, page.js_errors


def test_the_statement_pages_fit_a_phone(phone_page, make_user):
    make_user("finance", username="fang")
    supplier = SupplierFactory()
    today = timezone.localdate()
    post_entries(supplier, [(EntryKind.FREIGHT, "12.50", today, "freight order with a rather long description")])
    login(phone_page, "fang")
    create = reverse("reconciliation:statement_create")
    phone_page.goto(f"{create}?supplier={supplier.pk}&period_from={today.isoformat()}&period_to={today.isoformat()}")
    expect(phone_page.locator("#open-entries")).to_be_visible()
    assert horizontal_overflow(phone_page) == 0
    phone_page.locator("#select-all-matching").check()
    phone_page.locator("#build-button").click()
    expect(phone_page).to_have_url(re.compile(r"/statements/\d+/$"))
    assert horizontal_overflow(phone_page) == 0
    phone_page.goto(reverse("reconciliation:supplier_balance", args=[supplier.pk]))
    assert horizontal_overflow(phone_page) == 0
    assert not phone_page.js_errors, phone_page.js_errors

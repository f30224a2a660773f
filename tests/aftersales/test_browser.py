"""In Chromium: sales registers a return-and-refund ticket with compensation and charge-back for an order
of which 2 of 3 units were dispatched (order picked, lines and supplier filled in by htmx, the returnable
quantity shown per line, asking for 3 refused next to the line, the total computed as they type), an
approver approves it (the ticket then awaits the goods by itself), the warehouse finds it among the
returns to receive on its home and confirms it received, sales resolves it with the refund. Every step is
reached by clicking what that user's pages offer. Then the ticket's check-status section shows received,
the product's stock ledger shows the return row, the order shows after-sales resolved, and the
supplier's account shows the two deductions. The pages fit a phone as well."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.models import Ticket
from tests.aftersales.factories import dispatch_units
from tests.browser.helpers import login, logout, screenshot, wider_than_viewport
from tests.factories import ProductFactory, StoreFactory, SupplierFactory, UserFactory, WarehouseFactory
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.browser


def act(page, name):
    """Press the action button of form #action-<name>, accepting its confirmation."""
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#action-{name} button[type=submit]").click()
    page.wait_for_load_state()


def open_from_home(page, card_title, ticket):
    """On the user's home, click the ticket's row in the card (or sub-queue) titled `card_title`."""
    card = page.locator(".card", has_text=card_title).last
    card.get_by_role("link", name=re.compile(re.escape(ticket.number))).click()
    expect(page).to_have_url(re.compile(re.escape(ticket.get_absolute_url()) + "$"))


def test_return_and_refund_with_compensation_and_charge_back_end_to_end(page):
    sally = UserFactory(username="sally", roles=("sales",))
    amy = UserFactory(username="amy", roles=("approver",))
    UserFactory(username="wes", roles=("warehouse", "manager"))
    UserFactory(username="fay", roles=("finance",))
    supplier = SupplierFactory(name="景德镇瓷厂 Jingdezhen Porcelain")
    product = ProductFactory(sku="CUP-01", name="青花杯 Blue cup", default_supplier=supplier,
                             supplier_unit_cost=Decimal("12.00"))
    order = OrderFactory(store=StoreFactory(salesperson=sally), external_order_no="TM-8801")
    line = OrderLineFactory(order=order, product=product, quantity=3, unit_price=Decimal("39.00"))
    dispatch_units(line, 2, sales=sally, approver=amy)  # 2 of the 3 cups reached the customer
    warehouse = WarehouseFactory(name="上海仓 Shanghai")

    # 1. sales registers the ticket: from the after-sales list's "New"
    login(page, "sally")
    page.locator("#mainnav").get_by_role("button", name="After-sales").click()
    page.locator("#mainnav").get_by_role("link", name="New after-sales ticket").click()
    page.locator("select[name=type]").select_option("return_refund")
    page.locator("select[name=reason]").select_option("damaged")
    page.locator("select[name=order]").select_option(str(order.pk), force=True)  # htmx loads the order part
    quantity = page.locator(f"input[name=line-{line.pk}]")
    expect(quantity).to_be_visible()
    expect(page.locator("#ticket-order-lines [data-returnable]")).to_have_text("2")
    expect(page.locator("#ticket-reference")).to_contain_text("TM-8801")
    expect(page.locator("select[name=supplier]")).to_have_value(str(supplier.pk))  # prefilled
    quantity.fill("3")  # all three ordered, but only two were dispatched
    page.get_by_label("Description").fill("两个杯子碎了 two cups arrived broken")
    page.get_by_label("Return tracking no.").fill("SF1234567")
    page.locator("select[name=return_destination]").select_option("warehouse")
    page.locator("select[name=return_warehouse]").select_option(str(warehouse.pk))
    page.get_by_label("Charge back to the supplier").check()
    page.get_by_label("Compensate").check()
    page.get_by_label("Manufacturer compensation").fill("30")
    page.get_by_label("Seller compensation").fill("10.50")
    expect(page.locator("#compensation-total")).to_have_text("40.50")  # as you type
    page.get_by_role("button", name="Register ticket").click()
    expect(page.locator(f"#error_line-{line.pk}")).to_contain_text("only 2 returnable")  # next to the line
    assert not Ticket.objects.exists()
    page.locator(f"input[name=line-{line.pk}]").fill("2")
    page.get_by_role("button", name="Register ticket").click()

    expect(page.locator("#ticket-state")).to_have_attribute("data-state", "registered")
    ticket = Ticket.objects.get()
    expect(page).to_have_url(re.compile(re.escape(ticket.get_absolute_url()) + "$"))
    assert (ticket.total_amount, ticket.charge_back_amount) == (Decimal("40.50"), Decimal("24.00"))
    expect(page.locator("#ticket-total")).to_have_text("40.50")
    act(page, "submit")
    expect(page.locator("#ticket-state")).to_have_attribute("data-state", "submitted")
    expect(page.locator("#action-approve")).to_have_count(0)  # the registrant never approves
    logout(page)

    # 2. an approver finds it on their home and approves; the goods are awaited at once
    login(page, "amy")
    open_from_home(page, "After-sales tickets to approve", ticket)
    act(page, "approve")
    expect(page.locator("#ticket-state")).to_have_attribute("data-state", "awaiting_return")
    expect(page.locator("#action-await_return")).to_have_count(0)
    logout(page)

    # 3. the warehouse finds it among the returns to receive and confirms it received
    login(page, "wes")
    open_from_home(page, "Returns to receive", ticket)
    act(page, "receive_return")
    expect(page.locator("#ticket-state")).to_have_attribute("data-state", "return_received")
    expect(page.locator("#check-receipt")).to_have_attribute("data-status", "received")
    logout(page)

    # 4. sales, its handler, finds it among their open tickets and resolves it with the refund
    login(page, "sally")
    open_from_home(page, "My open after-sales tickets", ticket)
    page.locator("#refund-amount").fill("78.00")
    page.locator("#refund-date").fill(timezone.localdate().isoformat())
    page.locator("#refund-reference").fill("TMALL-REFUND-42")
    act(page, "resolve")
    expect(page.locator("#ticket-state")).to_have_attribute("data-state", "resolved")
    expect(page.locator("#check-receipt")).to_have_attribute("data-status", "received")
    expect(page.locator("#check-reconciliation")).to_have_attribute("data-status", "unreconciled")
    expect(page.locator("#ticket-refund")).to_contain_text("TMALL-REFUND-42")
    screenshot(page, "aftersales-ticket-resolved")

    # the order shows after-sales resolved
    page.goto(order.get_absolute_url())
    expect(page.locator("#aftersales-status")).to_contain_text("Resolved")
    expect(page.locator("#order-aftersales")).to_contain_text(ticket.number)
    logout(page)

    # the product's ledger shows the return row
    login(page, "wes")
    page.goto(reverse("inventory:product_ledger", args=[product.pk]))
    ledger = page.locator("table").first
    expect(ledger).to_contain_text("Return")
    expect(ledger).to_contain_text(ticket.number)
    logout(page)

    # the supplier's account shows the two deductions
    login(page, "fay")
    page.goto(reverse("reconciliation:supplier_entries", args=[supplier.pk]))
    expect(page.get_by_text("Manufacturer compensation").first).to_be_visible()
    expect(page.get_by_text("Charge-back").first).to_be_visible()
    body = page.locator("main")
    expect(body).to_contain_text("-30.00")
    expect(body).to_contain_text("-24.00")
    assert not page.js_errors


def test_ticket_pages_fit_a_phone(phone_page):
    page = phone_page
    sally = UserFactory(username="sally", roles=("sales",))
    line = OrderLineFactory(order__store__salesperson=sally)
    login(page, "sally")
    page.goto(reverse("aftersales:ticket_create") + f"?order={line.order.pk}")
    expect(page.locator(f"input[name=line-{line.pk}]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wider_than_viewport(page)
    page.locator(f"input[name=line-{line.pk}]").fill("1")
    page.locator("select[name=type]").select_option("refund_only")
    page.get_by_role("button", name="Register ticket").click()
    expect(page.locator("#ticket-state")).to_have_attribute("data-state", "registered")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wider_than_viewport(page)
    page.goto(reverse("aftersales:ticket_list"))
    expect(page.locator("#ticket-table")).to_contain_text(Ticket.objects.get().number)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wider_than_viewport(page)
    screenshot(page, "aftersales-list-390")
    assert not page.js_errors

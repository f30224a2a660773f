"""In Chromium: the forward flow end to end, by the people who do it.

1. Company dispatch: sales enters it from the order page; an approver approves it; warehouse prints the
   dispatch note (the PDF downloads; its text holds the order number and the Chinese recipient name)
   and dispatches it with a tracking number; the order page shows shipped; the product's ledger shows
   the out row.
2. Drop-ship: sales enters it (the form swaps to supplier, prices and freight), an approver approves,
   sales enters carrier + tracking no.; the supplier's account shows the goods and freight entries."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from inventory.models import Direction, StockLedgerEntry
from orders.models import FulfilmentStatus, Order
from reconciliation.models import SupplierAccountEntry
from shipments.models import Shipment, ShipmentState
from tests.browser.helpers import login, logout, screenshot
from tests.factories import (
    CarrierFactory,
    ProductFactory,
    StoreFactory,
    SupplierFactory,
    UserFactory,
    WarehouseFactory,
)
from tests.orders.factories import OrderFactory, OrderLineFactory

from .factories import stock_in

pytestmark = pytest.mark.browser


def accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def people():
    sales = UserFactory(username="sally", roles=("sales",))
    UserFactory(username="alice", roles=("approver",))
    UserFactory(username="wang", roles=("warehouse",))
    UserFactory(username="fiona", roles=("finance",))
    return sales


def test_company_dispatch_from_entry_to_shipped(page):
    accept_dialogs(page)
    sales = people()
    store = StoreFactory(name="天猫旗舰店", salesperson=sales)
    warehouse = WarehouseFactory(name="上海仓 Shanghai")
    product = ProductFactory(sku="TEA-001", name="龙井茶 Longjing tea")
    stock_in(product, warehouse, 10)
    order = OrderFactory(store=store, external_order_no="TM-7001", recipient_name="李小龙")
    OrderLineFactory(order=order, product=product, quantity=2)
    carrier = CarrierFactory(code="sf", name="顺丰 SF Express", tracking_url_pattern="https://sf.example/{tracking_number}")

    # Sales enters a company dispatch from the order page and submits it.
    login(page, "sally")
    page.goto(order.get_absolute_url())
    page.locator("#new-shipment").click()
    expect(page.locator("#kind-part")).to_have_attribute("data-kind", "company_dispatch")
    page.locator("#id_warehouse").select_option(str(warehouse.pk))
    expect(page.locator("#shipment-lines .available")).to_have_text("10")  # htmx: available stock shown
    expect(page.locator(f"input[name=qty_{order.lines.get().pk}]")).to_have_value("2")
    page.locator("#save-submit").click()
    shipment = Shipment.objects.get()
    expect(page.locator("#shipment-state")).to_have_attribute("data-state", "submitted")
    expect(page.locator("#action-approve")).to_have_count(0)  # sales may not approve
    logout(page)

    # The approver approves it.
    login(page, "alice")
    page.goto(shipment.get_absolute_url())
    page.locator("#action-approve").click()
    expect(page.locator("#shipment-state")).to_have_attribute("data-state", "approved")
    logout(page)

    # Warehouse prints the dispatch note and dispatches with a tracking number.
    login(page, "wang")
    page.goto(shipment.get_absolute_url())
    page.locator(f"#print-dispatch-note-{shipment.pk}").click()  # asks first: it starts picking
    expect(page.locator("#job-ready")).to_be_visible(timeout=30_000)  # the job page, rendered by the worker
    with page.expect_download() as download_info:
        page.locator("#job-download").click()
    text = "".join(p.extract_text() for p in PdfReader(download_info.value.path()).pages)
    assert "TM-7001" in text and "李小龙" in text
    page.goto(shipment.get_absolute_url())
    expect(page.locator("#shipment-state")).to_have_attribute("data-state", "picking")
    page.locator("#dispatch-form select[name=carrier]").select_option(str(carrier.pk), force=True)
    page.locator("#dispatch-form input[name=tracking_number]").fill("SF1234567890")
    page.locator("#action-dispatch").click()
    expect(page.locator("#shipment-state")).to_have_attribute("data-state", "dispatched")
    expect(page.locator("#tracking-number a")).to_have_attribute("href", "https://sf.example/SF1234567890")

    # The order shows shipped; the product's ledger shows the out row.
    page.locator("#order-link").click()
    expect(page.locator("#fulfilment-status")).to_have_attribute("data-status", "shipped")
    page.goto(reverse("inventory:product_ledger", args=[product.pk]))
    dispatch_row = page.locator("#ledger-table tbody tr", has_text="Dispatch")
    expect(dispatch_row).to_contain_text("-2")
    expect(dispatch_row.locator(f"a[href='{shipment.get_absolute_url()}']")).to_have_count(1)  # its source
    screenshot(page, "shipment-ledger")
    out = StockLedgerEntry.objects.get(product=product, direction=Direction.OUT)
    assert out.quantity == 2 and out.balance_after == 8
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.SHIPPED


def test_drop_ship_from_entry_to_the_suppliers_account(page):
    accept_dialogs(page)
    sales = people()
    supplier = SupplierFactory(name="杭州茶厂 Hangzhou Tea")
    product = ProductFactory(sku="CUP-002", name="茶杯 Cup", default_supplier=supplier,
                             supplier_unit_cost=Decimal("12.50"))
    order = OrderFactory(store=StoreFactory(salesperson=sales), external_order_no="JD-8001")
    line = OrderLineFactory(order=order, product=product, quantity=3)
    carrier = CarrierFactory(code="yto", name="圆通 YTO")

    login(page, "sally")
    page.goto(reverse("shipments:shipment_create") + f"?order={order.pk}")
    page.locator("#kind-drop_ship").check()
    expect(page.locator("#kind-part")).to_have_attribute("data-kind", "drop_ship")  # htmx swapped the part
    expect(page.locator(f"input[name=price_{line.pk}]")).to_have_value("12.50")  # prefilled from the product
    expect(page.locator("select[name=supplier]")).to_have_value(str(supplier.pk))  # the product's supplier
    page.locator(f"input[name=price_{line.pk}]").fill("11.00")
    page.locator("input[name=freight]").fill("15.00")
    page.locator("#save-submit").click()
    shipment = Shipment.objects.get()
    expect(page.locator("#shipment-state")).to_have_attribute("data-state", "submitted")
    logout(page)

    login(page, "alice")
    page.goto(shipment.get_absolute_url())
    page.locator("#action-approve").click()
    expect(page.locator("#shipment-state")).to_have_attribute("data-state", "approved")
    logout(page)

    login(page, "sally")
    page.goto(shipment.get_absolute_url())
    page.locator("#dispatch-form select[name=carrier]").select_option(str(carrier.pk), force=True)
    page.locator("#dispatch-form input[name=tracking_number]").fill("YT555")
    page.locator("#action-dispatch").click()
    expect(page.locator("#shipment-state")).to_have_attribute("data-state", "dispatched")
    assert Shipment.objects.get().state == ShipmentState.DISPATCHED
    logout(page)

    login(page, "fiona")
    page.goto(reverse("reconciliation:supplier_entries", args=[supplier.pk]))
    body = page.locator("main")
    expect(body).to_contain_text("Drop-ship goods")
    expect(body).to_contain_text("Freight")
    expect(body).to_contain_text("33.00")
    expect(body).to_contain_text("15.00")
    screenshot(page, "drop-ship-supplier-account")
    assert sorted((e.kind, e.amount) for e in SupplierAccountEntry.objects.all()) == [
        ("drop_ship_goods", Decimal("33.00")), ("freight", Decimal("15.00"))]

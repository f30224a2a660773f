"""In Chromium: sales enters a drop-ship for an order whose lines come from two manufacturers. The form
says the lines come from 2 suppliers and offers 2 drop-ships; confirmed, a price with three decimals is
refused next to that price, on its marked row, and nothing is saved; corrected, one click enters both."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from shipments.models import Shipment, ShipmentState
from tests.browser.helpers import login, screenshot
from tests.factories import ProductFactory, StoreFactory, SupplierFactory, UserFactory
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.browser


def test_a_two_supplier_drop_ship_is_refused_on_its_row_then_split_in_two(page):
    sales = UserFactory(username="sally", roles=("sales",))
    tea_maker = SupplierFactory(name="杭州茶厂 Hangzhou Tea")
    cup_maker = SupplierFactory(name="景德镇瓷厂 Jingdezhen")
    tea = ProductFactory(sku="TEA-1", default_supplier=tea_maker, supplier_unit_cost=Decimal("30.00"))
    cup = ProductFactory(sku="CUP-1", default_supplier=cup_maker, supplier_unit_cost=Decimal("8.00"))
    order = OrderFactory(store=StoreFactory(salesperson=sales), external_order_no="TM-9001")
    tea_line = OrderLineFactory(order=order, product=tea, quantity=1)
    cup_line = OrderLineFactory(order=order, product=cup, quantity=2)

    login(page, "sally")
    page.goto(reverse("shipments:shipment_create") + f"?order={order.pk}")
    page.locator("#kind-drop_ship").check()
    expect(page.locator("#kind-part")).to_have_attribute("data-kind", "drop_ship")
    page.locator(f"input[name=price_{cup_line.pk}]").fill("8.005")
    page.locator("#save-submit").click()

    # The lines come from two makers: the form says so and offers one drop-ship each.
    expect(page.locator("#supplier-split")).to_contain_text("These lines come from 2 suppliers")
    page.locator(f"input[name=freight_{cup_maker.pk}]").fill("6.00")
    screenshot(page, "shipment-entry-split")
    page.locator("#split-confirm").click()

    # Confirmed, the bad price is refused on its row, next to the price; nothing is saved.
    cup_row = page.locator(f"tr[data-line='{cup_line.pk}']")
    expect(cup_row).to_have_class("table-danger line-invalid")
    expect(cup_row.locator(f"#id_price_{cup_line.pk}_error")).to_contain_text(f"Line 2 ({cup.sku}): the supplier unit price has at most 2 decimal places")
    expect(page.locator(f"tr[data-line='{tea_line.pk}']")).not_to_have_class("table-danger line-invalid")
    expect(page.locator("#supplier-split")).to_be_visible()  # the offer stays, with the freight typed
    expect(page.locator(f"input[name=freight_{cup_maker.pk}]")).to_have_value("6.00")
    screenshot(page, "shipment-entry-row-error")
    assert not Shipment.objects.exists()

    page.locator(f"input[name=price_{cup_line.pk}]").fill("8.00")
    page.locator("#split-confirm").click()

    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(page.locator("body")).to_contain_text("2 drop-ships saved, one per supplier")
    shipments = list(Shipment.objects.order_by("pk"))
    assert [(s.supplier, s.freight, s.state) for s in shipments] == [
        (tea_maker, Decimal("0.00"), ShipmentState.SUBMITTED), (cup_maker, Decimal("6.00"), ShipmentState.SUBMITTED)]

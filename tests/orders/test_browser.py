"""In Chromium, on a phone (390 px): sales types in an order, lands on its page, finds it in the list
and cancels it; none of the order pages is wider than the screen."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from orders.models import FulfilmentStatus, Order
from tests.browser.helpers import login, screenshot, wider_than_viewport
from tests.factories import ProductFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.browser


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wider_than_viewport(page)


def test_sales_types_in_an_order_on_a_phone_and_cancels_it(phone_page):
    page = phone_page
    sales = UserFactory(username="sally", roles=("sales",))
    store = StoreFactory(name="天猫旗舰店", salesperson=sales)
    product = ProductFactory(sku="TEA-001", name="龙井茶 Longjing tea")
    login(page, "sally")

    page.goto(reverse("orders:order_create"))
    fits(page)
    page.locator("select[name=store]").select_option(str(store.pk), force=True)
    page.get_by_label("Order no.").fill("TM-20261120-1")
    page.get_by_label("Recipient name").fill("张三")
    page.get_by_label("Recipient phone").fill("13800138000")
    page.get_by_label("Recipient address").fill("上海市浦东新区世纪大道 100 号")
    page.locator("select[name=lines-0-product]").select_option(str(product.pk), force=True)
    page.locator("input[name=lines-0-quantity]").fill("2")
    page.locator("input[name=lines-0-unit_price]").fill("88.00")
    page.get_by_role("button", name="Save order").click()

    order = Order.objects.get(external_order_no="TM-20261120-1")
    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(page.locator("#fulfilment-status")).to_have_attribute("data-status", "awaiting_shipment")
    expect(page.locator("#order-lines")).to_contain_text("TEA-001")
    fits(page)
    screenshot(page, "order-detail-390")

    page.goto(reverse("orders:order_list"))
    expect(page.locator("#order-table")).to_contain_text("TM-20261120-1")
    fits(page)
    page.goto(reverse("orders:order_import"))
    fits(page)

    page.goto(order.get_absolute_url())
    page.get_by_label("Reason").fill("Customer cancelled in the store")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel order").click()
    expect(page.locator("#fulfilment-status")).to_have_attribute("data-status", "cancelled")
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.CANCELLED

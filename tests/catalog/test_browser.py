"""Master-data pages in a real browser: the product list fits a phone (filters fold away, the table
scrolls inside its box), and a manager picks a store's salesperson by typing in the searchable list.
Screenshots go to test-artifacts/ for a person to look at."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from catalog.models import Store
from tests.browser.conftest import browser, page, phone_page  # noqa: F401  (fixtures)
from tests.browser.helpers import horizontal_overflow, login, screenshot, wider_than_viewport
from tests.factories import ProductFactory, SupplierFactory

pytestmark = pytest.mark.browser


def seed_products():
    silk = SupplierFactory(name="杭州丝绸制造厂 Hangzhou Silk Works")
    for i in range(30):
        ProductFactory(sku=f"SILK-{i:03d}", name=f"真丝围巾 Silk scarf {i}", default_supplier=silk,
                       list_price=Decimal("199.00") + i)


def test_product_list_on_a_phone(phone_page, make_user):  # noqa: F811
    make_user("manager", username="zhou")
    seed_products()
    login(phone_page, "zhou")
    phone_page.goto(reverse("catalog:product_list"))

    expect(phone_page.locator("#list-filters")).to_be_hidden()  # folded away on a phone
    phone_page.locator("#filter-toggle").click()
    # Bootstrap's unfolding animation ends with "collapse show"; a tap on the moving Filter button
    # during the animation can miss it (as happened on a loaded CI machine).
    expect(phone_page.locator("#list-filters")).to_have_class(re.compile(r"\bcollapse\b.*\bshow\b"))
    phone_page.get_by_label("Search").fill("SILK-02")
    phone_page.get_by_role("button", name="Filter", exact=True).click()
    expect(phone_page).to_have_url(re.compile(r"[?&]q=SILK-02"))
    expect(phone_page.locator("table tbody tr")).to_have_count(10)  # SILK-020 … SILK-029
    screenshot(phone_page, "catalog-product-list-390")
    assert horizontal_overflow(phone_page) == 0, wider_than_viewport(phone_page)
    assert not phone_page.js_errors


def test_product_list_on_a_desktop_sorts_and_pages(page, make_user):  # noqa: F811
    make_user("manager", username="zhou")
    seed_products()
    login(page, "zhou")
    page.goto(reverse("catalog:product_list"))
    expect(page.locator("#list-filters")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(25)
    page.get_by_role("link", name="List price").click()
    page.get_by_role("link", name="List price").click()  # second click: descending
    expect(page.locator("table tbody tr").first).to_contain_text("SILK-029")
    page.get_by_role("link", name="Next").click()
    expect(page.locator("table tbody tr")).to_have_count(5)
    screenshot(page, "catalog-product-list-1280")
    assert not page.js_errors


def test_manager_picks_the_salesperson_by_typing(page, make_user):  # noqa: F811
    make_user("manager", username="zhou")
    make_user("sales", username="lina", first_name="Li", last_name="Na 李娜")
    make_user("sales", username="wang", first_name="Wang", last_name="Qiang 王强")
    make_user("finance", username="chen")  # not in the sales group: never offered
    login(page, "zhou")
    page.goto(reverse("catalog:store_create"))

    page.get_by_label("Name").fill("天猫旗舰店")
    page.get_by_label("Platform").select_option("tmall")
    page.locator("#field-salesperson .ts-control").click()
    page.keyboard.type("李娜")
    options = page.locator("#field-salesperson .ts-dropdown .option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("李娜")
    options.first.click()
    page.locator("main form button[type=submit]").click()

    expect(page.locator(".alert-success")).to_contain_text("天猫旗舰店 was created.")
    assert Store.objects.get(name="天猫旗舰店").salesperson.username == "lina"
    assert not page.js_errors

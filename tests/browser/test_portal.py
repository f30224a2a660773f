"""The supplier portal in a phone's browser (390×844), in Chinese: a supplier user accepts its invitation,
sets a password, dispatches a drop-ship with a tracking no.; then sales opens the shipment's page and sees
it dispatched, with the supplier account entries the dispatch posted. Screenshots in test-artifacts/."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal import invitations
from tests.browser.helpers import screenshot
from tests.factories import UserFactory
from tests.portal.factories import approved_drop_ship

pytestmark = pytest.mark.browser


def in_chinese(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])


def open_menu(page):
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator(".navbar-collapse")).to_have_class(re.compile(r"\bshow\b"))


def test_a_supplier_accepts_its_invitation_dispatches_and_sales_sees_the_entries(phone_page, live_server):
    page = phone_page
    drop_ship = approved_drop_ship(price="12.50", quantity=2, freight="5.00")
    finance = UserFactory(roles=("finance",))
    invitation = invitations.invite_supplier_user(drop_ship.supplier, email="li@factory.example", actor=finance)
    in_chinese(page, live_server)

    page.goto(reverse("portal:accept", args=[invitations.token_for(invitation)]))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.locator("#accept-form input[name=first_name]").fill("李工")
    page.locator("input[name=password]").fill("Sup-plier-2026!")
    page.locator("input[name=password_again]").fill("Sup-plier-2026!")
    page.locator("#accept-form select[name=language]").select_option("zh-hans")
    screenshot(page, "portal-accept-invitation-zh")
    page.locator("#accept-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"^[^?]*" + re.escape(reverse("portal:home")) + "$"))
    expect(page.locator("#todo-dispatch")).to_contain_text(drop_ship.number)
    screenshot(page, "portal-home-zh")
    page.locator("#todo-dispatch a", has_text=drop_ship.number).click()
    expect(page.locator("#dropship-recipient")).to_contain_text(drop_ship.order.recipient_name)
    page.locator("select[name=carrier]").select_option(str(drop_ship.world.carrier.pk))
    page.locator("input[name=tracking_number]").fill("SF1234567890")
    page.locator("#dispatch-form button[type=submit]").click()
    expect(page.locator("#dropship-detail")).to_have_attribute("data-state", "dispatched")
    expect(page.locator("#dropship-tracking")).to_contain_text("SF1234567890")
    screenshot(page, "portal-dropship-dispatched-zh")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    open_menu(page)
    page.locator("nav form[action$='/accounts/logout/'] button").click()

    sales = drop_ship.world.sales
    sales.language = "zh-hans"  # the seller reads it in Chinese too
    sales.save(update_fields=["language"])
    page.goto(reverse("accounts:login"))
    page.locator("input[name=username]").fill(drop_ship.world.sales.username)
    page.locator("input[name=password]").fill("demo")
    page.locator("form button[type=submit]").click()
    page.goto(reverse("shipments:shipment_detail", args=[drop_ship.pk]))
    expect(page.locator("#shipment-state")).to_have_attribute("data-state", "dispatched")
    expect(page.locator("#tracking-number")).to_contain_text("SF1234567890")
    entries = page.locator("#supplier-entries .supplier-entry")
    expect(entries).to_have_count(2)  # the goods (2 × 12.50) and the freight
    expect(page.locator("#supplier-entries")).to_contain_text("25.00")
    expect(page.locator("#supplier-entries")).to_contain_text("5.00")
    screenshot(page, "portal-sales-sees-supplier-dispatch-zh")
    assert not page.js_errors

"""Smoke test in a real browser: every role logs in through the form, lands on its own home page and
logs out; the home page fits a phone; the language switcher switches. Screenshots of the home page
(1280 px and 390 px wide) are left in test-artifacts/ for a person to look at."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from accounts.roles import INTERNAL_ROLES, Role
from reports.home import QUEUES
from tests.browser.helpers import horizontal_overflow, login, logout, screenshot, wider_than_viewport

pytestmark = pytest.mark.browser


COMPILED_CATALOGUE = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"


def ends_with(path):
    return re.compile(re.escape(path) + "$")


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_each_internal_role_logs_in_sees_its_work_queue_and_logs_out(page, make_user, role):
    make_user(role, username=f"{role}-person")

    login(page, f"{role}-person")

    expect(page).to_have_url(ends_with(reverse("reports:home")))
    expect(page.locator(f'.work-queue[data-role="{role}"]')).to_be_visible()
    expect(page.locator(".work-queue")).to_have_count(1)  # only that role's queue
    expect(page.locator("#portal-home")).to_have_count(0)
    assert page.evaluate("getComputedStyle(document.querySelector('nav.navbar')).display") == "flex", \
        "Bootstrap's CSS did not load (is whitenoise serving /static/ from the finders?)"
    logout(page)
    expect(page.locator("#current-user")).to_have_count(0)
    assert not page.js_errors


def test_supplier_logs_in_to_the_portal_and_sees_nothing_internal(page, make_user):
    make_user(Role.SUPPLIER, username="acme-supplier")

    login(page, "acme-supplier")

    expect(page).to_have_url(ends_with(reverse("portal:home")))
    expect(page.locator("#portal-home")).to_be_visible()
    expect(page.locator("#mainnav")).to_have_count(0)  # no internal menu: the portal has its own
    expect(page.locator(".work-queue")).to_have_count(0)

    # Typing an internal address sends it back to its own corner.
    page.goto(reverse("reports:home"))
    expect(page.locator("#portal-home")).to_be_visible()
    logout(page)


def test_a_login_without_any_role_is_told_to_ask_for_one(page, make_user):
    make_user(username="newcomer")
    login(page, "newcomer")
    expect(page.locator("#no-role")).to_be_visible()  # the 403 page, inside the site's frame
    expect(page.locator("#mainnav .navbar-nav .nav-link")).to_have_count(0)
    logout(page)


def test_home_page_at_desktop_width(page, make_user):
    make_user(*INTERNAL_ROLES, username="allrounder", first_name="Ada", last_name="Wang")
    login(page, "allrounder")

    expect(page.locator(".work-queue")).to_have_count(len(INTERNAL_ROLES))
    # Our own stylesheet is served too (whitenoise, from the finders in tests).
    expect(page.locator(".work-queue .card-header").first).to_have_css("background-color", "rgb(243, 245, 247)")
    expect(page.locator(".navbar-toggler")).to_be_hidden()  # the full menu shows at 1280 px
    expect(page.locator("#mainnav")).to_be_visible()
    assert horizontal_overflow(page) == 0
    screenshot(page, "home-1280")


def test_home_page_fits_a_phone_and_the_menu_collapses(phone_page, make_user):
    page = phone_page
    make_user(*INTERNAL_ROLES, username="allrounder", first_name="Ada", last_name="Wang")
    login(page, "allrounder")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wider_than_viewport(page)
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(page.locator("#mainnav")).to_be_hidden()
    # Each queue card takes the full width, one under the other.
    widths = page.locator(".work-queue").evaluate_all("cards => cards.map(c => c.getBoundingClientRect().width)")
    assert len(widths) == len(INTERNAL_ROLES) and min(widths) > 300
    screenshot(page, "home-390")

    toggler.click()
    expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))  # opened, not mid-slide
    expect(page.locator("#current-user")).to_be_visible()
    screenshot(page, "home-390-menu-open", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wider_than_viewport(page)


def test_login_page_fits_a_phone(phone_page):
    page = phone_page
    page.goto(reverse("accounts:login"))
    expect(page.get_by_label("Username")).to_be_visible()
    screenshot(page, "login-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wider_than_viewport(page)


def test_language_switcher_turns_the_page_to_chinese_and_back(page, make_user):
    make_user(Role.SALES, username="lina")
    login(page, "lina")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    with page.expect_navigation():
        page.locator("#language-switcher select").select_option(label="中文")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    queue = page.locator('.work-queue[data-role="sales"]')  # still the same page, now in Chinese
    with translation.override("zh-hans"):
        expect(queue.locator(".card-header")).to_have_text(str(QUEUES[0][1]))
    if COMPILED_CATALOGUE.exists():  # `make test` compiles it (*.mo files are not committed)
        expect(queue.locator(".card-header")).to_have_text("待发货订单")
        expect(page.locator("nav")).to_contain_text("退出登录")
    expect(page.locator("#language-switcher select")).to_have_value("zh-hans")

    with page.expect_navigation():
        page.locator("#language-switcher select").select_option(value="en")
    expect(page.locator("html")).to_have_attribute("lang", "en")

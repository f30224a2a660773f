"""Helpers for browser tests (Playwright's sync API). Import them in any browser test:

    from tests.browser.helpers import login, logout
"""

import re

from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

DEMO_PASSWORD = "demo"
ARTIFACTS = settings.BASE_DIR / "test-artifacts"


def login(page: Page, username: str, password: str = DEMO_PASSWORD):
    """Log in through the login form, as a person would; returns the page showing where it landed
    (the role's home, or the supplier placeholder). The page's base URL is the live server."""
    page.goto(reverse("accounts:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#current-user")).to_have_text(username)
    return page


def logout(page: Page):
    """Press "Log out" (in the collapsed menu on a narrow screen) and land on the login page."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))  # opened, not mid-slide
    page.locator("nav form[action$='/accounts/logout/'] button").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login"))))
    return page


def screenshot(page: Page, name: str, *, full_page: bool = True):
    """Save a screenshot as a test artifact: test-artifacts/<name>.png (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = nothing sticks out sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def wider_than_viewport(page: Page) -> list[str]:
    """The elements sticking out past the right edge of the viewport (for failure messages)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
            .slice(0, 10)
            .map(el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}`
                       + ` right=${Math.round(el.getBoundingClientRect().right)}`)"""
    )

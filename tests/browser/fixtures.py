"""Browser fixtures, a pytest plugin loaded by tests/conftest.py (`pytest_plugins`), so every test may
use them without importing anything: the system Chromium (never `playwright install`), driven by
Playwright's sync API against pytest-django's live server. One browser per session, a fresh context (cookies, viewport) per
test. Missing Chromium skips, or fails under CI=true.

    pytestmark = pytest.mark.browser    # tests using `browser` (or living in tests/browser/) get it anyway

    def test_something(page, make_user):
        make_user("sales", username="lina")
        login(page, "lina")            # from tests.browser.helpers
        page.goto("/home/")            # relative to the live server

`page` is 1280 px wide; `phone_page` is 390 px wide (a phone). Live-server tests are transactional:
the database is emptied after each (data migrations' rows included), so each test starts by putting
the role groups and their default grants back (`restore_roles`). Django's serialized rollback is no
use here: once Playwright runs, the test body gets a fresh connection object without the serialized
copy that was made at database creation."""

import os
from pathlib import Path

import pytest

from tests.worker_support import restore_roles

CHROMIUM = Path(os.environ.get("CONSIGN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    from tests.conftest import skip_or_fail  # (not at the top: tests/conftest.py imports this module)

    if not CHROMIUM.exists():
        skip_or_fail(f"browser tests need Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse ORM
    # calls made from the test body (make_user…) as "async unsafe". Live-server tests run last.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, live_server, viewport, **context_kwargs):
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, locale="en-US", **context_kwargs
    )
    context.set_default_timeout(5_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    return context, page


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A fresh browser tab, 1280 px wide, pointed at the live server (page.goto("/home/"))."""
    restore_roles()
    context, page = _new_page(browser, live_server, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server, transactional_db):
    """A fresh browser tab the size of a phone: 390 px wide, touch, mobile viewport."""
    restore_roles()
    context, page = _new_page(browser, live_server, PHONE, is_mobile=True, has_touch=True,
                              device_scale_factor=2)
    yield page
    context.close()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # A test that drives Chromium is a browser test, so `-m "not browser"` leaves it out.
    here = Path(__file__).parent
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) or here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)

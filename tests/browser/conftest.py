"""The browser fixtures (`browser`, `page`, `phone_page`) are in tests/browser/fixtures.py, a plugin that
tests/conftest.py loads for every test: use them without importing them."""

_NOT_A_FIXTURE = "the browser fixtures are global now (tests/browser/fixtures.py); no import needed"


def __getattr__(name):
    # `from tests.browser.conftest import browser, page, phone_page` (the first way of reaching them)
    # keeps importing, but gives plain strings: a second copy of the session-wide `browser` fixture
    # in a test module would start a second Playwright inside the first one's event loop.
    if name in ("browser", "page", "phone_page"):
        return _NOT_A_FIXTURE
    raise AttributeError(name)

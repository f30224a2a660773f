"""The interactive API docs in a real browser: Swagger UI, from the app's own static files, draws every
operation of the OpenAPI document, and nothing is fetched from another host."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import screenshot

pytestmark = pytest.mark.browser


def test_the_docs_page_draws_the_operations_from_our_own_files(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/api/v1/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Consign API")
    expect(page.locator("#operations-shipments-shipments_approve")).to_be_visible()
    expect(page.locator(".opblock")).not_to_have_count(0)
    screenshot(page, "api-docs")
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
    assert not page.js_errors

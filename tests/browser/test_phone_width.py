"""Every page fits a phone: the superuser opens each page of the project that answers a GET with an
HTML page (pages with arguments get them from the URL walk's ARGS), 390 px wide, and nothing may stick
out sideways (wide tables scroll inside their own box). The pages come from the URL walk, so a new
page is checked without a new test."""

import pytest
from django.urls import reverse

from tests.accounts.test_url_walk import ARGS, project_pages
from tests.browser.helpers import login, screenshot, wider_than_viewport

pytestmark = pytest.mark.browser

NOT_PAGES = {"accounts:logout", "accounts:login", "accounts:root", "set_language", "healthz"}


def test_every_page_fits_a_phone(phone_page, make_user):
    page = phone_page
    root = make_user(username="root", is_superuser=True, is_staff=True)
    login(page, "root")
    checked, too_wide = [], []
    for name in sorted(project_pages()):
        if name in NOT_PAGES:
            continue
        kwargs = ARGS.get(name)
        url = reverse(name, kwargs=kwargs(root) if callable(kwargs) else kwargs)  # objects to show
        probe = page.request.get(url, max_redirects=0)  # same cookies as the tab
        if probe.status != 200 or "<html" not in probe.text()[:500]:
            continue  # downloads, POST-only actions, redirects, htmx fragments
        page.goto(url)
        checked.append(name)
        if page.evaluate("document.documentElement.scrollWidth") > 390:
            screenshot(page, f"too-wide-{name.replace(':', '-')}")
            too_wide.append(f"{name} {url}: {wider_than_viewport(page)}")
    assert len(checked) >= 10, checked
    print(f"{len(checked)} pages checked at 390 px: {', '.join(checked)}")
    assert not too_wide, "pages wider than a phone (390 px):\n  " + "\n  ".join(too_wide)
    assert not page.js_errors

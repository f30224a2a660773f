"""The inbox in a browser: on a phone nothing sticks out, and marking one read (htmx) updates the row
and the header badge without a page load."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import horizontal_overflow, login, screenshot, wider_than_viewport
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.browser


def test_inbox_on_a_phone_marks_one_read_in_place(phone_page, make_user):
    page = phone_page
    lina = make_user("sales", username="lina")
    first = NotificationFactory(
        recipient=lina, subject="新订单 TM-20261124-000123 from 天猫旗舰店 needs a shipment before Friday",
        body="Recipient 张三, 上海市浦东新区世纪大道 100 号 " + "x" * 80,
    )
    NotificationFactory(recipient=lina, subject="Shipment S-42 approved")
    login(page, "lina")

    page.goto(reverse("notifications:inbox"))
    expect(page.locator("#inbox-badge [data-unread]")).to_have_text("2")
    assert horizontal_overflow(page) == 0, wider_than_viewport(page)
    screenshot(page, "inbox-390")

    page.locator(f"#notification-{first.pk} form[action$='/read/'] button").click()

    expect(page.locator(f"#notification-{first.pk}")).to_have_attribute("data-read", "1")
    expect(page.locator("#inbox-badge [data-unread]")).to_have_text("1")
    assert page.js_errors == []

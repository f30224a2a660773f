"""The shipping dashboard on a phone (390×844): a manager opens it, unfolds the filters, changes the period,
sees the chart and the table follow, taps a bar and lands on the shipment list behind it. Screenshots are
kept under test-artifacts/."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from shipments import summary
from shipments.models import Shipment
from tests.aftersales.factories import dispatch_units
from tests.browser.helpers import horizontal_overflow, login, screenshot
from tests.factories import ProductFactory, StoreFactory
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.browser


def dispatched(store, product, quantity, *, days_ago):
    line = OrderLineFactory(order=OrderFactory(store=store), product=product, quantity=quantity)
    shipment = dispatch_units(line, quantity)
    when = timezone.now() - timedelta(days=days_ago)
    # back-date the dispatch (and the order before it) so the story spans the periods the test switches between
    Shipment.objects.filter(pk=shipment.pk).update(dispatched_at=when)
    type(line.order).objects.filter(pk=line.order_id).update(ordered_at=when - timedelta(hours=5))
    summary.rebuild()  # the daily summary follows the back-dated facts, as `rebuild_summaries` would
    return shipment


def test_a_manager_reads_the_shipping_dashboard_on_a_phone(phone_page, make_user):
    page = phone_page
    make_user("manager", username="mona")
    store = StoreFactory(name="Tmall flagship")
    recent, older = ProductFactory(sku="RECENT-1"), ProductFactory(sku="OLDER-1")
    new_shipments = [dispatched(store, recent, 3, days_ago=1), dispatched(store, recent, 2, days_ago=2)]
    dispatched(store, older, 4, days_ago=20)

    login(page, "mona")
    page.goto(reverse("reports:shipping"))
    expect(page.locator("#dashboard-filters")).to_be_hidden()  # folded on a phone
    products = page.locator("#table-by-product tbody tr")
    expect(products).to_have_count(2)  # the default period (30 days) holds both products
    expect(page.locator("#chart-by-product canvas")).not_to_have_count(0)
    assert horizontal_overflow(page) == 0
    screenshot(page, "reports-shipping-phone-30-days")

    page.locator("#filter-toggle").click()
    expect(page.locator("#dashboard-filters")).to_be_visible()
    page.locator("#id_period").select_option("last_7")
    page.locator("#filter-submit").click()
    expect(page).to_have_url(re.compile(r"period=last_7"))
    expect(products).to_have_count(1)  # only the recent product left in the last 7 days
    expect(products.first).to_contain_text("RECENT-1")
    expect(page.locator("#table-summary")).to_contain_text("5")  # units of the two recent shipments
    first_day = (timezone.localdate() - timedelta(days=6)).isoformat()
    expect(page.locator("#dashboard-period")).to_contain_text(first_day)
    assert horizontal_overflow(page) == 0
    screenshot(page, "reports-shipping-phone-7-days")

    # the chart follows: one bar now; tap its middle (its position from ECharts' own convertToPixel)
    chart = page.locator("#chart-by-product")
    chart.scroll_into_view_if_needed()
    expect(chart.locator("canvas")).not_to_have_count(0)
    x, y = chart.evaluate("""el => {
        const chart = echarts.getInstanceByDom(el);
        const series = chart.getOption().series[0];
        return chart.convertToPixel({seriesIndex: 0}, [0, series.data[0] / 2]);
    }""")
    assert page.evaluate("() => echarts.getInstanceByDom(document.querySelector('#chart-by-product'))"
                         ".getOption().series[0].data") == [5]
    box = chart.bounding_box()
    screenshot(page, "reports-shipping-phone-before-tap", full_page=False)
    page.touchscreen.tap(box["x"] + x, box["y"] + y)

    expect(page).to_have_url(re.compile(re.escape(reverse("shipments:shipment_list")) + rf"\?.*product={recent.pk}\b"))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(len(new_shipments))
    for shipment in new_shipments:
        expect(page.locator("table tbody")).to_contain_text(shipment.number)
    screenshot(page, "reports-shipping-phone-tapped-bar-shipments")
    assert not page.js_errors, page.js_errors

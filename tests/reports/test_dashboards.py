"""The shipping statistics, after-sales analysis and supplier scorecard dashboards: who may open them, the
figures of a small story (computed here by hand), the links behind the rows, a constant number of queries,
and filters that refuse bad input without a 500."""

import datetime
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.models import TicketReason, TicketType
from catalog.models import Supplier
from reconciliation.scorecard import supplier_scorecard
from reports.filters import DashboardFilterForm, ReportFilters
from reports.shipping import shipping_charts
from shipments.models import Shipment
from tests.aftersales.factories import dispatch_units, make_ticket
from tests.factories import ProductFactory, StoreFactory, SupplierFactory
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

DASHBOARDS = ["reports:shipping", "reports:aftersales", "reports:scorecard"]


@pytest.fixture
def story():
    """Two stores (48 h and 24 h promised), one supplier each, three drop-ships dispatched now:
    - store A, 10 h after the order, 3 units of product P (on time);
    - store A, 30 h after the order, 2 units of product P (on time: 48 h);
    - store B, 30 h after the order, 4 units of product Q (late: 24 h)."""
    now = timezone.now()
    supplier_a, supplier_b = SupplierFactory(name="Alpha"), SupplierFactory(name="Beta")
    store_a = StoreFactory(name="Store A", promised_dispatch_hours=48)
    store_b = StoreFactory(name="Store B", promised_dispatch_hours=24)
    p, q = ProductFactory(default_supplier=supplier_a, sku="P-1"), ProductFactory(default_supplier=supplier_b, sku="Q-1")
    lines = [
        OrderLineFactory(order=OrderFactory(store=store_a, ordered_at=now - timedelta(hours=10)), product=p, quantity=3),
        OrderLineFactory(order=OrderFactory(store=store_a, ordered_at=now - timedelta(hours=30)), product=p, quantity=2),
        OrderLineFactory(order=OrderFactory(store=store_b, ordered_at=now - timedelta(hours=30)), product=q, quantity=4),
    ]
    shipments = [dispatch_units(line, line.quantity) for line in lines]
    return {"stores": (store_a, store_b), "suppliers": (supplier_a, supplier_b), "products": (p, q),
            "lines": lines, "shipments": shipments}


def today_filters(**kwargs):
    today = timezone.localdate()
    return ReportFilters(date_from=today - timedelta(days=1), date_to=today, **kwargs)


def charts_by_id(charts):
    return {chart.id: chart for chart in charts}


@pytest.mark.parametrize("url_name", DASHBOARDS)
@pytest.mark.parametrize("role", ["sales", "warehouse", "approver"])
def test_other_roles_are_refused(client, make_user, url_name, role):
    client.force_login(make_user(role))
    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("url_name", DASHBOARDS)
def test_a_supplier_login_is_sent_to_its_own_corner(client, make_user, url_name):
    user = make_user("supplier")
    SupplierFactory().portal_users.add(user)
    client.force_login(user)
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and "/reports/" not in response["Location"]


def test_finance_reads_the_scorecard_but_not_shipping(client, make_user):
    client.force_login(make_user("finance"))
    assert client.get(reverse("reports:scorecard")).status_code == 200
    assert client.get(reverse("reports:shipping")).status_code == 403


def test_shipping_figures_of_the_story(story):
    charts = charts_by_id(shipping_charts(today_filters()))
    summary = {row.label: row.values[0] for row in charts["summary"].rows}
    assert summary["Shipments"] == 3 and summary["Orders"] == 3 and summary["Units"] == 9
    # hours 10, 30, 30 → median 30; p90 = 30 (interpolated between the 2nd and 3rd of three)
    assert summary["Hours from order to dispatch, median"] == pytest.approx(30, abs=0.05)
    assert summary["Hours from order to dispatch, 90th percentile"] == pytest.approx(30, abs=0.05)
    assert summary["Dispatched by the deadline (%)"] == pytest.approx(66.7)

    stores = {row.label: row.values for row in charts["by-store"].rows}
    assert stores == {"Store A": [2, 2, 5, 100.0], "Store B": [1, 1, 4, 0.0]}
    suppliers = {row.label: row.values[:3] for row in charts["by-supplier"].rows}
    assert suppliers == {"Alpha": [2, 2, 5], "Beta": [1, 1, 4]}
    products = {row.label.split()[0]: row.values[2] for row in charts["by-product"].rows}
    assert products == {"P-1": 5, "Q-1": 4}
    assert [(row.label, row.values[0]) for row in charts["by-kind"].rows] == [("Drop-ship", 3)]
    assert sum(row.values[2] for row in charts["by-period"].rows) == 9


def test_shipping_filters_narrow_every_figure(story):
    store_a, _store_b = story["stores"]
    charts = charts_by_id(shipping_charts(today_filters(store=store_a)))
    assert {row.label for row in charts["by-store"].rows} == {"Store A"}
    assert charts["summary"].rows[2].values == [5]
    _p, q = story["products"]
    charts = charts_by_id(shipping_charts(today_filters(product=q)))
    assert charts["summary"].rows[0].values == [1]


def test_a_period_without_dispatches_shows_nothing(story):
    long_ago = datetime.date(2020, 1, 1)
    charts = charts_by_id(shipping_charts(ReportFilters(date_from=long_ago, date_to=long_ago)))
    assert charts["by-store"].rows == [] and charts["summary"].rows[0].values == [0]
    assert charts["summary"].rows[3].values == [None]  # no median without a dispatch


def test_a_row_links_to_the_shipment_list_with_the_same_filters(client, make_user, story):
    store_a, _store_b = story["stores"]
    client.force_login(make_user("manager"))
    page = client.get(reverse("reports:shipping"), {"period": "last_7"})
    assert page.status_code == 200
    row = next(row for row in charts_by_id(page.context["charts"])["by-store"].rows if row.label == "Store A")
    query = parse_qs(urlsplit(row.url).query)
    assert query["store"] == [str(store_a.pk)]
    assert query["dispatched_to"] == [timezone.localdate().isoformat()]
    listed = client.get(row.url)
    assert listed.status_code == 200
    shown = {shipment.pk for shipment in listed.context["table"].data}
    assert shown == {s.pk for s in story["shipments"][:2]}
    html = page.content.decode()
    assert 'id="by-store-config"' in html and "echarts.min.js" in html and row.url.replace("&", "&amp;") in html


def test_the_shipment_list_filters_by_product_and_dispatch_day(client, make_user, story):
    _p, q = story["products"]
    client.force_login(make_user("manager"))
    today = timezone.localdate().isoformat()
    listed = client.get(reverse("shipments:shipment_list"),
                        {"product": q.pk, "dispatched_from": today, "dispatched_to": today})
    assert {s.pk for s in listed.context["table"].data} == {story["shipments"][2].pk}
    listed = client.get(reverse("shipments:shipment_list"), {"dispatched_to": "2020-01-01"})
    assert list(listed.context["table"].data) == []


@pytest.mark.parametrize("url_name", DASHBOARDS)
def test_each_dashboard_takes_a_constant_number_of_queries(client, make_user, story, url_name,
                                                          django_assert_max_num_queries):
    client.force_login(make_user("manager"))
    client.get(reverse(url_name))  # warm the session and the menu
    with django_assert_max_num_queries(30) as first:
        assert client.get(reverse(url_name)).status_code == 200
    more = story["lines"][0]
    for _ in range(3):
        dispatch_units(OrderLineFactory(order=OrderFactory(store=more.order.store), product=ProductFactory()), 1)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("query", [
    {"date_from": "2026-02-30"}, {"date_from": "2026-03-01", "date_to": "2026-01-01"},
    {"store": "999999"}, {"store": "²"}, {"period": "forever"}, {"group_by": "hour"}, {"kind": "x"},
    {"period": "custom", "date_from": "2026-01-01"}, {"date_from": "1990-01-01", "date_to": "2026-01-01"},
])
def test_bad_filters_are_shown_not_crashed_on(client, make_user, query):
    client.force_login(make_user("manager"))
    for url_name in DASHBOARDS:
        page = client.get(reverse(url_name), query)
        assert page.status_code == 200
        if set(query) <= set(page.context["form"].fields):
            assert page.context["form"].errors, query


def test_a_custom_period_and_presets():
    form = DashboardFilterForm({"period": "custom", "date_from": "2026-01-05", "date_to": "2026-01-09"})
    assert form.filters().date_from == datetime.date(2026, 1, 5)
    assert form.filters().date_to == datetime.date(2026, 1, 9)
    today = timezone.localdate()
    form = DashboardFilterForm({"period": "this_month"})
    assert (form.filters().date_from, form.filters().date_to) == (today.replace(day=1), today)
    assert DashboardFilterForm().filters().date_from == today - timedelta(days=29)
    assert DashboardFilterForm()["period"].value() == "last_30"  # the form shows the period it reports on


def test_aftersales_figures_of_the_story(client, make_user, story):
    p_line, _second, q_line = story["lines"]
    make_ticket(type=TicketType.RETURN_REFUND, order_line=p_line, quantity=2, reason=TicketReason.DAMAGED)
    make_ticket(type=TicketType.COMPENSATION, order_line=q_line, quantity=1, manufacturer_amount=Decimal("30.00"),
                seller_amount=Decimal("10.00"))
    client.force_login(make_user("manager"))
    page = client.get(reverse("reports:aftersales"))
    charts = charts_by_id(page.context["charts"])
    products = {row.label: row.values for row in charts["by-product"].rows}
    # P: 2 ticketed of 5 dispatched = 40 %; Q: 1 of 4 = 25 %
    assert products == {"P-1": [1, 2, 5, 40.0], "Q-1": [1, 1, 4, 25.0]}
    suppliers = {row.label: row.values for row in charts["by-supplier"].rows}
    assert suppliers == {"Alpha": [1, 2, 5, 40.0], "Beta": [1, 1, 4, 25.0]}
    reasons = {row.label: row.values for row in charts["by-reason"].rows}
    assert reasons["Damaged in transit"] == [1, 2, 9, 22.2]
    compensation = {row.label: row.values[0] for row in charts["compensation"].rows}
    assert compensation == {"Manufacturer compensation": Decimal("30.00"), "Seller compensation": Decimal("10.00")}
    link = next(row.url for row in charts["by-product"].rows if row.label == "P-1")
    listed = client.get(link)
    assert listed.status_code == 200 and len(list(listed.context["table"].data)) == 1


def test_the_scorecard_selector(story):
    """On time is within the supplier's own promise from approval: Beta (24 h) had its drop-ship approved
    30 h before it left; Alpha (48 h) had 2 h."""
    p_line, _second, q_line = story["lines"]
    alpha_supplier, beta_supplier = story["suppliers"]
    Supplier.objects.filter(pk=beta_supplier.pk).update(promised_dispatch_hours=24)
    for shipment in story["shipments"]:
        hours = 30 if shipment.supplier_id == beta_supplier.pk else 2
        Shipment.objects.filter(pk=shipment.pk).update(approved_at=shipment.dispatched_at - timedelta(hours=hours))
    make_ticket(type=TicketType.COMPENSATION, order_line=q_line, quantity=2, manufacturer_amount=Decimal("12.50"))
    today = timezone.localdate()
    rows = {row.supplier_name: row for row in supplier_scorecard(date_from=today - timedelta(days=1), date_to=today)}
    alpha, beta = rows["Alpha"], rows["Beta"]
    assert (alpha.shipments, alpha.on_time, alpha.on_time_rate, alpha.dispatched_units) == (2, 2, 100.0, 5)
    assert alpha.avg_hours == pytest.approx(20.0, abs=0.05)
    assert (beta.shipments, beta.on_time, beta.on_time_rate) == (1, 0, 0.0)
    assert (beta.ticketed_units, beta.aftersales_rate, beta.compensation) == (2, 50.0, Decimal("12.50"))
    assert alpha.ticketed_units == 0 and alpha.aftersales_rate == 0.0 and alpha.disputes == 0
    # one supplier's card (the portal's): only that supplier, zeros when nothing happened
    (only,) = supplier_scorecard(story["suppliers"][0], date_from=today, date_to=today)
    assert only.supplier_name == "Alpha" and only.shipments == 2
    quiet = SupplierFactory(name="Quiet")
    (empty,) = supplier_scorecard(quiet, date_from=today, date_to=today)
    assert (empty.shipments, empty.on_time_rate, empty.aftersales_rate, empty.avg_hours) == (0, None, None, None)


def test_the_scorecard_page_links_each_supplier_to_its_drop_ships(client, make_user, story):
    client.force_login(make_user("manager"))
    page = client.get(reverse("reports:scorecard"))
    (chart,) = page.context["charts"]
    alpha = next(row for row in chart.rows if row.label == "Alpha")
    query = parse_qs(urlsplit(alpha.url).query)
    assert query["supplier"] == [str(story["suppliers"][0].pk)] and query["kind"] == ["drop_ship"]
    assert {s.pk for s in client.get(alpha.url).context["table"].data} == {s.pk for s in story["shipments"][:2]}

"""The order pages: list with filters and export, the order form, the order page and cancelling."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from orders.models import FulfilmentStatus, Order
from orders.services import set_fulfilment_status
from tests.factories import ProductFactory, StoreFactory

from .factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales_client(client, make_user):
    user = make_user("sales")
    client.force_login(user)
    client.user = user
    return client


def form_data(store, product, **overrides):
    data = {
        "store": store.pk, "external_order_no": "JD-778899", "ordered_at": "2026-11-20T10:30",
        "recipient_name": "王五", "recipient_phone": "13700000000", "recipient_address": "广州市天河区 8 号",
        "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-product": product.pk, "lines-0-quantity": "2", "lines-0-unit_price": "88.00",
    }
    data.update(overrides)
    return data


def test_sales_types_in_an_order_and_lands_on_its_page(sales_client):
    store, product = StoreFactory(), ProductFactory()
    response = sales_client.post(reverse("orders:order_create"), form_data(store, product))

    order = Order.objects.get()
    assert response.status_code == 302 and response.url == order.get_absolute_url()
    assert order.created_by == sales_client.user
    assert list(order.lines.values_list("quantity", "unit_price")) == [(2, Decimal("88.00"))]
    assert Notification.objects.filter(recipient=store.salesperson, event="order_created").count() == 1

    page = sales_client.get(response.url)
    assert page.status_code == 200
    assert "JD-778899" in page.text and "王五" in page.text
    assert page.context["lines"][0].open_quantity == 2


def test_submitting_the_same_order_again_opens_the_existing_one(sales_client):
    store, product = StoreFactory(), ProductFactory()
    sales_client.post(reverse("orders:order_create"), form_data(store, product))
    response = sales_client.post(reverse("orders:order_create"),
                                 form_data(store, product, **{"lines-0-quantity": "5"}), follow=True)

    assert Order.objects.count() == 1
    assert Order.objects.get().lines.get().quantity == 2
    assert "already exists" in response.text


def test_a_bad_line_is_shown_next_to_the_line_and_nothing_is_saved(sales_client):
    store, product = StoreFactory(), ProductFactory()
    response = sales_client.post(reverse("orders:order_create"),
                                 form_data(store, product, **{"lines-0-quantity": "0"}))

    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors["quantity"]
    assert not Order.objects.exists()


def test_an_order_without_lines_is_refused(sales_client):
    store, product = StoreFactory(), ProductFactory()
    data = form_data(store, product, **{"lines-0-product": "", "lines-0-quantity": "", "lines-0-unit_price": ""})
    response = sales_client.post(reverse("orders:order_create"), data)

    assert response.status_code == 400
    assert "at least one line" in response.text
    assert not Order.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("warehouse", 403), ("approver", 403), ("supplier", 302)])
def test_only_sales_may_open_the_order_form(client, make_user, role, status):
    client.force_login(make_user(role))
    response = client.post(reverse("orders:order_create"), form_data(StoreFactory(), ProductFactory()))
    assert response.status_code == status
    assert not Order.objects.exists()


def test_warehouse_reads_orders_but_a_supplier_is_sent_away(client, make_user):
    order = OrderFactory()
    client.force_login(make_user("warehouse"))
    assert client.get(reverse("orders:order_list")).status_code == 200
    assert client.get(order.get_absolute_url()).status_code == 200

    client.force_login(make_user("supplier"))
    assert client.get(reverse("orders:order_list")).status_code == 302
    assert client.get(order.get_absolute_url()).status_code == 302


def test_the_list_filters_by_store_status_date_and_hours_waiting(sales_client):
    now = timezone.now()
    store = StoreFactory()
    old = OrderFactory(store=store, external_order_no="OLD-1", ordered_at=now - timedelta(hours=50))
    fresh = OrderFactory(store=store, external_order_no="NEW-1", ordered_at=now - timedelta(hours=2))
    shipped = OrderFactory(external_order_no="SHIP-1", ordered_at=now - timedelta(hours=60))
    set_fulfilment_status(shipped, status=FulfilmentStatus.SHIPPED)
    url = reverse("orders:order_list")

    def numbers(**params):
        response = sales_client.get(url, params)
        assert response.status_code == 200
        return {row.record.external_order_no for row in response.context["table"].page.object_list}

    assert numbers() == {"OLD-1", "NEW-1", "SHIP-1"}
    assert numbers(store=store.pk) == {"OLD-1", "NEW-1"}
    assert numbers(fulfilment_status="shipped") == {"SHIP-1"}
    assert numbers(waiting_hours=24) == {"OLD-1"}
    today = timezone.localdate()
    assert numbers(ordered_from=today.isoformat(), ordered_to=today.isoformat()) == {
        o.external_order_no for o in Order.objects.filter(ordered_at__date=today)}
    assert numbers(ordered_to=(today - timedelta(days=30)).isoformat()) == set()
    assert numbers(q="NEW-1") == {"NEW-1"}
    assert old.pk and fresh.pk


def test_the_list_sorts_and_exports_the_filtered_rows(sales_client):
    OrderLineFactory(order=OrderFactory(external_order_no="=cmd()"))
    OrderFactory(external_order_no="B-2")
    url = reverse("orders:order_list")

    assert sales_client.get(url, {"sort": "store"}).status_code == 200
    assert sales_client.get(url, {"sort": "-external_order_no"}).status_code == 200
    response = sales_client.get(url, {"_export": "csv", "q": "=cmd()"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=cmd()" in body and "B-2" not in body
    xlsx = sales_client.get(url, {"_export": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_sales_cancels_an_order_from_its_page(sales_client):
    order = OrderFactory()
    page = sales_client.get(order.get_absolute_url())
    assert page.context["may_cancel"] is True

    response = sales_client.post(reverse("shipments:order_cancel", args=[order.pk]), {"reason": "Duplicate order"})
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.CANCELLED
    page = sales_client.get(order.get_absolute_url())
    assert page.context["may_cancel"] is False
    assert "Duplicate order" in page.text


def test_a_shipped_order_offers_no_cancel_and_refuses_one(sales_client):
    order = OrderFactory()
    set_fulfilment_status(order, status=FulfilmentStatus.SHIPPED)
    assert sales_client.get(order.get_absolute_url()).context["may_cancel"] is False

    response = sales_client.post(reverse("shipments:order_cancel", args=[order.pk]), {"reason": "x"}, follow=True)
    assert "can no longer be cancelled" in response.text
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.SHIPPED


def test_warehouse_may_not_cancel(client, make_user):
    order = OrderFactory()
    client.force_login(make_user("warehouse"))
    assert client.get(order.get_absolute_url()).context["may_cancel"] is False
    assert client.post(reverse("shipments:order_cancel", args=[order.pk]), {"reason": "x"}).status_code == 403
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.AWAITING_SHIPMENT


def test_the_sales_home_queue_lists_the_salespersons_orders_awaiting_shipment(sales_client):
    mine = OrderFactory(store=StoreFactory(salesperson=sales_client.user), external_order_no="MINE-1")
    OrderFactory(external_order_no="OTHERS-1")
    shipped = OrderFactory(store=mine.store, external_order_no="GONE-1")
    set_fulfilment_status(shipped, status=FulfilmentStatus.SHIPPED)

    response = sales_client.get(reverse("reports:home"))
    queue = next(q for q in response.context["queues"] if q.role == "sales")
    assert [row.url for row in queue.rows] == [mine.get_absolute_url()]
    assert "MINE-1" in response.text and "OTHERS-1" not in response.text


@pytest.mark.parametrize("url_name", ["orders:order_detail", "orders:order_list"])
def test_the_order_pages_cost_the_same_queries_for_1_and_20_lines(sales_client, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_with(lines):
        order = OrderFactory()
        for _ in range(lines):
            OrderLineFactory(order=order)
        url = reverse(url_name, args=[order.pk]) if url_name.endswith("detail") else reverse(url_name)
        with CaptureQueriesContext(connection) as captured:
            assert sales_client.get(url).status_code == 200
        return len(captured)

    queries_with(1)  # warms the per-process caches (content types, …)
    assert queries_with(1) == queries_with(20)


def test_the_admin_shows_orders_read_only(client):
    from tests.factories import UserFactory

    line = OrderLineFactory()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:orders_order_changelist")).status_code == 200
    page = client.get(reverse("admin:orders_order_change", args=[line.order_id]))
    assert page.status_code == 200 and line.order.external_order_no in page.text
    assert client.get(reverse("admin:orders_order_add")).status_code == 403

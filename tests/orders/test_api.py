"""Orders over the API: the same service, permissions and validation as the pages; a retry of
POST /api/v1/orders returns the existing order with 200."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tokens import create_token
from catalog.models import Product
from notifications.models import Notification
from orders.models import Order, OrderLine
from orders.services import set_fulfilment_status
from tests.factories import ProductFactory, StoreFactory, UserFactory

from .factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders"


@pytest.fixture
def api(client):
    """api(user).post(url, json) / .get(url, params) with that user's token."""

    class Api:
        def __init__(self, user):
            _token, key = create_token(user=user, name="test", actor=user)
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

        def post(self, url, data):
            return client.post(url, data, content_type="application/json", **self.headers)

        def get(self, url, params=None):
            return client.get(url, params or {}, **self.headers)

    return Api


@pytest.fixture
def sales():
    return UserFactory(roles=("sales",))


@pytest.fixture
def store(sales):
    return StoreFactory(salesperson=sales)


def payload(a_store, **overrides):
    if not Product.objects.filter(sku="API-1").exists():
        ProductFactory(sku="API-1")
    data = {
        "store": a_store.pk, "external_order_no": "SHOP-#1001", "ordered_at": "2026-11-20T10:30:00+08:00",
        "recipient_name": "Ann Lee", "recipient_phone": "+1 555 0100", "recipient_address": "1 Main St",
        "lines": [{"sku": "API-1", "quantity": 2, "unit_price": "9.90"}],
    }
    data.update(overrides)
    return data


def test_a_platform_posts_an_order_and_a_retry_gets_the_same_one(api, sales, store):
    integration = api(sales)
    first = integration.post(URL, payload(store))

    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["external_order_no"] == "SHOP-#1001" and body["source"] == "api"
    assert body["fulfilment_status"] == "awaiting_shipment"
    assert body["lines"] == [{"id": body["lines"][0]["id"], "product": body["lines"][0]["product"],
                              "sku": "API-1", "quantity": 2, "unit_price": "9.90", "closed_short_quantity": 0,
                              "open_quantity": 2}]
    assert Notification.objects.filter(recipient=sales, event="order_created").count() == 1

    retry = integration.post(URL, {**payload(store), "recipient_name": "Changed", "lines": [
        {"sku": "API-1", "quantity": 7, "unit_price": "1.00"}]})
    assert retry.status_code == 200
    assert retry.json()["id"] == body["id"]
    assert retry.json()["recipient_name"] == "Ann Lee"
    assert Order.objects.count() == 1 and OrderLine.objects.get().quantity == 2
    assert Notification.objects.filter(event="order_created").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"sku": "NOPE", "quantity": 1, "unit_price": "1"}]}, "lines"),
        ({"lines": [{"sku": "API-1", "quantity": 1, "unit_price": "-1"}]}, "lines"),
        ({"recipient_address": " "}, "recipient_address"),
        ({"store": 999999}, "store"),
    ],
)
def test_bad_orders_answer_400_naming_the_field_and_write_nothing(api, sales, store, overrides, field):
    response = api(sales).post(URL, payload(store, **overrides))

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Order.objects.exists() and not Notification.objects.exists()


def test_a_malformed_body_answers_422(api, sales, store):
    response = api(sales).post(URL, payload(store, ordered_at="yesterday"))
    assert response.status_code == 422
    assert "ordered_at" in response.json()["errors"]


@pytest.mark.parametrize("role", ["warehouse", "approver", "supplier"])
def test_only_sales_may_post_orders(api, store, role):
    response = api(UserFactory(roles=(role,))).post(URL, payload(store))
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_without_a_token_the_api_answers_401(client, store):
    assert client.post(URL, payload(store), content_type="application/json").status_code == 401
    assert client.get(URL).status_code == 401


def test_warehouse_reads_orders_and_a_supplier_may_not(api):
    line = OrderLineFactory()
    warehouse = api(UserFactory(roles=("warehouse",)))
    detail = warehouse.get(f"{URL}/{line.order_id}")
    assert detail.status_code == 200
    assert detail.json()["lines"][0]["sku"] == line.product.sku
    assert warehouse.get(URL).json()["items"][0]["id"] == line.order_id

    supplier = api(UserFactory(roles=("supplier",)))
    assert supplier.get(URL).status_code == 403
    assert supplier.get(f"{URL}/{line.order_id}").status_code == 403
    assert warehouse.get(f"{URL}/999999").status_code == 404


def test_the_list_filters_and_pages_without_counting(api, sales):
    now = timezone.now()
    store = StoreFactory()
    OrderFactory(store=store, external_order_no="OLD", ordered_at=now - timedelta(hours=30))
    OrderFactory(store=store, external_order_no="NEW", ordered_at=now - timedelta(hours=1))
    shipped = OrderFactory(external_order_no="SHIPPED", ordered_at=now - timedelta(hours=40))
    set_fulfilment_status(shipped, status="shipped")
    reader = api(sales)

    def numbers(**params):
        response = reader.get(URL, params)
        assert response.status_code == 200, response.json()
        return [row["external_order_no"] for row in response.json()["items"]]

    assert numbers() == ["NEW", "OLD", "SHIPPED"]
    assert numbers(store=store.pk) == ["NEW", "OLD"]
    assert numbers(status="shipped") == ["SHIPPED"]
    assert numbers(waiting_hours=24) == ["OLD"]
    first_page = reader.get(URL, {"limit": 2}).json()
    assert first_page["next"].endswith(f"{URL}?limit=2&offset=2") and first_page["count"] is None
    last_page = reader.get(first_page["next"]).json()
    assert [row["external_order_no"] for row in last_page["items"]] == ["SHIPPED"]
    assert last_page["next"] is None

"""An integration hands over a batch of orders at once (POST /api/v1/orders/bulk → take_in_orders, through
the bulk service of the file import): each order is taken in on its own — created, already present, or
refused with its own errors — never the whole batch for one bad order."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from accounts.tokens import create_token
from notifications.models import Notification
from orders.models import Order, OrderLine, OrderSource
from orders.services import IntakeOutcome, LineData, OrderData, take_in_orders
from tests.factories import ProductFactory, StoreFactory, UserFactory

from .factories import OrderFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/bulk"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def sales():
    return UserFactory(roles=("sales",))


@pytest.fixture
def client(sales):
    from django.test import Client

    _token, key = create_token(user=sales, name="shop-sync", actor=sales)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def data(number, product, quantity=1, price="9.90", **overrides):
    values = {"external_order_no": number, "recipient_name": "王芳", "recipient_phone": "13800000000",
              "recipient_address": "上海市浦东新区 1 号", "ordered_at": datetime(2026, 11, 20, 10, tzinfo=SHANGHAI),
              "lines": [LineData(product=product, quantity=quantity, unit_price=Decimal(price))]}
    values.update(overrides)
    return OrderData(**values)


def order_json(store, number, sku, quantity=1, price="9.90", **overrides):
    body = {"store": store.pk, "external_order_no": number, "ordered_at": "2026-11-20T10:30:00+08:00",
            "recipient_name": "Ann Lee", "recipient_phone": "+1 555 0100", "recipient_address": "1 Main St",
            "lines": [{"sku": sku, "quantity": quantity, "unit_price": price}]}
    body.update(overrides)
    return body


def test_the_service_takes_each_order_on_its_own(sales):
    tmall, jd = StoreFactory(salesperson=sales), StoreFactory(salesperson=sales)
    tea = ProductFactory()
    OrderFactory(store=tmall, external_order_no="T-1")

    results = take_in_orders(batch=[
        (tmall, data("T-1", tea, quantity=9)),  # exists: reported, never changed
        (tmall, data("T-2", tea, quantity=2)),
        (jd, data("T-2", tea, quantity=3)),  # the same number in another store is another order
        (tmall, data("T-3", tea, quantity=0)),  # invalid: only this one is refused
        (tmall, data("T-2", tea, quantity=5)),  # a repeat within the batch: the first one stands
    ], actor=sales)

    assert [r.outcome for r in results] == [IntakeOutcome.ALREADY_PRESENT, IntakeOutcome.CREATED,
                                            IntakeOutcome.CREATED, IntakeOutcome.INVALID,
                                            IntakeOutcome.ALREADY_PRESENT]
    assert results[4].order == results[1].order
    assert "lines" in results[3].errors and results[3].order is None
    assert OrderLine.objects.get(order=results[1].order).quantity == 2
    assert not OrderLine.objects.filter(order__store=tmall, order__external_order_no="T-1", quantity=9).exists()
    assert not Order.objects.filter(external_order_no="T-3").exists()
    assert {o.source for o in Order.objects.filter(external_order_no="T-2")} == {OrderSource.API}
    assert Notification.objects.filter(event="order_created").count() == 2  # one per store batch

    with pytest.raises(PermissionDenied):
        take_in_orders(batch=[(tmall, data("T-9", tea))], actor=UserFactory(roles=("warehouse",)))


def test_a_mixed_batch_over_the_api(client, sales):
    store = StoreFactory(salesperson=sales)
    ProductFactory(sku="BULK-TEA")
    existing = OrderFactory(store=store, external_order_no="B-0")
    orders = [
        order_json(store, "B-0", "BULK-TEA", quantity=7),  # a duplicate of an order taken in before
        order_json(store, "B-1", "BULK-TEA", quantity=2),
        order_json(store, "B-2", "NO-SUCH-SKU"),  # bad: unknown product
        order_json(store, "B-3", "BULK-TEA", price="1.005"),  # bad: money with 3 decimals is not rounded
        order_json(store, "B-4", "BULK-TEA", recipient_name="  "),  # bad: no recipient
        {**order_json(store, "B-5", "BULK-TEA"), "store": store.pk + 999},  # bad: no such store
        order_json(store, "B-6", "BULK-TEA", quantity=3),
        {**order_json(store, "B-7", "BULK-TEA", quantity=2**31), "gift_wrap": True},  # bad: schema refuses it
        "not an order",  # bad: not even an object
    ]

    response = client.post(URL, {"orders": orders}, content_type="application/json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["already_present"], body["invalid"]) == (2, 1, 6)
    results = body["results"]
    assert [(r["index"], r["external_order_no"], r["result"]) for r in results] == [
        (0, "B-0", "already_present"), (1, "B-1", "created"), (2, "B-2", "invalid"), (3, "B-3", "invalid"),
        (4, "B-4", "invalid"), (5, "B-5", "invalid"), (6, "B-6", "created"), (7, "B-7", "invalid"),
        (8, None, "invalid")]
    assert results[0]["id"] == existing.pk and results[0]["errors"] is None
    assert "NO-SUCH-SKU" in results[2]["errors"]["lines"][0]
    assert "2 decimal places" in str(results[3]["errors"])  # not rounded to 1.00
    assert list(results[4]["errors"]) == ["recipient_name"]
    assert list(results[5]["errors"]) == ["store"] and results[5]["id"] is None
    assert set(results[7]["errors"]) == {"lines.0.quantity", "gift_wrap"} and results[7]["store"] == store.pk
    assert results[8]["errors"] and results[8]["store"] is None
    assert sorted(Order.objects.filter(store=store).values_list("external_order_no", flat=True)) == [
        "B-0", "B-1", "B-6"]
    assert OrderLine.objects.get(order_id=results[1]["id"]).quantity == 2
    assert not OrderLine.objects.filter(order=existing, quantity=7).exists()

    again = client.post(URL, {"orders": orders}, content_type="application/json")  # a retry without a key
    assert [r["result"] for r in again.json()["results"]] == [
        "already_present", "already_present", "invalid", "invalid", "invalid", "invalid", "already_present",
        "invalid", "invalid"]
    assert Order.objects.filter(store=store).count() == 3


def test_a_batch_is_at_most_a_thousand_orders(client, sales):
    store = StoreFactory(salesperson=sales)
    ProductFactory(sku="BULK-1")
    orders = [order_json(store, f"M-{n}", "BULK-1") for n in range(1001)]

    too_many = client.post(URL, {"orders": orders}, content_type="application/json")

    assert too_many.status_code == 422
    assert "orders" in too_many.json()["errors"]
    assert not Order.objects.exists()
    for bad_batch in ({"orders": []}, {"orders": "all"}, {"orders": orders[:2], "dry_run": True}, {}):
        assert client.post(URL, bad_batch, content_type="application/json").status_code == 422, bad_batch
    assert not Order.objects.exists()

    full = client.post(URL, {"orders": orders[:1000]}, content_type="application/json")
    assert full.status_code == 200 and full.json()["created"] == 1000
    assert Order.objects.filter(store=store).count() == 1000
    assert OrderLine.objects.filter(order__store=store).count() == 1000


def test_bulk_is_idempotent_with_the_header_and_needs_the_permission(client, sales):
    store = StoreFactory(salesperson=sales)
    ProductFactory(sku="BULK-2")
    batch = {"orders": [order_json(store, "I-1", "BULK-2"), order_json(store, "I-2", "BULK-2")]}

    first = client.post(URL, batch, content_type="application/json", HTTP_IDEMPOTENCY_KEY="batch-42")
    retry = client.post(URL, batch, content_type="application/json", HTTP_IDEMPOTENCY_KEY="batch-42")

    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json() and first.json()["created"] == 2  # "created" again: the first answer
    assert retry["Idempotent-Replayed"] == "true"
    other = {"orders": [order_json(store, "I-3", "BULK-2")]}
    assert client.post(URL, other, content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY="batch-42").status_code == 422
    assert Order.objects.filter(store=store).count() == 2

    from django.test import Client

    warehouse = UserFactory(roles=("warehouse",))
    _token, key = create_token(user=warehouse, name="t", actor=warehouse)
    refused = Client(HTTP_AUTHORIZATION=f"Bearer {key}").post(URL, other, content_type="application/json")
    assert refused.status_code == 403
    assert Order.objects.filter(store=store).count() == 2

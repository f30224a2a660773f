"""`POST /api/v1/orders/{id}/close-short`: the same service, permission and refusals as the order page."""

import pytest

from orders.models import FulfilmentStatus, Order
from shipments.models import Shipment, ShipmentState
from tests.factories import UserFactory

from .factories import make_world
from .test_services import run_to

pytestmark = pytest.mark.django_db
S = ShipmentState


def url(order):
    return f"/api/v1/orders/{order.pk}/close-short"


def post(api_client, order, body, *, user):
    client, _user = api_client(user=user)
    return client.post(url(order), body, content_type="application/json")


def partly_shipped():
    world = make_world(lines=2, quantity=3)
    run_to(world, world.ship(quantities=[3, 1]), S.DISPATCHED)
    return world


def test_sales_closes_a_partly_shipped_order_short(api_client):
    world = partly_shipped()
    draft = world.ship(quantities=[0, 1])

    response = post(api_client, world.order, {"reason": "Out of stock for good"}, user=world.sales)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["fulfilment_status"] == "shipped" and body["close_short_reason"] == "Out of stock for good"
    assert [(line["closed_short_quantity"], line["open_quantity"]) for line in body["lines"]] == [(0, 0), (2, 0)]
    assert Shipment.objects.get(pk=draft.pk).state == S.CANCELLED
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.SHIPPED


def test_a_retry_answers_the_order_as_it_is(api_client):
    world = partly_shipped()
    first = post(api_client, world.order, {"reason": "Out of stock"}, user=world.sales)
    again = post(api_client, world.order, {"reason": "Out of stock"}, user=world.sales)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()


@pytest.mark.parametrize("body", [{}, {"reason": None}, {"reason": 7}, {"reason": "x" * 301},
                                  {"reason": "ok", "extra": 1}])
def test_a_missing_or_malformed_reason_is_refused_by_the_schema(api_client, body):
    world = partly_shipped()
    response = post(api_client, world.order, body, user=world.sales)
    assert response.status_code in (400, 422), response.content
    assert response.json()["errors"]
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.PARTIALLY_SHIPPED


def test_a_blank_reason_is_a_field_error(api_client):
    world = partly_shipped()
    response = post(api_client, world.order, {"reason": "   "}, user=world.sales)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.PARTIALLY_SHIPPED


def test_an_order_with_nothing_dispatched_answers_409_saying_cancel_it_instead(api_client):
    world = make_world(lines=2, quantity=3)
    response = post(api_client, world.order, {"reason": "Out of stock"}, user=world.sales)
    assert response.status_code == 409
    assert "cancel it instead" in response.json()["detail"]


def test_a_fully_shipped_order_answers_409(api_client):
    world = make_world(quantity=2)
    run_to(world, world.ship(), S.DISPATCHED)
    response = post(api_client, world.order, {"reason": "Out of stock"}, user=world.sales)
    assert response.status_code == 409
    assert Order.objects.get(pk=world.order.pk).close_short_reason == ""


def test_without_the_permission_403_and_an_unknown_order_404(api_client):
    world = partly_shipped()
    warehouse = UserFactory(roles=("warehouse",))
    assert post(api_client, world.order, {"reason": "x"}, user=warehouse).status_code == 403
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.PARTIALLY_SHIPPED

    missing = Order(pk=world.order.pk + 1000)
    assert post(api_client, missing, {"reason": "x"}, user=world.sales).status_code == 404


def test_the_order_detail_shows_closed_short_units(api_client):
    world = partly_shipped()
    post(api_client, world.order, {"reason": "Out of stock"}, user=world.sales)
    client, _user = api_client(user=world.sales)
    body = client.get(f"/api/v1/orders/{world.order.pk}").json()
    assert [line["closed_short_quantity"] for line in body["lines"]] == [0, 2]
    assert body["close_short_reason"] == "Out of stock"

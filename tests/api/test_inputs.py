"""A hostile client meets the API's field types (core.api_types): money with three places, a quantity of
2**31, a NUL byte in a name or an id beyond 64 bits answer 422 naming the field, and nothing is written."""

import pytest

from catalog.models import Product, Supplier
from inventory.models import GoodsReceipt, StockLedgerEntry
from orders.models import Order
from reconciliation.models import SupplierAccountEntry
from tests.factories import ProductFactory, StoreFactory, SupplierFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def receipt(db):
    supplier, warehouse, product = SupplierFactory(), WarehouseFactory(), ProductFactory()
    return lambda **line: {"supplier": supplier.pk, "warehouse": warehouse.pk, "post": True,
                           "lines": [{"product": product.pk, "quantity": 2, "unit_cost": "1.00", **line}]}


@pytest.mark.parametrize("line, field, why", [
    ({"unit_cost": 1.005}, "lines.0.unit_cost", "more than 2 decimal places"),
    ({"unit_cost": "1.005"}, "lines.0.unit_cost", "more than 2 decimal places"),
    ({"unit_cost": "1e27"}, "lines.0.unit_cost", "too large"),
    ({"quantity": 2**31}, "lines.0.quantity", "2147483647"),
    ({"quantity": 1.5}, "lines.0.quantity", "whole number"),
    ({"product": 2**64}, "lines.0.product", "out of range"),
])
def test_a_goods_receipt_with_a_value_its_column_cannot_hold_is_refused_naming_the_field(api_client, receipt, line,
                                                                                       field, why):
    client, _user = api_client("warehouse")
    response = post(client, "/api/v1/stock/receipts", receipt(**line))

    assert response.status_code == 422, response.json()
    assert why in " ".join(response.json()["errors"][field])
    assert not GoodsReceipt.objects.exists()
    assert not StockLedgerEntry.objects.exists() and not SupplierAccountEntry.objects.exists()


def test_a_receipt_cost_of_two_places_is_kept_exactly(api_client, receipt):
    client, _user = api_client("warehouse")
    response = post(client, "/api/v1/stock/receipts", receipt(unit_cost="1.10"))
    assert response.status_code == 201, response.json()
    assert response.json()["lines"][0]["unit_cost"] == "1.10"


@pytest.mark.parametrize("body, field", [
    ({"name": "Ac\x00me"}, "name"),
    ({"contact_name": "\x00"}, "contact_name"),
    ({"promised_dispatch_hours": 2**31}, "promised_dispatch_hours"),
])
def test_master_data_with_a_nul_byte_or_an_overflowing_number_is_refused(api_client, body, field):
    client, _user = api_client("manager")
    response = post(client, "/api/v1/catalog/suppliers/", {"name": "Acme", "code": "acme", **body})

    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not Supplier.objects.filter(code="acme").exists()


def test_a_product_price_with_three_places_is_refused_not_rounded(api_client):
    client, _user = api_client("manager")
    supplier = SupplierFactory()
    response = post(client, "/api/v1/catalog/products/", {"sku": "R-1", "name": "n", "default_supplier": supplier.pk,
                                                          "supplier_unit_cost": "1.005", "list_price": "2"})
    assert response.status_code == 422
    assert "supplier_unit_cost" in response.json()["errors"]
    assert not Product.objects.filter(sku="R-1").exists()


@pytest.mark.parametrize("line, field", [
    ({"unit_price": "9.999"}, "lines.0.unit_price"), ({"quantity": 2**31}, "lines.0.quantity"),
    ({"quantity": 0}, "lines.0.quantity"),
    ({"sku": "A\x00"}, "lines.0.sku"),
])
def test_an_order_line_that_cannot_be_stored_is_refused(api_client, line, field):
    client, user = api_client("sales")
    store = StoreFactory(salesperson=user)
    ProductFactory(sku="API-1")
    body = {"store": store.pk, "external_order_no": "X-1", "ordered_at": "2026-03-01T10:00:00+08:00",
            "recipient_name": "张三", "recipient_phone": "13800000000", "recipient_address": "上海",
            "lines": [{"sku": "API-1", "quantity": 2, "unit_price": "9.90", **line}]}
    response = post(client, "/api/v1/orders", body)

    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not Order.objects.exists()


@pytest.mark.parametrize("ordered_at, why", [
    ("2026-03-01T10:00:00", "timezone"), ("2999-01-01T10:00:00+08:00", "in the future"),
])
def test_an_order_time_without_its_timezone_or_in_the_future_is_refused(api_client, ordered_at, why):
    client, user = api_client("sales")
    store = StoreFactory(salesperson=user)
    ProductFactory(sku="API-1")
    body = {"store": store.pk, "external_order_no": "X-1", "ordered_at": ordered_at, "recipient_name": "张三",
            "recipient_phone": "13800000000", "recipient_address": "上海",
            "lines": [{"sku": "API-1", "quantity": 2, "unit_price": "9.90"}]}
    response = post(client, "/api/v1/orders", body)

    assert response.status_code == 422, response.json()
    assert why in " ".join(response.json()["errors"]["ordered_at"])
    assert not Order.objects.exists()

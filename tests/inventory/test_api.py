"""Stock over the API: a receiving system posts a goods receipt; balances, ledger and adjustments are
read with the same permissions as the pages."""

from decimal import Decimal

import pytest

from accounts.tokens import create_token
from inventory import documents, services
from inventory.documents import CountData
from inventory.models import Direction, MoveKind
from inventory.services import StockMove
from tests.factories import ProductFactory, SupplierFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    """api(user).post(url, json) / .get(url, params) with a fresh token of that user."""

    class Api:
        def __init__(self, user):
            _token, key = create_token(user=user, name="test", actor=user)
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

        def post(self, url, data):
            return client.post(url, data, content_type="application/json", **self.headers)

        def get(self, url, params=None):
            return client.get(url, params or {}, **self.headers)

    return Api


def test_a_receiving_system_posts_a_goods_receipt_and_reads_the_stock(api, make_user):
    clerk = make_user("warehouse")
    supplier, wh = SupplierFactory(), WarehouseFactory()
    tea = ProductFactory(sku="API-TEA", low_stock_threshold=50)
    client = api(clerk)

    response = client.post("/api/v1/stock/receipts", {
        "supplier": supplier.pk, "warehouse": wh.pk, "post": True,
        "lines": [{"product": tea.pk, "quantity": 20, "unit_cost": "2.50"}]})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "posted" and body["number"].startswith("GR-")
    assert body["lines"] == [{"product": tea.pk, "sku": "API-TEA", "quantity": 20, "unit_cost": "2.50"}]

    again = client.post(f"/api/v1/stock/receipts/{body['id']}/post", {})
    assert again.status_code == 409

    balances = client.get("/api/v1/stock/balances", {"warehouse": wh.pk, "low": "true"}).json()
    assert balances["items"] == [{"product": tea.pk, "sku": "API-TEA", "warehouse": wh.pk, "on_hand": 20,
                                  "reserved": 0, "available": 20, "low_stock_threshold": 50}]
    ledger = client.get("/api/v1/stock/ledger", {"product": tea.pk}).json()["items"]
    assert [(r["direction"], r["kind"], r["quantity"], r["balance_after"], r["source_type"]) for r in ledger] == [
        ("in", "purchase_receipt", 20, 20, "inventory.goodsreceipt")]


def test_bad_receipts_answer_400_and_write_nothing(api, make_user):
    client = api(make_user("warehouse"))
    response = client.post("/api/v1/stock/receipts", {"supplier": 999999, "warehouse": WarehouseFactory().pk,
                                                      "lines": []})
    assert response.status_code == 400 and "supplier" in response.json()["errors"]
    response = client.post("/api/v1/stock/receipts", {"supplier": SupplierFactory().pk,
                                                      "warehouse": WarehouseFactory().pk, "lines": []})
    assert response.status_code == 400 and response.json()["errors"]["lines"] == ["Add at least one line."]


def test_adjustments_list_only_stocktake_differences(api, make_user):
    clerk = make_user("warehouse")
    wh, product = WarehouseFactory(), ProductFactory()
    services.move_stock(moves=[StockMove(product.pk, wh.pk, Direction.IN, 5, MoveKind.PURCHASE_RECEIPT)],
                        actor=clerk)
    stocktake = documents.create_stocktake(warehouse=wh, reason="count", actor=clerk,
                                           counts=[CountData(product.pk, 3)])
    documents.post_stocktake(stocktake, actor=clerk)

    rows = api(make_user("manager")).get("/api/v1/stock/adjustments").json()["items"]
    assert [(r["direction"], r["quantity"], r["reason"]) for r in rows] == [("out", 2, f"{stocktake.number}: count")]


def test_sales_reads_balances_but_not_the_ledger_and_cannot_post_receipts(api, make_user):
    client = api(make_user("sales"))
    assert client.get("/api/v1/stock/balances").status_code == 200
    assert client.get("/api/v1/stock/ledger").status_code == 403
    response = client.post("/api/v1/stock/receipts", {"supplier": SupplierFactory().pk,
                                                      "warehouse": WarehouseFactory().pk,
                                                      "lines": [{"product": ProductFactory().pk, "quantity": 1,
                                                                 "unit_cost": "1.00"}]})
    assert response.status_code == 403


def test_finance_reads_supplier_entries(api, make_user):
    clerk = make_user("warehouse")
    supplier = SupplierFactory()
    receipt = documents.create_goods_receipt(supplier=supplier, warehouse=WarehouseFactory(), actor=clerk,
                                             lines=[documents.ReceiptLineData(ProductFactory().pk, 4,
                                                                              Decimal("2.25"))])
    documents.post_goods_receipt(receipt, actor=clerk)

    finance = api(make_user("finance"))
    rows = finance.get("/api/v1/supplier-entries", {"supplier": supplier.pk, "reconciled": "false"}).json()["items"]
    assert [(r["kind"], r["amount"], r["source_type"]) for r in rows] == [
        ("goods_receipt", "9.00", "inventory.goodsreceiptline")]
    assert api(clerk).get("/api/v1/supplier-entries").status_code == 403

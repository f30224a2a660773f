"""Stocktakes and transfers over the API: the same services and permissions as the pages; a retried call
with an Idempotency-Key moves the stock once."""

import pytest
from django.test import Client

from accounts.tokens import create_token
from inventory.models import Direction, MoveKind, StockBalance, StockLedgerEntry, Stocktake, Transfer
from inventory.services import StockMove, move_stock
from tests.factories import ProductFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def client_of(*roles):
    user = UserFactory(roles=roles)
    _token, key = create_token(user=user, name="t", actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def post(client, url, data=None, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, data or {}, content_type="application/json", **headers)


def on_hand(product, warehouse):
    balance = StockBalance.objects.filter(product=product, warehouse=warehouse).first()
    return balance.on_hand if balance else 0


@pytest.fixture
def stocked():
    tea, main, shop = ProductFactory(), WarehouseFactory(), WarehouseFactory()
    move_stock(moves=[StockMove(tea.pk, main.pk, Direction.IN, 10, MoveKind.PURCHASE_RECEIPT)])
    return tea, main, shop


def test_a_retried_stocktake_adjusts_the_stock_once(stocked):
    tea, main, _shop = stocked
    clerk = client_of("warehouse")
    body = {"warehouse": main.pk, "reason": "year-end count", "counts": [{"product": tea.pk, "counted": 7}],
            "post": True}

    first = post(clerk, "/api/v1/stock/stocktakes", body, key="count-2026")
    retry = post(clerk, "/api/v1/stock/stocktakes", body, key="count-2026")

    assert first.status_code == retry.status_code == 201, first.json()
    assert retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"
    assert first.json()["state"] == "posted" and first.json()["lines"][0]["on_hand_before"] == 10
    assert Stocktake.objects.count() == 1
    assert on_hand(tea, main) == 7
    assert StockLedgerEntry.objects.filter(kind=MoveKind.ADJUSTMENT).count() == 1
    assert clerk.get(f"/api/v1/stock/stocktakes/{first.json()['id']}").json()["reason"] == "year-end count"
    assert post(clerk, f"/api/v1/stock/stocktakes/{first.json()['id']}/post").status_code == 409


def test_a_retried_transfer_moves_the_stock_once(stocked):
    tea, main, shop = stocked
    clerk = client_of("warehouse")
    body = {"from_warehouse": main.pk, "to_warehouse": shop.pk, "lines": [{"product": tea.pk, "quantity": 4}]}

    draft = post(clerk, "/api/v1/stock/transfers", body, key="tr-1")
    assert draft.status_code == 201 and draft.json()["state"] == "draft"
    url = f"/api/v1/stock/transfers/{draft.json()['id']}/post"
    posted = post(clerk, url, key="tr-1-post")
    retry = post(clerk, url, key="tr-1-post")

    assert posted.status_code == retry.status_code == 200 and retry.json() == posted.json()
    assert (on_hand(tea, main), on_hand(tea, shop)) == (6, 4)
    assert Transfer.objects.count() == 1
    assert post(clerk, url).status_code == 409  # without the key: already posted


def test_bad_stock_documents_are_refused_and_write_nothing(stocked):
    tea, main, shop = stocked
    clerk = client_of("warehouse")
    unknown = post(clerk, "/api/v1/stock/stocktakes", {
        "warehouse": main.pk + 100, "reason": "x", "counts": [{"product": tea.pk + 100, "counted": 1}]})
    assert unknown.status_code == 400 and set(unknown.json()["errors"]) == {"warehouse", "counts"}
    assert post(clerk, "/api/v1/stock/stocktakes", {
        "warehouse": main.pk, "reason": "x", "counts": [{"product": tea.pk, "counted": 2**31}]}).status_code == 422
    assert post(clerk, "/api/v1/stock/stocktakes", {
        "warehouse": main.pk, "reason": "a\x00b", "counts": [{"product": tea.pk, "counted": 1}]}).status_code == 422
    same = post(clerk, "/api/v1/stock/transfers", {"from_warehouse": main.pk, "to_warehouse": main.pk,
                                                    "lines": [{"product": tea.pk, "quantity": 1}]})
    assert same.status_code == 400
    short = post(clerk, "/api/v1/stock/transfers", {"from_warehouse": main.pk, "to_warehouse": shop.pk, "post": True,
                                                     "lines": [{"product": tea.pk, "quantity": 11}]})
    assert short.status_code == 409
    assert not Stocktake.objects.exists() and not Transfer.objects.exists()  # no draft left behind
    assert (on_hand(tea, main), on_hand(tea, shop)) == (10, 0)
    assert post(client_of("sales"), "/api/v1/stock/transfers", {
        "from_warehouse": main.pk, "to_warehouse": shop.pk,
        "lines": [{"product": tea.pk, "quantity": 1}]}).status_code == 403

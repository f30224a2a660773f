"""Eight retries of one goods receipt with one Idempotency-Key arrive at the same moment (a client whose
timeouts fired): the receipt is written once, and all eight answer the same response."""

import pytest
from django.test import Client

from accounts.tokens import create_token
from core.models import IdempotencyKey
from inventory.models import GoodsReceipt, StockBalance, StockLedgerEntry
from reconciliation.models import EntryKind, SupplierAccountEntry
from tests.factories import ProductFactory, SupplierFactory, UserFactory, WarehouseFactory
from tests.races import errors, run_together, successes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 8


def test_eight_concurrent_retries_with_one_key_write_once_and_answer_alike():
    clerk = UserFactory(roles=("warehouse",))
    _token, secret = create_token(user=clerk, name="race", actor=clerk)
    supplier, warehouse, tea = SupplierFactory(), WarehouseFactory(), ProductFactory()
    body = {"supplier": supplier.pk, "warehouse": warehouse.pk, "post": True,
            "lines": [{"product": tea.pk, "quantity": 20, "unit_cost": "2.50"}]}

    def retry(_i):
        response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
            "/api/v1/stock/receipts", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="gr-race-1")
        return response.status_code, response.json(), response.get("Idempotent-Replayed")

    outcomes = run_together(retry, THREADS)

    assert errors(outcomes) == []
    answers = successes(outcomes)
    assert {(status, body["id"]) for status, body, _replayed in answers} == {(201, GoodsReceipt.objects.get().pk)}
    assert len({str(body) for _status, body, _replayed in answers}) == 1  # one body, eight times
    assert sorted(replayed or "" for _s, _b, replayed in answers) == [""] + ["true"] * (THREADS - 1)
    assert StockBalance.objects.get(product=tea, warehouse=warehouse).on_hand == 20
    assert StockLedgerEntry.objects.filter(product=tea).count() == 1
    assert SupplierAccountEntry.objects.filter(supplier=supplier, kind=EntryKind.GOODS_RECEIPT).count() == 1
    assert IdempotencyKey.objects.filter(user=clerk).count() == 1

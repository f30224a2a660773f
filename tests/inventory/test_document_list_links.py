"""The stock document lists link each document no. to its page (the URL pattern reversed once per page)."""

from decimal import Decimal

import pytest

from inventory import documents
from inventory.documents import CountData, ReceiptLineData
from tests.factories import ProductFactory, SupplierFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def test_receipts_and_stocktakes_link_to_their_pages(client, make_user):
    clerk = make_user("warehouse")
    warehouse, tea = WarehouseFactory(), ProductFactory()
    receipts = [documents.create_goods_receipt(supplier=SupplierFactory(), warehouse=warehouse, actor=clerk,
                                               lines=[ReceiptLineData(tea.pk, 2, Decimal("1.00"))]) for _ in range(3)]
    stocktake = documents.create_stocktake(warehouse=warehouse, reason="count", counts=[CountData(tea.pk, 0)],
                                           actor=clerk)
    client.force_login(clerk)

    html = client.get("/stock/receipts/").content.decode()
    for receipt in receipts:
        assert f'<a href="{receipt.get_absolute_url()}">{receipt.number}</a>' in html
    html = client.get("/stock/stocktakes/").content.decode()
    assert f'<a href="{stocktake.get_absolute_url()}">{stocktake.number}</a>' in html

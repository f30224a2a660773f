"""The stock pages: a warehouse clerk types a goods receipt, posts it, and reads the stock and the
product's ledger; refusals come back as messages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from inventory import documents, services
from inventory.documents import ReceiptLineData
from inventory.models import Direction, DocumentState, GoodsReceipt, MoveKind, Stocktake
from inventory.services import StockMove
from tests.factories import ProductFactory, SupplierFactory, WarehouseFactory
from tests.inventory.helpers import balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(make_user, client):
    user = make_user("warehouse")
    client.force_login(user)
    return user


def lines_data(rows, prefix="lines", extra=5):
    data = {f"{prefix}-TOTAL_FORMS": str(extra), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "300"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_a_clerk_types_a_goods_receipt_posts_it_and_sees_the_stock(client, clerk):
    supplier, wh = SupplierFactory(), WarehouseFactory(name="杭州仓")
    tea = ProductFactory(sku="TEA-9", default_supplier=supplier)
    response = client.post(reverse("inventory:receipt_create"), {
        "supplier": supplier.pk, "warehouse": wh.pk, "note": "PO 77",
        **lines_data([{"product": tea.pk, "quantity": "12", "unit_cost": "3.50"}]),
    })
    receipt = GoodsReceipt.objects.get()
    assert response.status_code == 302 and response["Location"] == receipt.get_absolute_url()
    assert receipt.state == DocumentState.DRAFT

    page = client.get(receipt.get_absolute_url())
    assert b'id="post-form"' in page.content and "TEA-9" in page.content.decode()

    response = client.post(reverse("inventory:receipt_post", args=[receipt.pk]), follow=True)
    assert f"{receipt.number} posted." in response.content.decode()
    assert balance(tea, wh).on_hand == 12
    assert b'id="post-form"' not in response.content, "a posted receipt offers no Post button"

    stock_page = client.get(reverse("inventory:balance_list"), {"warehouse": wh.pk}).content.decode()
    assert "TEA-9" in stock_page and "杭州仓" in stock_page
    ledger_page = client.get(reverse("inventory:product_ledger", args=[tea.pk])).content.decode()
    assert "+12" in ledger_page and receipt.number in ledger_page


def test_a_receipt_without_lines_is_refused_next_to_the_lines(client, clerk):
    response = client.post(reverse("inventory:receipt_create"), {
        "supplier": SupplierFactory().pk, "warehouse": WarehouseFactory().pk, **lines_data([])})
    assert response.status_code == 400
    assert "Add at least one line." in response.content.decode()
    assert GoodsReceipt.objects.count() == 0


def test_a_stocktake_counting_the_same_product_twice_is_refused(client, clerk):
    product = ProductFactory()
    response = client.post(reverse("inventory:stocktake_create"), {
        "warehouse": WarehouseFactory().pk, "reason": "monthly",
        **lines_data([{"product": product.pk, "counted": "1"}, {"product": product.pk, "counted": "2"}]),
    })
    assert response.status_code == 400
    assert "already counted above" in response.content.decode()
    assert Stocktake.objects.count() == 0


def test_posting_a_transfer_beyond_available_shows_the_shortfall(client, clerk):
    a, b, product = WarehouseFactory(), WarehouseFactory(), ProductFactory(sku="CUP-2")
    services.move_stock(moves=[StockMove(product.pk, a.pk, Direction.IN, 1, MoveKind.ADJUSTMENT)], actor=clerk)
    response = client.post(reverse("inventory:transfer_create"), {
        "from_warehouse": a.pk, "to_warehouse": b.pk, **lines_data([{"product": product.pk, "quantity": "3"}])})
    transfer_url = response["Location"]
    pk = int(transfer_url.rstrip("/").rsplit("/", 1)[1])

    page = client.post(reverse("inventory:transfer_post", args=[pk]), follow=True).content.decode()

    assert "CUP-2" in page and "3 wanted, 1 available (short 2)" in page
    assert balance(product, a).on_hand == 1


def test_the_low_stock_filter_and_the_export(client, clerk):
    wh = WarehouseFactory()
    low, fine = ProductFactory(sku="LOW-A", low_stock_threshold=5), ProductFactory(sku="FINE-B",
                                                                                  low_stock_threshold=1)
    services.move_stock(moves=[StockMove(p.pk, wh.pk, Direction.IN, 3, MoveKind.ADJUSTMENT) for p in (low, fine)],
                        actor=clerk)
    page = client.get(reverse("inventory:balance_list"), {"low": "true"}).content.decode()
    assert "LOW-A" in page and "FINE-B" not in page

    export = client.get(reverse("inventory:balance_list"), {"_export": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig") if export.streaming else export.content.decode(
        "utf-8-sig")
    assert "LOW-A" in body and "FINE-B" in body


def test_sales_may_read_the_stock_but_not_post_receipts(client, make_user):
    seller = make_user("sales")
    client.force_login(seller)
    receipt = documents.create_goods_receipt(supplier=SupplierFactory(), warehouse=WarehouseFactory(),
                                             actor=seller, lines=[ReceiptLineData(ProductFactory().pk, 1,
                                                                                  Decimal("1.00"))])
    assert client.get(reverse("inventory:balance_list")).status_code == 200
    assert client.post(reverse("inventory:receipt_post", args=[receipt.pk])).status_code == 403
    assert GoodsReceipt.objects.get(pk=receipt.pk).state == DocumentState.DRAFT

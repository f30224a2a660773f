"""Hostile cells in an import file are errors of their row, never a crash and never rounded: a price of 1e27
(Excel stores it as a float), a cost of 1.005, a quantity beyond an integer column, a NUL byte in a name."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from catalog.importers import ProductImporter
from catalog.models import Product
from orders.importing import OrderImporter
from tests.factories import ProductFactory, StoreFactory, SupplierFactory, UserFactory

HEADER = ["sku", "name", "supplier code", "unit cost", "list price", "low-stock threshold"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def manager(db, make_user):
    SupplierFactory(code="acme")
    return make_user("manager")


def xlsx(rows, name="products.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def csv(rows, name="products.csv"):
    text = "\n".join(",".join(str(v) for v in row) for row in rows)
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_hostile_cells_are_row_errors_naming_their_column(manager):
    rows = [HEADER,
            ["OK-1", "Cup", "acme", 12.5, 29.9, 5],
            ["BIG-1", "Mug", "acme", 1, 1e27, 0],
            ["ROUND-1", "Pot", "acme", "1.005", 2, 0],
            ["MANY-1", "Pan", "acme", 1, 2, 2**31],
            ["HALF-1", "Lid", "acme", 1, 2, 1.5]]
    batch = ProductImporter().parse(xlsx(rows), actor=manager)

    assert (batch.valid, batch.error_count) == (1, 4)
    errors = " | ".join(batch.errors)
    assert "Row 3, column list price:" in errors and "too large" in errors
    assert "Row 4, column unit cost: '1.005' has more than 2 decimal places" in errors
    assert "Row 5, column low-stock threshold:" in errors and "2147483647" in errors
    assert "Row 6, column low-stock threshold: '1.5' is not a whole number." in errors
    assert not batch.can_confirm


def test_a_nul_byte_in_any_cell_is_the_rows_error(manager):
    rows = [HEADER, ["OK-1", "Cup", "acme", "1.00", "2.00", 0], ["NUL-1", "Mu\x00g", "acme", "1.00", "2.00", 0]]
    batch = ProductImporter().parse(csv(rows), actor=manager)

    assert (batch.valid, batch.error_count) == (1, 1)
    assert batch.errors[0].startswith("Row 3, column name:") and "NUL" in batch.errors[0]


def test_the_import_page_shows_the_row_errors_and_writes_nothing(client, manager):
    client.force_login(manager)
    rows = [HEADER, ["BIG-1", "Mug", "acme", "1", "1e27", "0"], ["NUL-1", "Mu\x00g", "acme", "1.00", "2.00", "0"]]
    response = client.post(reverse("catalog:product_import"), {"file": csv(rows)})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()

    assert "Row 2, column list price" in page and "too large" in page
    assert "Row 3, column name" in page
    assert client.post(response.url, {"confirm": "1"}, follow=True).status_code == 200
    assert Product.objects.count() == 0


def test_an_order_file_row_dated_in_the_future_or_with_a_rounded_price_is_a_row_error(manager):
    sales = UserFactory(roles=("sales",))
    store = StoreFactory(salesperson=sales)
    ProductFactory(sku="A-1")
    header = ["Order no.", "Ordered at", "Recipient name", "Recipient phone", "Recipient address", "SKU", "Quantity",
              "Unit price"]
    rows = [header,
            ["T-1", "2026-11-20 10:30", "张三", "13800000000", "上海", "A-1", 2, "9.90"],
            ["T-2", "2999-01-01 10:30", "李四", "13800000001", "上海", "A-1", 2, "9.90"],
            ["T-3", "2026-11-20 10:30", "王五", "13800000002", "上海", "A-1", 2, "9.999"]]
    batch = OrderImporter(store).parse(csv(rows, name="orders.csv"), actor=sales)

    errors = " | ".join(batch.errors)
    assert batch.error_count == 2, errors
    assert "Row 3, column" in errors and "cannot be in the future" in errors
    assert "Row 4, column" in errors and "more than 2 decimal places" in errors

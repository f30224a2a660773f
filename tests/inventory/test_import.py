"""Stocktake counts by file: upload → preview with row errors → confirm → a draft stocktake."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory.models import DocumentState, Stocktake
from tests.factories import ProductFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("counts.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def clerk(make_user, client):
    user = make_user("warehouse")
    client.force_login(user)
    return user


def test_counts_uploaded_as_xlsx_become_a_draft_stocktake(client, clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    wh = WarehouseFactory()
    tea, cup = ProductFactory(sku="TEA-X"), ProductFactory(sku="CUP-X")
    upload = client.post(reverse("inventory:stocktake_import"), {
        "warehouse": wh.pk, "reason": "季度盘点 quarterly", "file": xlsx([["商品编码", "盘点数量"], ["TEA-X", 7], ["CUP-X", 0]])})
    assert upload.status_code == 302, upload.content.decode()[:2000]
    preview = client.get(upload["Location"])
    assert preview.status_code == 200

    done = client.post(upload["Location"], follow=True)

    stocktake = Stocktake.objects.get()
    assert stocktake.state == DocumentState.DRAFT and stocktake.reason == "季度盘点 quarterly"
    assert {(line.product_id, line.counted) for line in stocktake.lines.all()} == {(tea.pk, 7), (cup.pk, 0)}
    assert done.status_code == 200


def test_an_unknown_sku_or_a_bad_count_is_shown_per_row_and_nothing_is_created(client, clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ProductFactory(sku="TEA-Y")
    upload = client.post(reverse("inventory:stocktake_import"), {
        "warehouse": WarehouseFactory().pk, "reason": "spot",
        "file": xlsx([["sku", "counted"], ["NOPE", 1], ["TEA-Y", -2]])})
    preview = client.get(upload["Location"]).content.decode()
    assert "no product has SKU &#x27;NOPE&#x27;" in preview or "no product has SKU 'NOPE'" in preview
    assert "must be at least 0" in preview

    client.post(upload["Location"])
    assert Stocktake.objects.count() == 0

"""A manager imports products from a spreadsheet: upload → preview → confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import Product
from tests.factories import ProductFactory, SupplierFactory

HEADER = "sku,name,supplier code,unit cost,list price,low-stock threshold"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def manager_client(client, make_user):
    SupplierFactory(code="acme")
    client.force_login(make_user("manager"))
    return client


def csv_file(*lines, name="products.csv"):
    return SimpleUploadedFile(name, "\n".join([HEADER, *lines]).encode("utf-8-sig"), content_type="text/csv")


def post_upload(client, file):
    return client.post(reverse("catalog:product_import"), {"file": file})


def test_a_good_file_is_previewed_then_confirmed_and_the_products_are_written(manager_client):
    response = post_upload(manager_client, csv_file("CUP-1,保温杯 Cup,acme,12.50,29.90,5", "MUG-1,Mug,acme,3,8,"))
    assert response.status_code == 302
    preview_url = response.url
    preview = manager_client.get(preview_url)
    assert preview.status_code == 200
    assert Product.objects.count() == 0, "nothing is written before the confirm"
    page = preview.content.decode()
    assert "保温杯 Cup" in page and 'id="import-confirm"' in page
    assert "Valid: 2" in page

    done = manager_client.post(preview_url, {"confirm": "1"}, follow=True)
    assert sorted(Product.objects.values_list("sku", flat=True)) == ["CUP-1", "MUG-1"]
    assert "Imported “products.csv”: 2 created." in done.content.decode()
    # The batch is used up: the preview is gone and a second confirm writes nothing.
    assert manager_client.post(preview_url, {"confirm": "1"}).status_code == 404
    assert Product.objects.count() == 2


def test_a_row_with_a_bad_value_is_shown_next_to_the_row_and_cannot_be_confirmed(manager_client):
    response = post_upload(manager_client, csv_file("CUP-1,Cup,acme,12.50,29.90,5", "MUG-1,Mug,acme,abc,8,0"))
    preview_url = response.url
    page = manager_client.get(preview_url).content.decode()
    assert "Row 3, column unit cost: &#x27;abc&#x27; is not a number." in page
    assert 'id="import-confirm"' not in page
    answer = manager_client.post(preview_url, {"confirm": "1"}, follow=True)
    assert "The file has errors" in answer.content.decode()
    assert Product.objects.count() == 0


def test_a_duplicate_sku_is_reported_as_skipped(manager_client):
    ProductFactory(sku="CUP-1", name="Original cup")
    response = post_upload(manager_client, csv_file("CUP-1,New name,acme,1,2,0", "MUG-1,Mug,acme,3,8,0"))
    page = manager_client.get(response.url).content.decode()
    assert "Will skip: 1" in page
    assert "SKU CUP-1 already exists; it is left unchanged." in page
    done = manager_client.post(response.url, {"confirm": "1"}, follow=True)
    assert "1 created, 1 skipped" in done.content.decode()
    assert Product.objects.get(sku="CUP-1").name == "Original cup"


def test_a_refused_file_is_explained_on_the_upload_form_and_nothing_is_kept(manager_client, media):
    response = post_upload(manager_client, SimpleUploadedFile("products.xlsx", b"not a zip at all"))
    assert response.status_code == 200
    assert "The file is not a valid Excel workbook" in response.content.decode()
    assert not (media / "imports").exists() or not any((media / "imports").iterdir())


def test_an_oversized_upload_is_refused(manager_client, monkeypatch):
    from catalog.importers import ProductImporter

    monkeypatch.setattr(ProductImporter, "max_bytes", 100)
    response = post_upload(manager_client, csv_file(*[f"S-{i},Name,acme,1,2,0" for i in range(10)]))
    assert response.status_code == 200
    assert "files up to 100 bytes can be imported. Split it into smaller files." in response.content.decode()
    assert Product.objects.count() == 0


def test_cancel_discards_the_batch(manager_client):
    response = post_upload(manager_client, csv_file("CUP-1,Cup,acme,1,2,0"))
    manager_client.post(response.url, {"cancel": "1"})
    assert manager_client.get(response.url).status_code == 404
    assert Product.objects.count() == 0


def test_sales_may_not_import_products(client, make_user):
    client.force_login(make_user("sales"))
    assert client.get(reverse("catalog:product_import")).status_code == 403


def test_another_users_preview_is_not_found(manager_client, client, make_user):
    response = post_upload(manager_client, csv_file("CUP-1,Cup,acme,1,2,0"))
    client.force_login(make_user("manager"))
    assert client.get(response.url).status_code == 404

"""Master data over the API, validated by the same forms and permissions as the pages."""

from decimal import Decimal

import pytest

from catalog.models import Product, Store
from tests.factories import CarrierFactory, ProductFactory, StoreFactory, SupplierFactory, WarehouseFactory

PRODUCTS = "/api/v1/catalog/products/"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


@pytest.fixture
def supplier(db):
    return SupplierFactory(code="acme")


def test_sales_reads_master_data_but_may_not_write_it(api_client, supplier):
    product = ProductFactory(sku="CUP-1", default_supplier=supplier)
    client, _user = api_client("sales")
    listing = client.get(PRODUCTS, {"with_count": "true"})
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert listing.json()["items"][0]["sku"] == "CUP-1"
    detail = client.get(f"{PRODUCTS}{product.pk}/")
    assert detail.status_code == 200
    assert detail.json()["default_supplier"] == supplier.pk
    assert Decimal(detail.json()["list_price"]) == Decimal("25.00")

    refused = post(client, PRODUCTS, {"sku": "NEW", "name": "n", "default_supplier": supplier.pk,
                                      "supplier_unit_cost": "1", "list_price": "2"})
    assert refused.status_code == 403
    assert "catalog.add_product" in refused.json()["detail"]
    assert patch(client, f"{PRODUCTS}{product.pk}/", {"name": "x"}).status_code == 403
    assert Product.objects.count() == 1


def test_a_manager_creates_a_product(api_client, supplier):
    client, _user = api_client("manager")
    response = post(client, PRODUCTS, {"sku": "CUP-9", "name": "保温杯", "default_supplier": supplier.pk,
                                       "supplier_unit_cost": "12.50", "list_price": 29.9})
    assert response.status_code == 201, response.json()
    body = response.json()
    product = Product.objects.get(sku="CUP-9")
    assert body["id"] == product.pk and body["is_active"] is True
    assert (product.list_price, product.low_stock_threshold, product.is_active) == (Decimal("29.90"), 0, True)


def test_bad_data_gets_400_with_the_forms_field_errors_and_writes_nothing(api_client, supplier):
    ProductFactory(sku="TAKEN", default_supplier=supplier)
    client, _user = api_client("manager")
    response = post(client, PRODUCTS, {"sku": "HAS SPACE", "supplier_unit_cost": "-1", "list_price": "2"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The request has invalid values."
    assert body["errors"]["sku"] == ["A SKU has no spaces."]  # the same message as the page's form
    assert body["errors"]["name"] == ["This field is required."]
    assert body["errors"]["default_supplier"] == ["This field is required."]
    assert "supplier_unit_cost" in body["errors"]

    duplicate = post(client, PRODUCTS, {"sku": "TAKEN", "name": "n", "default_supplier": supplier.pk,
                                        "supplier_unit_cost": "1", "list_price": "2"})
    assert duplicate.status_code == 400
    assert duplicate.json()["errors"]["sku"] == ["Product with this SKU already exists."]

    not_a_number = post(client, PRODUCTS, {"sku": "A", "list_price": "abc"})
    assert not_a_number.status_code == 422  # the schema refuses it before the form sees it
    assert "list_price" in not_a_number.json()["errors"]
    assert Product.objects.count() == 1


def test_patch_changes_only_the_named_fields(api_client, supplier):
    product = ProductFactory(sku="CUP-1", name="Cup", default_supplier=supplier, list_price=Decimal("5.00"))
    client, _user = api_client("manager")
    response = patch(client, f"{PRODUCTS}{product.pk}/", {"list_price": "7.25"})
    assert response.status_code == 200, response.json()
    product.refresh_from_db()
    assert (product.name, product.list_price, product.is_active) == ("Cup", Decimal("7.25"), True)
    assert patch(client, f"{PRODUCTS}{product.pk}/", {"is_active": False}).json()["is_active"] is False
    bad = patch(client, f"{PRODUCTS}{product.pk}/", {"list_price": "-3"})
    assert bad.status_code == 400 and "list_price" in bad.json()["errors"]


def test_a_stores_promised_dispatch_hours_are_read_and_patched(api_client):
    store = StoreFactory()
    client, _user = api_client("manager")
    url = f"/api/v1/catalog/stores/{store.pk}/"
    assert client.get(url).json()["promised_dispatch_hours"] == 48
    assert patch(client, url, {"promised_dispatch_hours": 24}).json()["promised_dispatch_hours"] == 24
    assert Store.objects.get(pk=store.pk).promised_dispatch_hours == 24
    assert patch(client, url, {"promised_dispatch_hours": 0}).status_code == 400
    assert patch(client, url, {"promised_dispatch_hours": 5000}).status_code == 400
    assert Store.objects.get(pk=store.pk).promised_dispatch_hours == 24


def test_unknown_ids_are_404(api_client):
    client, _user = api_client("manager")
    response = client.get(f"{PRODUCTS}999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert patch(client, f"{PRODUCTS}999999/", {"name": "x"}).status_code == 404


def test_lists_are_paginated_and_filtered(api_client, supplier):
    other = SupplierFactory(code="other")
    for i in range(60):
        ProductFactory(sku=f"P-{i:03d}", default_supplier=supplier if i % 2 else other)
    ProductFactory(sku="ZZ-OFF", default_supplier=supplier, is_active=False)
    client, _user = api_client("warehouse")
    first = client.get(PRODUCTS, {"with_count": "true"}).json()
    assert first["count"] == 61 and len(first["items"]) == 50
    assert first["next"].endswith("offset=50&limit=50")
    second = client.get(first["next"]).json()
    assert len(second["items"]) == 11 and second["next"] is None and second["count"] == 61
    assert {p["sku"] for p in first["items"]}.isdisjoint(p["sku"] for p in second["items"])
    by_supplier = client.get(PRODUCTS, {"supplier": supplier.pk, "is_active": "true", "limit": 100,
                                        "with_count": "true"}).json()
    assert by_supplier["count"] == 30
    assert client.get(PRODUCTS, {"q": "zz-off"}).json()["items"][0]["sku"] == "ZZ-OFF"


def test_every_master_data_kind_is_readable_and_writable(api_client, make_user):
    salesperson = make_user("sales")
    StoreFactory(), WarehouseFactory(), CarrierFactory(), SupplierFactory()
    client, _user = api_client("manager")
    created = {
        "stores": {"name": "天猫旗舰店", "platform": "tmall", "salesperson": salesperson.pk},
        "suppliers": {"name": "New supplier", "code": "NEW-SUP"},
        "warehouses": {"code": "sh", "name": "Shanghai"},
        "carriers": {"code": "sf", "name": "SF Express", "tracking_url_pattern": "https://sf.example/{tracking_number}"},
    }
    for kind, data in created.items():
        url = f"/api/v1/catalog/{kind}/"
        assert client.get(url, {"with_count": "true"}).json()["count"] == 1, kind
        response = post(client, url, data)
        assert response.status_code == 201, (kind, response.json())
        pk = response.json()["id"]
        assert patch(client, f"{url}{pk}/", {"is_active": False}).json()["is_active"] is False
    assert client.get("/api/v1/catalog/suppliers/", {"q": "new-sup"}).json()["items"][0]["code"] == "new-sup"
    assert Store.objects.get(name="天猫旗舰店").salesperson == salesperson


def test_store_salesperson_must_be_in_the_sales_group_as_in_the_ui(api_client, make_user):
    client, manager = api_client("manager")
    response = post(client, "/api/v1/catalog/stores/", {"name": "S", "platform": "jd", "salesperson": manager.pk})
    assert response.status_code == 400
    assert response.json()["errors"]["salesperson"] == [
        "Pick a user in the sales group; that user is told of this store's new orders."]

"""Master-data pages, as the people who use them: a manager keeps the lists, everybody internal reads
them, and exports carry exactly the rows the filters show."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from catalog.models import Carrier, Product, Store, Supplier, Warehouse
from tests.factories import (
    CarrierFactory,
    ProductFactory,
    StoreFactory,
    SupplierFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db

MODELS = ["store", "supplier", "product", "warehouse", "carrier"]


@pytest.fixture
def manager(client, make_user):
    user = make_user("manager")
    client.force_login(user)
    return user


@pytest.fixture
def sales(client, make_user):
    user = make_user("sales")
    client.force_login(user)
    return user


def rows_of(response):
    """The data rows of the table on a list page, as lists of cell texts."""
    import re

    from django.utils.html import strip_tags

    body = response.content.decode()
    tbody = body.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return [
        [strip_tags(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", tbody, re.S)
    ]


def csv_rows(response):
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(response):
    content = b"".join(response.streaming_content)
    return [list(r) for r in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


# ---- lists: filter, search, sort, paginate ---------------------------------------------------------

def test_product_list_searches_filters_and_sorts(client, sales):
    silk = SupplierFactory(name="杭州丝绸 Hangzhou Silk")
    other = SupplierFactory(name="深圳电子 Shenzhen Electronics")
    ProductFactory(sku="SILK-1", name="真丝围巾 Silk scarf", default_supplier=silk, list_price=Decimal("199"))
    ProductFactory(sku="SILK-2", name="真丝枕套 Silk pillowcase", default_supplier=silk, list_price=Decimal("269"))
    ProductFactory(sku="EL-1", name="耳机 Earphones", default_supplier=other, list_price=Decimal("99"))
    ProductFactory(sku="SILK-OLD", name="旧围巾 Old scarf", default_supplier=silk, is_active=False)
    url = reverse("catalog:product_list")

    response = client.get(url, {"q": "真丝"})
    assert [r[0] for r in rows_of(response)] == ["SILK-1", "SILK-2"]

    response = client.get(url, {"q": "silk scarf"})  # every word matches the SKU or the name
    assert [r[0] for r in rows_of(response)] == ["SILK-1", "SILK-OLD"]
    response = client.get(url, {"q": "pillowcase silk"})
    assert [r[0] for r in rows_of(response)] == ["SILK-2"]

    response = client.get(url, {"default_supplier": silk.pk, "is_active": "yes", "sort": "-list_price"})
    assert [r[0] for r in rows_of(response)] == ["SILK-2", "SILK-1"]

    response = client.get(url, {"list_price_max": "150", "is_active": "yes"})
    assert [r[0] for r in rows_of(response)] == ["EL-1"]

    response = client.get(url, {"is_active": "no"})
    assert [r[0] for r in rows_of(response)] == ["SILK-OLD"]


def test_sorting_by_a_related_column(client, sales):
    StoreFactory(name="B store", salesperson__username="zhang")
    StoreFactory(name="A store", salesperson__username="wang")
    url = reverse("catalog:store_list")
    assert [r[0] for r in rows_of(client.get(url))] == ["A store", "B store"]
    assert [r[0] for r in rows_of(client.get(url, {"sort": "-salesperson"}))] == ["B store", "A store"]
    # An unknown sort column is ignored, not an error.
    assert client.get(url, {"sort": "password"}).status_code == 200


def test_list_paginates_without_repeating_rows(client, sales):
    ProductFactory.create_batch(30, list_price=Decimal("10"))  # all equal: the pk breaks the tie
    url = reverse("catalog:product_list")
    first = [r[0] for r in rows_of(client.get(url, {"sort": "list_price"}))]
    second = [r[0] for r in rows_of(client.get(url, {"sort": "list_price", "page": 2}))]
    assert len(first) == 25 and len(second) == 5
    assert not set(first) & set(second)

    assert len(rows_of(client.get(url, {"per_page": 50}))) == 30
    # A page size that is not offered falls back to the default, so nobody asks for a million rows.
    assert len(rows_of(client.get(url, {"per_page": 100000}))) == 25
    # A page past the end shows the first page instead of an error.
    assert client.get(url, {"page": 99}).status_code == 200


def test_carrier_list_shows_the_tracking_link_pattern(client, sales):
    CarrierFactory(name="顺丰 SF Express", tracking_url_pattern="https://sf.example/track?no={tracking_number}")
    response = client.get(reverse("catalog:carrier_list"))
    content = response.content.decode()
    assert "https://sf.example/track?no={tracking_number}" in content
    assert 'href="https://sf.example/track?no=SF1234567890"' in content


# ---- exports ---------------------------------------------------------------------------------------

def test_csv_export_has_every_filtered_row_not_just_one_page(client, sales):
    silk = SupplierFactory(name="Silk Works")
    ProductFactory.create_batch(30, default_supplier=silk)
    ProductFactory.create_batch(3)  # another supplier: filtered out
    response = client.get(reverse("catalog:product_list"),
                          {"default_supplier": silk.pk, "sort": "-sku", "_export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="products-')
    rows = csv_rows(response)
    assert rows[0] == ["SKU", "Name", "Default supplier", "Supplier unit cost", "List price",
                       "Low-stock threshold", "Active"]
    expected = list(Product.objects.filter(default_supplier=silk).order_by("-sku").values_list("sku", flat=True))
    assert [r[0] for r in rows[1:]] == expected
    assert len(expected) == 30
    assert rows[1][2] == "Silk Works" and rows[1][4] == "25.00" and rows[1][6] == "yes"


def test_xlsx_export_keeps_numbers_typed_and_neutralises_formulas(client, sales):
    ProductFactory(sku="EVIL-1", name="=cmd|' /C calc'!A0", list_price=Decimal("12.50"), low_stock_threshold=4)
    ProductFactory(sku="OK-1", name="Scarf")
    response = client.get(reverse("catalog:product_list"), {"q": "EVIL", "_export": "xlsx"})
    assert response.status_code == 200
    rows = xlsx_rows(response)
    assert rows[0][0] == "SKU"
    assert len(rows) == 2
    sku, name, _supplier, cost, price, threshold, active = rows[1]
    assert (sku, name) == ("EVIL-1", "'=cmd|' /C calc'!A0")
    assert price == 12.5 and cost == 10 and threshold == 4 and active is True


def test_export_of_store_list_uses_choice_labels(client, sales):
    StoreFactory(name="JD shop", platform="jd")
    rows = csv_rows(client.get(reverse("catalog:store_list"), {"_export": "csv"}))
    assert rows[1][:2] == ["JD shop", "JD"]


def test_carrier_export_leaves_out_the_example_link_column(client, sales):
    CarrierFactory(name="SF", tracking_url_pattern="https://sf.example/{tracking_number}")
    rows = xlsx_rows(client.get(reverse("catalog:carrier_list"), {"_export": "xlsx"}))
    assert rows[0] == ["Code", "Name", "Tracking link pattern", "Active"]
    assert rows[1][2] == "https://sf.example/{tracking_number}"


def test_unknown_export_format_is_a_bad_request(client, sales):
    assert client.get(reverse("catalog:store_list"), {"_export": "pdf"}).status_code == 400


def test_export_over_the_row_limit_is_refused_with_a_message(client, sales, settings):
    settings.EXPORT_MAX_ROWS = 2
    WarehouseFactory.create_batch(3)
    response = client.get(reverse("catalog:warehouse_list"), {"_export": "csv"}, follow=True)
    assert response.redirect_chain[0][0] == reverse("catalog:warehouse_list") + "?"
    assert "more than 2 rows" in response.content.decode()


# ---- create / edit ---------------------------------------------------------------------------------

def test_manager_creates_a_store_for_a_salesperson(client, manager, make_user):
    seller = make_user("sales", username="lina")
    response = client.get(reverse("catalog:store_create"))
    assert response.status_code == 200
    assert "data-searchable" in response.content.decode()  # the salesperson is picked from a search list

    response = client.post(reverse("catalog:store_create"),
                           {"name": "天猫旗舰店", "platform": "tmall", "salesperson": seller.pk, "is_active": "on"},
                           follow=True)
    store = Store.objects.get(name="天猫旗舰店")
    assert store.salesperson == seller
    assert response.redirect_chain[-1][0] == reverse("catalog:store_list")
    assert "天猫旗舰店 was created." in response.content.decode()


def test_invalid_store_shows_the_error_next_to_the_field_and_writes_nothing(client, manager, make_user):
    finance = make_user("finance")
    response = client.post(reverse("catalog:store_create"),
                           {"name": "", "platform": "tmall", "salesperson": finance.pk})
    assert response.status_code == 200
    assert Store.objects.count() == 0
    content = response.content.decode()
    assert 'id="field-name"' in content
    name_block = content.split('id="field-name"', 1)[1].split('id="field-', 1)[0]
    assert "This field is required." in name_block
    salesperson_block = content.split('id="field-salesperson"', 1)[1].split('id="field-', 1)[0]
    assert "Pick a user in the sales group" in salesperson_block
    assert "is-invalid" in salesperson_block


def test_manager_edits_a_supplier_promised_hours(client, manager):
    supplier = SupplierFactory(promised_dispatch_hours=48)
    url = reverse("catalog:supplier_edit", args=[supplier.pk])
    assert client.get(url).status_code == 200
    data = {"name": supplier.name, "code": supplier.code, "kind": "manufacturer", "promised_dispatch_hours": 24,
            "contact_email": "new@supplier.example", "is_active": "on"}
    response = client.post(url, data, follow=True)
    supplier.refresh_from_db()
    assert supplier.promised_dispatch_hours == 24
    assert supplier.contact_email == "new@supplier.example"
    assert "was saved." in response.content.decode()

    response = client.post(url, {**data, "promised_dispatch_hours": 0})
    supplier.refresh_from_db()
    assert supplier.promised_dispatch_hours == 24
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()


def test_manager_creates_a_product_with_its_default_supplier(client, manager):
    supplier = SupplierFactory()
    response = client.post(reverse("catalog:product_create"), {
        "sku": "SCARF-9", "name": "围巾", "default_supplier": supplier.pk, "supplier_unit_cost": "55.00",
        "list_price": "129.00", "low_stock_threshold": 3, "is_active": "on",
    })
    assert response.status_code == 302
    product = Product.objects.get(sku="SCARF-9")
    assert product.default_supplier == supplier
    assert product.list_price == Decimal("129.00")


def test_invalid_product_writes_nothing(client, manager):
    supplier = SupplierFactory()
    response = client.post(reverse("catalog:product_create"), {
        "sku": "SCARF-9", "name": "围巾", "default_supplier": supplier.pk, "supplier_unit_cost": "-1",
        "list_price": "abc", "low_stock_threshold": 3,
    })
    assert response.status_code == 200
    assert not Product.objects.exists()
    content = response.content.decode()
    assert "Ensure this value is greater than or equal to 0." in content
    assert "Enter a number." in content


def test_manager_edits_a_warehouse_and_a_carrier(client, manager):
    warehouse = WarehouseFactory()
    response = client.post(reverse("catalog:warehouse_edit", args=[warehouse.pk]),
                           {"code": warehouse.code, "name": "上海仓 Shanghai", "address": "浦东"})
    assert response.status_code == 302
    warehouse.refresh_from_db()
    assert (warehouse.name, warehouse.is_active) == ("上海仓 Shanghai", False)

    carrier = CarrierFactory()
    url = reverse("catalog:carrier_edit", args=[carrier.pk])
    response = client.post(url, {"code": carrier.code, "name": carrier.name,
                                 "tracking_url_pattern": "https://sf.example/track", "is_active": "on"})
    assert response.status_code == 200
    assert "Put {tracking_number} where the tracking number goes." in response.content.decode()
    carrier.refresh_from_db()
    assert carrier.tracking_url_pattern == "https://track.example/{tracking_number}"
    assert 'id="tracking-example"' in client.get(url).content.decode()


def test_manager_creates_a_warehouse_and_a_carrier(client, manager):
    assert client.post(reverse("catalog:warehouse_create"), {"code": "sh", "name": "上海仓"}).status_code == 302
    assert Warehouse.objects.filter(code="sh").exists()
    response = client.post(reverse("catalog:carrier_create"), {
        "code": "sf", "name": "顺丰", "tracking_url_pattern": "https://sf.example/{tracking_number}"})
    assert response.status_code == 302
    assert Carrier.objects.get(code="sf").tracking_url("SF1") == "https://sf.example/SF1"


def test_new_supplier_from_the_page(client, manager):
    response = client.post(reverse("catalog:supplier_create"), {
        "name": "宁波家居", "code": "nb-home", "kind": "manufacturer", "promised_dispatch_hours": 72})
    assert response.status_code == 302
    assert Supplier.objects.get(code="nb-home").promised_dispatch_hours == 72


# ---- permissions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("model", MODELS)
def test_sales_can_read_but_not_create_or_edit(client, sales, model):
    obj = {"store": StoreFactory, "supplier": SupplierFactory, "product": ProductFactory,
           "warehouse": WarehouseFactory, "carrier": CarrierFactory}[model]()
    response = client.get(reverse(f"catalog:{model}_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="create-link"' not in content, "no New button without the add permission"
    assert f'href="{obj.get_absolute_url()}"' not in content, "no edit link without the change permission"
    assert client.get(reverse(f"catalog:{model}_create")).status_code == 403
    assert client.get(reverse(f"catalog:{model}_edit", args=[obj.pk])).status_code == 403
    assert client.post(reverse(f"catalog:{model}_edit", args=[obj.pk]), {}).status_code == 403


@pytest.mark.parametrize("model", MODELS)
def test_manager_sees_new_button_and_edit_links(client, manager, model):
    obj = {"store": StoreFactory, "supplier": SupplierFactory, "product": ProductFactory,
           "warehouse": WarehouseFactory, "carrier": CarrierFactory}[model]()
    content = client.get(reverse(f"catalog:{model}_list")).content.decode()
    assert f'href="{reverse(f"catalog:{model}_create")}"' in content
    assert f'href="{obj.get_absolute_url()}"' in content
    assert client.get(reverse(f"catalog:{model}_create")).status_code == 200


def test_supplier_login_never_sees_master_data(client, make_user):
    client.force_login(make_user("supplier"))
    response = client.get(reverse("catalog:product_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("catalog:store_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# ---- query count -----------------------------------------------------------------------------------

@pytest.mark.parametrize("model", MODELS)
def test_list_page_query_count_does_not_grow_with_rows(client, sales, django_assert_num_queries, model):
    factory = {"store": StoreFactory, "supplier": SupplierFactory, "product": ProductFactory,
               "warehouse": WarehouseFactory, "carrier": CarrierFactory}[model]
    url = reverse(f"catalog:{model}_list")
    factory()
    client.get(url)  # warm up
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    factory.create_batch(20)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(rows_of(response)) == 21


def test_invalid_filter_value_shows_the_error_and_no_rows(client, sales):
    ProductFactory()
    url = reverse("catalog:product_list")
    response = client.get(url, {"list_price_min": "abc"})
    assert response.status_code == 200
    assert rows_of(response) == [["Nothing matches these filters."]]
    assert "Enter a number." in response.content.decode()

    response = client.get(url, {"list_price_min": "abc", "_export": "csv"}, follow=True)
    assert "Correct the filters before exporting." in response.content.decode()

"""Importing a store's order export: canonical template and the Tmall, JD and Shopify exports, with a
preview of row errors, all-or-nothing writes, and existing orders reported as skipped."""

import io
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from notifications.models import Notification
from orders.importing import OrderImporter, template_headers
from orders.models import Order, OrderLine, OrderSource
from tests.factories import ProductFactory, StoreFactory

from .factories import OrderFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

GENERIC = ["Order no.", "Ordered at", "Recipient name", "Recipient phone", "Recipient address", "SKU",
           "Quantity", "Unit price"]


def csv_upload(rows, name="orders.csv", encoding="utf-8"):
    text = "\n".join(",".join(str(c) for c in row) for row in rows) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_upload(rows, name="orders.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def sales(make_user):
    return make_user("sales")


@pytest.fixture
def store(sales):
    return StoreFactory(salesperson=sales)


@pytest.fixture
def products():
    return [ProductFactory(sku="A-1"), ProductFactory(sku="B-2")]


def import_file(store, upload, actor):
    importer = OrderImporter(store)
    batch = importer.parse(upload, actor=actor)
    return batch, (importer.confirm(batch, actor=actor) if batch.can_confirm else None)


def generic_rows():
    return [
        GENERIC,
        ["TM-1", "2026-11-20 10:30", "张三", "13800138000", "上海市浦东新区 1 号", "A-1", 2, "19.90"],
        ["TM-1", "2026-11-20 10:30", "张三", "13800138000", "上海市浦东新区 1 号", "B-2", 1, "5"],
        ["TM-2", "2026/11/21 08:00", "李四", "13900000000", "北京市朝阳区 2 号", "A-1", 3, "19.90"],
    ]


def test_a_generic_file_becomes_one_order_per_order_no_with_its_lines(sales, store, products):
    batch, result = import_file(store, csv_upload(generic_rows()), sales)

    assert (batch.total, batch.valid, batch.error_count, batch.skipped) == (3, 3, 0, 0)
    assert result.created == 2
    first = Order.objects.get(external_order_no="TM-1")
    assert first.store == store and first.source == OrderSource.IMPORT and first.created_by == sales
    assert list(first.lines.values_list("product__sku", "quantity", "unit_price")) == [
        ("A-1", 2, Decimal("19.90")), ("B-2", 1, Decimal("5.00"))]
    assert first.ordered_at == datetime(2026, 11, 20, 10, 30, tzinfo=SHANGHAI)  # local time of the file
    assert Notification.objects.filter(recipient=sales, event="order_created").count() == 1


def test_importing_the_same_file_again_skips_every_order_and_changes_nothing(sales, store, products):
    import_file(store, csv_upload(generic_rows()), sales)
    changed = generic_rows()
    changed[1][2] = "Someone else"
    batch, result = import_file(store, csv_upload(changed), sales)

    assert (batch.valid, batch.skipped, result) == (0, 3, None)
    assert "TM-1" in batch.skips[0] and "already exists" in batch.skips[0]
    assert Order.objects.count() == 2
    assert Order.objects.get(external_order_no="TM-1").recipient_name == "张三"
    assert OrderLine.objects.count() == 3


def test_new_orders_are_imported_and_existing_ones_skipped(sales, store, products):
    OrderFactory(store=store, external_order_no="TM-1", recipient_name="Original")
    batch, result = import_file(store, csv_upload(generic_rows()), sales)

    assert (batch.valid, batch.skipped) == (1, 2)
    assert (result.created, result.skipped) == (1, 2)
    assert Order.objects.get(external_order_no="TM-1").recipient_name == "Original"
    assert Order.objects.filter(external_order_no="TM-2").exists()


def test_row_errors_are_shown_and_nothing_is_written(sales, store, products):
    rows = generic_rows()
    rows[2][5] = "NOPE"          # unknown SKU
    rows[3][6] = 0               # quantity 0
    rows.append(["TM-1", "2026-11-20 10:30", "王五", "", "", "A-1", 1, "1"])  # another recipient
    importer = OrderImporter(store)
    batch = importer.parse(csv_upload(rows), actor=sales)

    assert batch.error_count == 3 and not batch.can_confirm
    assert "Row 3, column SKU: no product has SKU 'NOPE'." in batch.errors
    assert any(e.startswith("Row 4, column Quantity") for e in batch.errors)
    assert "Row 5, column Recipient name: differs from the first row of order TM-1 (row 2)." in batch.errors
    assert not Order.objects.exists() and not Notification.objects.exists()


def test_a_tmall_export_in_xlsx_is_recognised(sales, store, products):
    rows = [["订单编号", "买家会员名", "订单创建时间", "收货人姓名", "联系手机", "收货地址", "商家编码", "购买数量", "价格"],
            ["202611200001", "buyer", "2026-11-20 10:30:00", "赵六", "13600000000", "杭州市西湖区 3 号", "B-2", 4, 12.5]]
    batch, result = import_file(store, xlsx_upload(rows), sales)

    assert batch.ignored_headers == ["买家会员名"]
    assert result.created == 1
    order = Order.objects.get(external_order_no="202611200001")
    assert order.recipient_name == "赵六"
    assert order.lines.get().unit_price == Decimal("12.50")


def test_a_jd_export_in_gbk_is_recognised(sales, store, products):
    rows = [["订单号", "下单时间", "客户姓名", "联系电话", "客户地址", "商品编号", "订购数量", "京东价"],
            ["JD900", "2026-11-19 09:00:00", "钱七", "13500000000", "深圳市南山区 4 号", "A-1", 1, "99.00"]]
    _batch, result = import_file(store, csv_upload(rows, encoding="gbk"), sales)
    assert result.created == 1
    assert Order.objects.get().recipient_address == "深圳市南山区 4 号"


def test_a_shopify_export_leaves_order_fields_blank_on_later_lines(sales, store, products):
    rows = [["Name", "Created at", "Shipping Name", "Shipping Phone", "Shipping Address1", "Lineitem sku",
             "Lineitem quantity", "Lineitem price"],
            ["#1001", "2026-11-18 12:00:00 +0800", "Ann Lee", "+1 555 0100", "1 Main St", "A-1", 1, "10.00"],
            ["#1001", "", "", "", "", "B-2", 2, "3.50"]]
    _batch, result = import_file(store, csv_upload(rows), sales)

    assert result.created == 1
    order = Order.objects.get(external_order_no="#1001")
    assert order.lines.count() == 2
    assert order.ordered_at == datetime(2026, 11, 18, 4, 0, tzinfo=UTC)


def test_a_file_without_the_needed_columns_is_refused(sales, store, products):
    upload = csv_upload([["foo", "bar"], ["1", "2"]])
    with pytest.raises(Exception, match="missing"):
        OrderImporter(store).parse(upload, actor=sales)


def test_sales_imports_through_the_pages(client, sales, store, products):
    client.force_login(sales)
    response = client.post(reverse("orders:order_import"),
                           {"store": store.pk, "file": csv_upload(generic_rows())})
    assert response.status_code == 302
    preview = client.get(response.url)
    assert preview.status_code == 200 and preview.context["batch"].valid == 3

    done = client.post(response.url, follow=True)
    assert Order.objects.count() == 2
    assert "2 created" in done.text
    # Re-running the same file: every row is reported as skipped, nothing is written.
    again = client.post(reverse("orders:order_import"), {"store": store.pk, "file": csv_upload(generic_rows())})
    preview = client.get(again.url)
    assert preview.context["batch"].skipped == 3 and not preview.context["batch"].can_confirm
    assert Order.objects.count() == 2


def test_the_store_must_be_picked(client, sales, products):
    client.force_login(sales)
    response = client.post(reverse("orders:order_import"), {"file": csv_upload(generic_rows())})
    assert response.status_code == 200
    assert response.context["form"].errors["store"]
    assert not hasattr(response.context["form"], "batch")  # the file was not even read


@pytest.mark.parametrize(("role", "status"), [("warehouse", 403), ("finance", 403), ("supplier", 302)])
def test_only_sales_may_import(client, make_user, store, products, role, status):
    client.force_login(make_user(role))
    response = client.post(reverse("orders:order_import"), {"store": store.pk, "file": csv_upload(generic_rows())})
    assert response.status_code == status
    assert not Order.objects.exists()


@pytest.mark.parametrize("platform", ["generic", "tmall", "jd", "shopify"])
def test_the_template_downloads_with_the_platform_headers(client, sales, platform):
    client.force_login(sales)
    response = client.get(reverse("orders:order_import_template"), {"platform": platform})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in next(sheet.iter_rows())] == template_headers(platform)


def test_the_generic_template_imports_as_it_is(client, sales, store):
    ProductFactory(sku="SKU-00001")
    client.force_login(sales)
    response = client.get(reverse("orders:order_import_template"), {"format": "csv"})
    upload = SimpleUploadedFile("template.csv", b"".join(response.streaming_content))
    _batch, result = import_file(store, upload, sales)
    assert result.created == 1

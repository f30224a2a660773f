"""A person (or a hostile client posting the pages) meets the forms' column bounds: money with three places,
an amount or quantity beyond its column, a NUL byte in a name, an id of "²" — each is an error next to its
field and nothing is written; list filters of the wrong type show the filter error above an empty list."""

import pytest
from django.urls import reverse

from catalog.models import Product
from inventory.models import GoodsReceipt
from orders.models import Order
from tests.factories import ProductFactory, StoreFactory, SupplierFactory, UserFactory, WarehouseFactory
from tests.shipments.factories import a_shipment

pytestmark = pytest.mark.django_db


def lines(rows, prefix="lines", total=3):
    data = {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "300"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def logged_in(client, *roles):
    user = UserFactory(roles=roles)
    client.force_login(user)
    return user


@pytest.mark.parametrize("line, field, why", [
    ({"unit_cost": "1.005"}, "unit_cost", "more than 2 decimal places"),
    ({"unit_cost": "1e27"}, "unit_cost", "too large"),
    ({"quantity": str(2**31)}, "quantity", "less than or equal to"),
    ({"product": "²"}, "product", "Select a valid choice"),
])
def test_a_goods_receipt_line_its_columns_cannot_hold_is_an_error_next_to_the_field(client, line, field, why):
    logged_in(client, "warehouse")
    product = ProductFactory()
    response = client.post(reverse("inventory:receipt_create"), {
        "supplier": SupplierFactory().pk, "warehouse": WarehouseFactory().pk,
        **lines([{"product": product.pk, "quantity": "2", "unit_cost": "1.00", **line}])})

    assert response.status_code in (200, 400)
    row = response.context["formset"].forms[0]
    assert why in " ".join(row.errors[field])
    assert not GoodsReceipt.objects.exists()


def test_a_product_name_with_a_nul_byte_or_a_price_with_three_places_is_refused(client):
    logged_in(client, "manager")
    supplier = SupplierFactory()
    response = client.post(reverse("catalog:product_create"), {
        "sku": "NUL-1", "name": "Mu\x00g", "default_supplier": supplier.pk, "supplier_unit_cost": "1.005",
        "list_price": "99999999999", "low_stock_threshold": str(2**31)})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"name", "supplier_unit_cost", "list_price", "low_stock_threshold"}
    assert "more than 2 decimal places" in errors["supplier_unit_cost"][0]
    assert not Product.objects.exists()


def test_an_order_typed_in_with_an_overflowing_quantity_or_a_rounded_price_is_refused(client):
    user = logged_in(client, "sales")
    store, product = StoreFactory(salesperson=user), ProductFactory()
    response = client.post(reverse("orders:order_create"), {
        "store": store.pk, "external_order_no": "JD-1", "ordered_at": "2026-11-20T10:30", "recipient_name": "王五",
        "recipient_phone": "13700000000", "recipient_address": "广州市天河区 8 号",
        **lines([{"product": product.pk, "quantity": str(2**31), "unit_price": "88.005"}], total=3)})

    assert response.status_code in (200, 400)
    row = response.context["formset"].forms[0]
    assert "quantity" in row.errors and "more than 2 decimal places" in row.errors["unit_price"][0]
    assert not Order.objects.exists()


@pytest.mark.parametrize("url_name, query, field", [
    ("orders:order_list", {"waiting_hours": "1e122"}, "waiting_hours"),
    ("orders:order_list", {"waiting_hours": "99999999"}, "waiting_hours"),
    ("shipments:shipment_list", {"supplier": "²"}, "supplier"),
    ("catalog:product_list", {"list_price_min": "1e27"}, "list_price_min"),
])
def test_a_list_filter_of_the_wrong_type_or_range_shows_its_error_above_an_empty_list(client, url_name, query,
                                                                                     field):
    logged_in(client, "manager")
    a_shipment()
    response = client.get(reverse(url_name), query)

    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert list(response.context["table"].page.object_list) == []
    assert "is-invalid" in response.content.decode()


def test_a_page_beyond_any_number_shows_the_first_page(client):
    logged_in(client, "manager")
    response = client.get(reverse("orders:order_list"), {"page": "99999999999999999999999"})
    assert response.status_code == 200 and response.context["table"].page.number == 1


def test_an_order_typed_in_with_a_time_in_the_future_is_refused_next_to_the_field(client):
    user = logged_in(client, "sales")
    store, product = StoreFactory(salesperson=user), ProductFactory()
    response = client.post(reverse("orders:order_create"), {
        "store": store.pk, "external_order_no": "JD-2", "ordered_at": "2999-11-20T10:30", "recipient_name": "王五",
        "recipient_phone": "13700000000", "recipient_address": "广州市天河区 8 号",
        **lines([{"product": product.pk, "quantity": "1", "unit_price": "8.00"}], total=3)})

    assert response.status_code in (200, 400)
    assert "cannot be in the future" in " ".join(response.context["form"].errors["ordered_at"])
    assert not Order.objects.exists()

"""The master-data forms: the pages and the API validate through them."""

from decimal import Decimal

import pytest

from catalog.forms import CarrierForm, ProductForm, StoreForm, SupplierForm, WarehouseForm
from tests.factories import StoreFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def test_store_salesperson_must_be_in_the_sales_group(make_user):
    seller = make_user("sales")
    finance = make_user("finance")
    form = StoreForm(data={"name": "天猫 A", "platform": "tmall", "salesperson": finance.pk, "is_active": True})
    assert not form.is_valid()
    assert "salesperson" in form.errors
    assert list(form.fields["salesperson"].queryset) == [seller]

    form = StoreForm(data={"name": "天猫 A", "platform": "tmall", "salesperson": seller.pk, "is_active": True})
    assert form.is_valid(), form.errors
    store = form.save()
    assert store.salesperson == seller


def test_store_name_is_unique(make_user):
    existing = StoreFactory()
    form = StoreForm(data={"name": existing.name, "platform": "jd", "salesperson": existing.salesperson.pk})
    assert not form.is_valid()
    assert "name" in form.errors


def test_store_promised_hours_default_bounds_and_kept_when_left_out(make_user):
    seller = make_user("sales")
    data = {"name": "京东 B", "platform": "jd", "salesperson": seller.pk}
    for bad in (0, -1, 2161, "abc"):
        form = StoreForm(data={**data, "promised_dispatch_hours": bad})
        assert not form.is_valid()
        assert "promised_dispatch_hours" in form.errors
    store = StoreForm(data=data).save()
    assert store.promised_dispatch_hours == 48  # the platform default when none is given
    store = StoreForm(data={**data, "promised_dispatch_hours": 24}, instance=store).save()
    assert store.promised_dispatch_hours == 24
    store = StoreForm(data=data, instance=store).save()
    assert store.promised_dispatch_hours == 24  # left out: kept


def test_store_promised_hours_checked_by_the_database():
    from django.db import IntegrityError, transaction

    from catalog.models import Store

    store = StoreFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Store.objects.filter(pk=store.pk).update(promised_dispatch_hours=0)


def test_supplier_promised_hours_default_and_bounds():
    data = {"name": "宁波 Ningbo", "code": "NB-Home", "kind": "manufacturer", "promised_dispatch_hours": 0}
    form = SupplierForm(data=data)
    assert not form.is_valid()
    assert "promised_dispatch_hours" in form.errors

    form = SupplierForm(data={**data, "promised_dispatch_hours": 48})
    assert form.is_valid(), form.errors
    supplier = form.save()
    assert supplier.code == "nb-home"
    assert supplier.promised_dispatch_hours == 48


def test_supplier_portal_users_are_supplier_logins(make_user):
    portal = make_user("supplier")
    internal = make_user("sales")
    data = {"name": "S", "code": "s", "kind": "manufacturer", "promised_dispatch_hours": 24}
    assert not SupplierForm(data={**data, "portal_users": [internal.pk]}).is_valid()
    form = SupplierForm(data={**data, "portal_users": [portal.pk]})
    assert form.is_valid(), form.errors
    assert list(form.save().portal_users.all()) == [portal]


def test_product_rejects_negative_money_and_inactive_supplier():
    supplier = SupplierFactory()
    retired = SupplierFactory(is_active=False)
    data = {"sku": "SKU-1", "name": "围巾", "default_supplier": supplier.pk, "supplier_unit_cost": "-1",
            "list_price": "10", "low_stock_threshold": 0}
    form = ProductForm(data=data)
    assert not form.is_valid()
    assert "supplier_unit_cost" in form.errors

    assert "default_supplier" in ProductForm(data={**data, "supplier_unit_cost": "1",
                                                   "default_supplier": retired.pk}).errors
    form = ProductForm(data={**data, "supplier_unit_cost": "8.50"})
    assert form.is_valid(), form.errors
    assert form.save().supplier_unit_cost == Decimal("8.50")


def test_product_sku_has_no_spaces():
    supplier = SupplierFactory()
    form = ProductForm(data={"sku": "SKU 1", "name": "x", "default_supplier": supplier.pk,
                             "supplier_unit_cost": "1", "list_price": "1", "low_stock_threshold": 0})
    assert "sku" in form.errors


def test_warehouse_code_is_a_slug():
    assert "code" in WarehouseForm(data={"code": "main wh", "name": "Main"}).errors
    assert WarehouseForm(data={"code": "main", "name": "Main"}).is_valid()


@pytest.mark.parametrize(("pattern", "ok"), [
    ("", True),
    ("https://www.sf-express.com/track?no={tracking_number}", True),
    ("https://www.sf-express.com/track", False),
    ("javascript:alert(1)//{tracking_number}", False),
    ("https://x.example/{tracking_number}/{other}", False),
])
def test_carrier_tracking_pattern(pattern, ok):
    form = CarrierForm(data={"code": "sf", "name": "顺丰 SF", "tracking_url_pattern": pattern})
    assert form.is_valid() is ok, form.errors
    if not ok:
        assert "tracking_url_pattern" in form.errors

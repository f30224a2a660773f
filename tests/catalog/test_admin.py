"""The Django admin lists, searches and filters the master data (for the administrator)."""

import pytest
from django.urls import reverse

from tests.factories import CarrierFactory, ProductFactory, StoreFactory, SupplierFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("model", "factory", "query"), [
    ("store", StoreFactory, {"q": "店铺", "platform__exact": "tmall"}),
    ("supplier", SupplierFactory, {"q": "sup", "is_active__exact": "1"}),
    ("product", ProductFactory, {"q": "SKU", "is_active__exact": "1"}),
    ("warehouse", WarehouseFactory, {"q": "仓库"}),
    ("carrier", CarrierFactory, {"q": "car"}),
])
def test_admin_changelist_searches_and_filters(admin_client, model, factory, query):
    obj = factory()
    response = admin_client.get(reverse(f"admin:catalog_{model}_changelist"), query)
    assert response.status_code == 200
    assert str(obj) in response.content.decode()
    assert admin_client.get(reverse(f"admin:catalog_{model}_change", args=[obj.pk])).status_code == 200


def test_admin_refuses_a_store_salesperson_outside_the_sales_group(admin_client, make_user):
    finance = make_user("finance")
    response = admin_client.post(reverse("admin:catalog_store_add"),
                                 {"name": "X", "platform": "jd", "salesperson": finance.pk, "is_active": "on"})
    assert response.status_code == 200
    assert "Pick a user in the sales group" in response.content.decode()

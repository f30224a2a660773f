"""Finance reads each supplier's account with its running balance."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from reconciliation import services
from reconciliation.models import EntryKind
from reconciliation.services import EntryDraft
from tests.factories import SupplierFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    supplier = SupplierFactory(name="宁波厂 Ningbo Works")
    entries = [
        (EntryKind.GOODS_RECEIPT, "100.00", datetime.date(2026, 1, 1), "entry-alpha"),
        (EntryKind.FREIGHT, "10.00", datetime.date(2026, 1, 2), "entry-beta"),
        (EntryKind.CHARGE_BACK, "-30.00", datetime.date(2026, 1, 3), "entry-gamma"),
    ]
    services.post_supplier_entries(entries=[
        EntryDraft(supplier.pk, kind, Decimal(amount), WarehouseFactory(), entry_date=day, description=text)
        for kind, amount, day, text in entries
    ])
    return supplier


def test_finance_sees_a_suppliers_entries_with_the_running_balance(client, make_user, account):
    client.force_login(make_user("finance"))
    page = client.get(reverse("reconciliation:supplier_entries", args=[account.pk])).content.decode()
    assert page.index("entry-alpha") < page.index("entry-beta") < page.index("entry-gamma")
    for balance in ("100.00", "110.00", "80.00"):
        assert balance in page

    later = client.get(reverse("reconciliation:supplier_entries", args=[account.pk]),
                       {"date_from": "2026-01-02"}).content.decode()
    assert "entry-alpha" not in later
    assert "110.00" in later and "80.00" in later, "the running balance starts from the opening balance"


def test_the_account_list_shows_total_and_remaining(client, make_user, account):
    client.force_login(make_user("manager"))
    page = client.get(reverse("reconciliation:account_list")).content.decode()
    assert "宁波厂 Ningbo Works" in page and "80.00" in page


def test_warehouse_staff_do_not_see_supplier_accounts(client, make_user, account):
    client.force_login(make_user("warehouse"))
    assert client.get(reverse("reconciliation:supplier_entries", args=[account.pk])).status_code == 403

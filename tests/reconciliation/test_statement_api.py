"""Statements over the API: open entries, build from ids or filters, transitions, payments — the same
services and permissions as the pages."""

from decimal import Decimal

import pytest

from reconciliation.models import EntryKind, Statement, StatementState, SupplierAccountEntry
from tests.factories import SupplierFactory
from tests.reconciliation.factories import MIXED, MIXED_TOTAL, build, post_entries

pytestmark = pytest.mark.django_db

URL = "/api/v1/statements"
PERIOD = {"period_from": "2026-01-01", "period_to": "2026-03-31"}


@pytest.fixture
def api_client(make_user):
    """api_client("finance") → (client sending that user's fresh token, user), as in tests/api."""
    from django.test import Client

    from accounts.tokens import create_token

    def make(*roles):
        user = make_user(*roles)
        _token, key = create_token(user=user, name="tests", actor=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}"), user

    return make


@pytest.fixture
def supplier():
    return SupplierFactory()


def test_open_entries_with_count_total_and_subtotals(api_client, supplier):
    entries = post_entries(supplier, MIXED)
    client, user = api_client("finance")
    build(supplier, entries[:1], user)
    body = client.get(f"{URL}/open-entries", {"supplier": supplier.pk, **PERIOD, "limit": 2}).json()
    assert body["count"] == 4 and Decimal(body["total"]) == MIXED_TOTAL - Decimal("300.00")
    assert len(body["items"]) == 2 and body["next"].endswith("offset=2")
    assert {s["kind"] for s in body["subtotals"]} == {EntryKind.FREIGHT, EntryKind.GOODS_RECEIPT,
                                                      EntryKind.MANUFACTURER_COMPENSATION, EntryKind.CHARGE_BACK}


def test_finance_builds_from_ids_and_from_filters(api_client, supplier):
    entries = post_entries(supplier, MIXED)
    client, _user = api_client("finance")
    one = client.post(URL, {"supplier": supplier.pk, **PERIOD, "entry_ids": [entries[0].pk]},
                      content_type="application/json")
    assert one.status_code == 201 and Decimal(one.json()["total"]) == Decimal("300.00")
    rest = client.post(URL, {"supplier": supplier.pk, **PERIOD, "filters": {"kinds": []}, "expected_count": 4},
                       content_type="application/json")
    assert rest.status_code == 201, rest.json()
    assert rest.json()["entry_count"] == 4 and Decimal(rest.json()["total"]) == MIXED_TOTAL - Decimal("300.00")


def test_taken_entries_are_a_409_listing_them(api_client, supplier):
    entries = post_entries(supplier, MIXED)
    client, user = api_client("finance")
    first = build(supplier, entries[:2], user)
    response = client.post(URL, {"supplier": supplier.pk, **PERIOD, "entry_ids": [e.pk for e in entries]},
                           content_type="application/json")
    assert response.status_code == 409
    assert response.json()["taken"] == [{"entry": entries[0].pk, "statement": first.number},
                                        {"entry": entries[1].pk, "statement": first.number}]
    assert Statement.objects.count() == 1


def test_transitions_and_payments_keep_the_roles(api_client, supplier, make_user):
    entries = post_entries(supplier, MIXED)
    finance, builder = api_client("finance")
    supervisor, _s = api_client("finance_supervisor")
    statement = build(supplier, entries, builder)
    at = f"{URL}/{statement.pk}/transitions"
    assert supervisor.post(f"{at}/submit", {}, content_type="application/json").status_code == 403
    assert finance.post(f"{at}/submit", {}, content_type="application/json").status_code == 200
    assert finance.post(f"{at}/approve", {}, content_type="application/json").status_code == 403
    approved = supervisor.post(f"{at}/approve", {}, content_type="application/json")
    assert approved.status_code == 200 and approved.json()["state"] == StatementState.APPROVED
    assert supervisor.post(f"{at}/approve", {}, content_type="application/json").status_code == 409
    assert SupplierAccountEntry.objects.filter(statement=statement, reconciled_on__isnull=False).count() == 5

    pay = f"{URL}/{statement.pk}/payments"
    too_much = finance.post(pay, {"amount": "1267.01", "paid_on": "2026-04-01", "method": "bank_transfer"},
                            content_type="application/json")
    assert too_much.status_code == 400 and "more than" in too_much.json()["detail"]
    paid = finance.post(pay, {"amount": "1267.00", "paid_on": "2026-04-01", "method": "bank_transfer",
                              "reference": "TT-9"}, content_type="application/json")
    assert paid.status_code == 201 and paid.json()["direction"] == "to_supplier"
    assert finance.get(f"{URL}/{statement.pk}").json()["state"] == StatementState.PAID
    assert len(finance.get(pay).json()["items"]) == 1


def test_a_supplier_login_and_warehouse_staff_are_refused(api_client, supplier):
    for role in ("supplier", "warehouse"):
        client, _user = api_client(role)
        assert client.get(URL).status_code == 403

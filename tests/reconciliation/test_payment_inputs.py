"""A payment is recorded with the date it was made — never a date in the future — and an amount of money that
fits its column with at most 2 places (the API refuses 1.005 with 422 naming the field; nothing is paid)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from reconciliation import statements
from reconciliation.models import Statement, StatementPayment
from reconciliation.statements import StatementError
from tests.api.conftest import api_client  # noqa: F401
from tests.factories import SupplierFactory
from tests.reconciliation.factories import MIXED, build, post_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(make_user):
    supplier = SupplierFactory()
    finance, supervisor = make_user("finance"), make_user("finance_supervisor")
    draft = build(supplier, post_entries(supplier, MIXED), finance)
    statements.submit_statement(draft, actor=finance)
    statements.approve_statement(Statement.objects.get(pk=draft.pk), actor=supervisor)
    return Statement.objects.get(pk=draft.pk), finance


def test_a_payment_dated_tomorrow_is_refused(statement):
    approved, finance = statement
    with pytest.raises(StatementError, match="future"):
        statements.record_payment(approved, amount=Decimal("1.00"), method="bank_transfer", actor=finance,
                                paid_on=timezone.localdate() + datetime.timedelta(days=1))
    assert not StatementPayment.objects.exists()


@pytest.mark.parametrize("body, field", [
    ({"amount": "1.005"}, "amount"), ({"amount": "1e27"}, "amount"), ({"reference": "TT\x00"}, "reference"),
])
def test_a_payment_the_columns_cannot_hold_answers_422_over_the_api(api_client, statement, body, field):  # noqa: F811
    approved, finance = statement
    client, _user = api_client(user=finance)
    response = client.post(f"/api/v1/statements/{approved.pk}/payments",
                           {"amount": "1.00", "paid_on": str(timezone.localdate()), "method": "bank_transfer", **body},
                           content_type="application/json")

    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not StatementPayment.objects.exists()


@pytest.mark.parametrize("post", [
    {"entry": [str(2**70)]}, {"entry": ["²"]}, {"select_all": "on", "expected_count": str(2**40)},
])
def test_building_a_statement_from_ids_no_database_holds_is_refused_without_a_crash(client, make_user, post):
    supplier = SupplierFactory()
    post_entries(supplier, MIXED)
    client.force_login(make_user("finance"))
    response = client.post(reverse("reconciliation:statement_create"),
                           {"supplier": supplier.pk, "period_from": "2026-01-01", "period_to": "2026-03-31", **post})

    assert response.status_code in (200, 302)
    assert not Statement.objects.exists()

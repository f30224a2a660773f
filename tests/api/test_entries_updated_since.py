"""The API's `updated_since` on supplier account entries (issue 11 item 12): an integrator sees every entry
posted, put on or taken off a statement, or reconciled since T — the entry list and a statement's open
entries compare the entry's `updated_at`, which the database moves with its statement key and its
reconciliation date (tests/reconciliation/test_entry_changes.py)."""

import datetime

import pytest

from reconciliation import statements
from reconciliation.models import EntryKind
from tests.factories import SupplierFactory
from tests.reconciliation.factories import MIXED, PERIOD, build, post_entries
from tests.reconciliation.test_entry_changes import a_moment_later

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    return make_user("finance"), make_user("finance_supervisor")


def test_updated_since_lists_entries_put_on_a_statement_or_reconciled_after_it(api_client, people):
    builder, supervisor = people
    supplier = SupplierFactory()
    entries = post_entries(supplier, MIXED)
    untouched, = post_entries(supplier, [(EntryKind.FREIGHT, "7.00", None, "left open")])
    client, _user = api_client("finance")

    def listed(since):
        response = client.get("/api/v1/supplier-entries", {"updated_since": since.isoformat(), "limit": 500})
        assert response.status_code == 200, response.json()
        return {row["id"]: row for row in response.json()["items"]}

    since = a_moment_later()
    assert listed(since) == {}  # nothing changed since: the entries were posted before

    statement = build(supplier, entries, builder)
    statements.submit_statement(statement, actor=builder)
    since = a_moment_later()
    statements.approve_statement(statement, actor=supervisor)

    rows = listed(since)
    assert set(rows) == {e.pk for e in entries} and untouched.pk not in rows  # reconciled after T
    assert all(row["reconciled_on"] and row["statement"] == statement.pk for row in rows.values())
    assert all(datetime.datetime.fromisoformat(row["updated_at"]) > since for row in rows.values())


def test_an_entry_taken_off_a_statement_is_listed_again_among_the_open_entries(api_client, people):
    builder, _supervisor = people
    supplier = SupplierFactory()
    entries = post_entries(supplier, MIXED)
    statement = build(supplier, entries, builder)
    client, _user = api_client("finance")
    query = {"supplier": supplier.pk, "period_from": PERIOD[0].isoformat(), "period_to": PERIOD[1].isoformat()}

    since = a_moment_later()
    statements.remove_entries(statement, entry_ids=[entries[0].pk], actor=builder)

    response = client.get("/api/v1/statements/open-entries", {**query, "updated_since": since.isoformat()})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [row["id"] for row in body["items"]] == [entries[0].pk] and body["count"] == 1

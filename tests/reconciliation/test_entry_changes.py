"""An integrator asking for the supplier account entries changed since T (`updated_since`) sees every entry
posted, put on or taken off a statement, or reconciled since then — not only those posted since then: the
database moves an entry's `updated_at` whenever the reconciliation service writes its statement key or its
reconciliation date."""

import time

import pytest
from django.utils import timezone

from reconciliation import statements
from reconciliation.models import SupplierAccountEntry
from tests.factories import SupplierFactory

from .factories import MIXED, build, post_entries

pytestmark = pytest.mark.django_db


def a_moment_later():
    """A time after everything written so far (the database's clock and ours tick in milliseconds)."""
    time.sleep(0.01)
    since = timezone.now()
    time.sleep(0.01)
    return since


def changed_at(entry):
    return SupplierAccountEntry.objects.values_list("updated_at", flat=True).get(pk=entry.pk)


@pytest.fixture
def people(make_user):
    return make_user("finance"), make_user("finance_supervisor")


def test_putting_on_taking_off_and_reconciling_an_entry_each_move_its_change_time(people):
    builder, supervisor = people
    supplier = SupplierFactory()
    first, second, *_rest = entries = post_entries(supplier, MIXED)

    since = a_moment_later()
    statement = build(supplier, entries, builder)
    assert changed_at(first) > since and changed_at(second) > since  # put on a statement

    since = a_moment_later()
    statement = statements.remove_entries(statement, entry_ids=[second.pk], actor=builder)
    assert changed_at(second) > since and changed_at(first) < since  # only the one taken off

    statements.submit_statement(statement, actor=builder)
    since = a_moment_later()
    statements.approve_statement(statement, actor=supervisor)
    assert SupplierAccountEntry.objects.get(pk=first.pk).reconciled_on is not None
    assert changed_at(first) > since and changed_at(second) < since  # reconciled

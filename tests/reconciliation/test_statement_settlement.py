"""The edges of a statement's life (DESIGN.md, "Reconciliation statement"): a statement whose entries sum
to zero is settled at approval (nothing could ever be paid on it), and submitting re-counts the entries
under the statement's lock, so an emptied draft, or one whose entries changed under the reader, is not
submitted."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django_fsm import TransitionNotAllowed

from core.models import TransitionLog
from notifications.models import Notification
from reconciliation import statements
from reconciliation.models import EntryKind, Statement, StatementState, SupplierAccountEntry
from reconciliation.statements import StatementError
from tests.factories import SupplierFactory
from tests.reconciliation.factories import MIXED, build, post_entries

pytestmark = pytest.mark.django_db

API = "/api/v1/statements"
# A receipt of 120.00 and a charge-back of the same: the statement owes nothing either way.
ZERO = [
    (EntryKind.GOODS_RECEIPT, "120.00", datetime.date(2026, 1, 9), "receipt GR-9"),
    (EntryKind.CHARGE_BACK, "-120.00", datetime.date(2026, 2, 2), "ticket 12 charge-back"),
]


@pytest.fixture
def supplier():
    return SupplierFactory()


@pytest.fixture
def finance(make_user):
    return make_user("finance", username="fang")


@pytest.fixture
def supervisor(make_user):
    return make_user("finance_supervisor", username="sun")


@pytest.fixture
def api_client(make_user):
    from django.test import Client

    from accounts.tokens import create_token

    def make(user):
        _token, key = create_token(user=user, name="tests", actor=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    return make


def fresh(statement):
    return Statement.objects.get(pk=statement.pk)


def history(statement):
    return [(log.transition, log.source, log.target) for log in
            TransitionLog.objects.filter(object_id=str(statement.pk)).order_by("id")]


def zero_statement(supplier, finance):
    statement = build(supplier, post_entries(supplier, ZERO), finance)
    statements.submit_statement(fresh(statement), actor=finance)
    return fresh(statement)


# ---- zero total: settled at approval -----------------------------------------------------------------

def test_a_zero_total_statement_is_settled_at_approval_with_both_steps_logged(supplier, finance, supervisor):
    statement = zero_statement(supplier, finance)
    assert statement.total == 0 and statement.entry_count == 2

    statements.approve_statement(statement, actor=supervisor, on_date=datetime.date(2026, 4, 1))

    statement = fresh(statement)
    assert statement.state == StatementState.PAID and statement.paid == 0 and statement.remaining == 0
    assert statement.approved_by == supervisor
    assert history(statement)[-2:] == [("approve", "submitted", "approved"), ("settle", "approved", "paid")]
    settle = TransitionLog.objects.filter(object_id=str(statement.pk), transition="settle").get()
    assert settle.actor == supervisor and "zero" in settle.comment
    assert not SupplierAccountEntry.objects.filter(statement=statement, reconciled_on__isnull=True).exists()
    assert "settled" in Notification.objects.get(recipient=finance, event="statement_approved").subject
    with pytest.raises(TransitionNotAllowed):  # nothing is left to pay
        statements.record_payment(statement, amount=Decimal("0.01"), paid_on=datetime.date(2026, 4, 2),
                                method="bank_transfer", actor=finance)


def test_a_statement_with_a_total_is_only_approved_and_waits_for_its_payment(supplier, finance, supervisor):
    statement = build(supplier, post_entries(supplier, MIXED), finance)
    statements.submit_statement(fresh(statement), actor=finance)
    statements.approve_statement(fresh(statement), actor=supervisor)
    assert fresh(statement).state == StatementState.APPROVED
    assert "settle" not in [t for t, _s, _t in history(statement)]


def test_the_supervisor_approving_a_zero_statement_on_its_page_sees_it_paid(client, supplier, finance, supervisor):
    statement = zero_statement(supplier, finance)
    client.force_login(supervisor)
    response = client.post(reverse("reconciliation:statement_approve", args=[statement.pk]), follow=True)
    assert response.status_code == 200
    assert fresh(statement).state == StatementState.PAID
    html = response.content.decode()
    assert "approved and settled: its total is zero" in html
    assert 'id="payment-form"' not in html  # no payment form on a settled statement


def test_approving_a_zero_statement_over_the_api_answers_it_paid(api_client, supplier, finance, supervisor):
    statement = zero_statement(supplier, finance)
    response = api_client(supervisor).post(f"{API}/{statement.pk}/transitions/approve", {},
                                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == StatementState.PAID
    assert fresh(statement).state == StatementState.PAID


# ---- submit re-counts the entries under the lock -----------------------------------------------------

def test_a_draft_emptied_behind_its_figures_is_not_submitted(supplier, finance):
    entries = post_entries(supplier, MIXED[:2])
    statement = build(supplier, entries, finance)
    # Someone takes the entries off without going through the statement (its cached count still says 2).
    SupplierAccountEntry.objects.filter(pk__in=[e.pk for e in entries]).update(statement=None)

    with pytest.raises(StatementError, match="no entries"):
        statements.submit_statement(fresh(statement), actor=finance)

    statement = fresh(statement)
    assert statement.state == StatementState.DRAFT
    assert (statement.entry_count, statement.total) == (0, 0), "the stale cache was corrected"
    assert not Notification.objects.filter(event="statement_submitted").exists()


def test_a_reader_whose_draft_was_changed_meanwhile_is_told_and_nothing_is_submitted(supplier, finance, make_user):
    entries = post_entries(supplier, MIXED)
    statement = build(supplier, entries, finance)
    seen = fresh(statement)  # the page this reader looked at: 5 entries
    statements.remove_entries(fresh(statement), entry_ids=[entries[0].pk], actor=make_user("finance"))

    with pytest.raises(StatementError, match="changed meanwhile: it now has 4 entries"):
        statements.submit_statement(seen, actor=finance)
    assert fresh(statement).state == StatementState.DRAFT

    statements.remove_entries(fresh(statement), entry_ids=[e.pk for e in entries[1:]], actor=finance)
    with pytest.raises(StatementError, match="no entries"):
        statements.submit_statement(seen, actor=finance)  # emptied: refused, however stale the reader
    assert fresh(statement).state == StatementState.DRAFT


def test_submitting_an_emptied_draft_on_its_page_shows_why_and_changes_nothing(client, supplier, finance):
    entries = post_entries(supplier, MIXED[:2])
    statement = build(supplier, entries, finance)
    SupplierAccountEntry.objects.filter(pk__in=[e.pk for e in entries]).update(statement=None)
    client.force_login(finance)
    response = client.post(reverse("reconciliation:statement_submit", args=[statement.pk]), follow=True)
    assert response.status_code == 200
    assert "an empty statement cannot be submitted" in response.content.decode()
    assert fresh(statement).state == StatementState.DRAFT


def test_submitting_an_emptied_draft_over_the_api_is_refused_with_the_reason(api_client, supplier, finance):
    entries = post_entries(supplier, MIXED[:2])
    statement = build(supplier, entries, finance)
    SupplierAccountEntry.objects.filter(pk__in=[e.pk for e in entries]).update(statement=None)
    response = api_client(finance).post(f"{API}/{statement.pk}/transitions/submit", {},
                                        content_type="application/json")
    assert response.status_code == 400, response.content
    assert "empty statement cannot be submitted" in response.json()["detail"]
    assert fresh(statement).state == StatementState.DRAFT

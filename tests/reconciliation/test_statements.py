"""Finance builds a supplier's statement from open entries, the finance supervisor approves it, finance
records the supplier's confirmation and the payments (DESIGN.md, "Reconciliation statement")."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django_fsm import TransitionNotAllowed

from core.models import TransitionLog
from notifications.models import Notification
from reconciliation import selectors, statements
from reconciliation.models import (
    EntryKind,
    PaymentDirection,
    Statement,
    StatementPayment,
    StatementState,
    SupplierAccountEntry,
)
from reconciliation.statements import EntriesTaken, EntryFilters, StatementError
from tests.factories import SupplierFactory
from tests.reconciliation.factories import MIXED, MIXED_TOTAL, PERIOD, build, post_entries

pytestmark = pytest.mark.django_db


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
def entries(supplier):
    return post_entries(supplier, MIXED)


def fresh(statement):
    return Statement.objects.get(pk=statement.pk)


def approved(statement, finance, supervisor):
    statements.submit_statement(statement, actor=finance)
    return statements.approve_statement(fresh(statement), actor=supervisor)


def test_the_total_is_the_exact_sum_of_the_entries_and_may_be_negative(supplier, finance, entries):
    statement = build(supplier, entries, finance)

    statement = fresh(statement)
    assert statement.state == StatementState.DRAFT
    assert statement.total == MIXED_TOTAL == sum(e.amount for e in entries)
    assert statement.entry_count == 5
    assert set(SupplierAccountEntry.objects.filter(statement=statement).values_list("id", flat=True)) == {
        e.pk for e in entries}

    deductions = [e for e in entries if e.amount < 0]
    statements.remove_entries(statement, entry_ids=[e.pk for e in entries if e.amount > 0], actor=finance)
    statement = fresh(statement)
    assert statement.total == Decimal("-45.60") == sum(e.amount for e in deductions)
    assert statement.entry_count == 2
    statements.add_entries(statement, entry_ids=[entries[1].pk], actor=finance)
    assert fresh(statement).total == Decimal("-33.10")


def test_build_logs_who_built_it_and_subtotals_come_by_kind_and_month(supplier, finance, entries):
    statement = build(supplier, entries, finance)
    log = TransitionLog.objects.get(object_id=str(statement.pk), transition="build")
    assert log.actor == finance and log.target == "draft"

    by_kind = {r["kind"]: r["amount"] for r in selectors.subtotals_by_kind(selectors.statement_entries(statement))}
    assert by_kind == {EntryKind.DROP_SHIP_GOODS: Decimal("300.00"), EntryKind.FREIGHT: Decimal("12.50"),
                       EntryKind.GOODS_RECEIPT: Decimal("1000.10"),
                       EntryKind.MANUFACTURER_COMPENSATION: Decimal("-45.35"), EntryKind.CHARGE_BACK: Decimal("-0.25")}
    by_month = [(r["month"].month, r["amount"]) for r in selectors.subtotals_by_month(selectors.statement_entries(statement))]
    assert by_month == [(1, Decimal("312.50")), (2, Decimal("954.75")), (3, Decimal("-0.25"))]


def test_building_from_filters_takes_every_matching_open_entry_not_one_page(supplier, finance, entries):
    other_supplier_entry = post_entries(SupplierFactory(), MIXED[:1])[0]
    statement = statements.build_statement(
        supplier=supplier, period_from=PERIOD[0], period_to=PERIOD[1], actor=finance,
        filters=EntryFilters(kinds=[EntryKind.DROP_SHIP_GOODS, EntryKind.FREIGHT, EntryKind.CHARGE_BACK]),
        expected_count=3)
    statement = fresh(statement)
    assert statement.entry_count == 3
    assert statement.total == Decimal("312.25")
    assert SupplierAccountEntry.objects.get(pk=other_supplier_entry.pk).statement_id is None


def test_the_period_and_kinds_bound_what_a_statement_may_take(supplier, finance, entries):
    with pytest.raises(StatementError, match="not open entries"):
        build(supplier, entries, finance, period=(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)))
    with pytest.raises(StatementError, match="not open entries"):
        build(supplier, entries, finance, kinds=[EntryKind.FREIGHT])
    with pytest.raises(StatementError, match="not open entries"):
        build(SupplierFactory(), entries, finance)
    assert Statement.objects.count() == 0, "a refused build leaves nothing behind"
    assert not SupplierAccountEntry.objects.filter(statement__isnull=False).exists()


def test_an_entry_already_on_a_statement_is_refused_with_a_clear_list(supplier, finance, make_user, entries):
    first = build(supplier, entries[:2], finance)
    with pytest.raises(EntriesTaken) as refused:
        build(supplier, entries, make_user("finance"))
    message = str(refused.value)
    assert f"#{entries[0].pk} on {first.number}" in message and f"#{entries[1].pk} on {first.number}" in message
    assert refused.value.taken == [(entries[0].pk, first.number), (entries[1].pk, first.number)]
    assert Statement.objects.count() == 1, "the second statement was rolled back whole"
    assert SupplierAccountEntry.objects.filter(statement__isnull=True).count() == 3


def test_the_database_keeps_an_entry_on_one_statement_key(supplier, finance, entries):
    """The statement key is one column: an entry cannot sit on two statements, and the conditional
    UPDATE never moves it from one to another."""
    first = build(supplier, entries[:1], finance)
    second = build(supplier, entries[1:2], finance)
    assert SupplierAccountEntry.objects.filter(pk=entries[0].pk, statement__isnull=True).update(
        statement=second) == 0
    assert SupplierAccountEntry.objects.get(pk=entries[0].pk).statement_id == first.pk


def test_submit_notifies_the_supervisors_and_approval_dates_exactly_its_entries(
        supplier, finance, supervisor, entries, django_capture_on_commit_callbacks):
    outside = post_entries(supplier, MIXED[:2])
    statement = build(supplier, entries, finance)
    with django_capture_on_commit_callbacks():
        statements.submit_statement(statement, actor=finance)
    assert Notification.objects.filter(recipient=supervisor, event="statement_submitted").count() == 1
    assert fresh(statement).state == StatementState.SUBMITTED

    statements.approve_statement(fresh(statement), actor=supervisor, on_date=datetime.date(2026, 4, 2))

    statement = fresh(statement)
    assert statement.state == StatementState.APPROVED and statement.approved_by == supervisor
    dated = SupplierAccountEntry.objects.filter(reconciled_on=datetime.date(2026, 4, 2))
    assert set(dated.values_list("id", flat=True)) == {e.pk for e in entries}
    assert not SupplierAccountEntry.objects.filter(pk__in=[e.pk for e in outside], reconciled_on__isnull=False).exists()
    amounts = selectors.supplier_amounts(supplier)
    assert amounts["reconciled"] == MIXED_TOTAL
    assert amounts["remaining"] == Decimal("312.50") == amounts["total"] - MIXED_TOTAL
    assert selectors.reconciliation_status_for(entries[0].source) == (True, datetime.date(2026, 4, 2))
    assert selectors.reconciliation_status_for(outside[0].source) == (False, None)
    assert [t.transition for t in TransitionLog.objects.filter(object_id=str(statement.pk)).order_by("id")] == [
        "build", "submit", "approve"]


def test_approval_costs_the_same_few_queries_at_every_size(supplier, finance, supervisor):
    """Savepoints aside (they are BEGIN/COMMIT outside the test's transaction): permissions, the
    guarded state UPDATE, its log row, ONE UPDATE of the entries, the builder's notification."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = build(supplier, post_entries(supplier, MIXED[:1]), finance)
    big = build(supplier, post_entries(supplier, MIXED * 8), finance)
    counts = []
    for statement in (small, big):
        statements.submit_statement(statement, actor=finance)
        statement = fresh(statement)
        supervisor = type(supervisor).objects.get(pk=supervisor.pk)
        with CaptureQueriesContext(connection) as captured:
            statements.approve_statement(statement, actor=supervisor)
        sql = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
        assert sum(s.startswith('UPDATE "reconciliation_supplieraccountentry"') for s in sql) == 1
        counts.append(len(sql))
    assert counts[0] == counts[1] <= 10


def test_building_costs_the_same_few_queries_at_every_size(supplier, finance):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for entries in (post_entries(supplier, MIXED[:1]), post_entries(supplier, MIXED * 8)):
        actor = type(finance).objects.get(pk=finance.pk)
        with CaptureQueriesContext(connection) as captured:
            build(supplier, entries, actor)
        sql = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
        assert sum(s.startswith('UPDATE "reconciliation_supplieraccountentry"') for s in sql) == 1
        counts.append(len(sql))
    assert counts[0] == counts[1] <= 8


def test_the_builder_cannot_approve_or_reject_their_own_statement(supplier, make_user, entries):
    both = make_user("finance", "finance_supervisor")
    statement = build(supplier, entries, both)
    statements.submit_statement(statement, actor=both)
    with pytest.raises(PermissionDenied, match="another finance supervisor"):
        statements.approve_statement(fresh(statement), actor=both)
    with pytest.raises(PermissionDenied):
        statements.reject_statement(fresh(statement), reason="wrong", actor=both)
    assert fresh(statement).state == StatementState.SUBMITTED


def test_finance_cannot_approve_and_supervisors_cannot_build(supplier, finance, supervisor, entries):
    with pytest.raises(PermissionDenied):
        build(supplier, entries, supervisor)
    statement = build(supplier, entries, finance)
    statements.submit_statement(statement, actor=finance)
    with pytest.raises(PermissionDenied):
        statements.approve_statement(fresh(statement), actor=type(finance).objects.create(username="f2"))


def test_rejection_sends_it_back_to_draft_with_the_reason_and_the_entries_stay(supplier, finance, supervisor, entries):
    statement = build(supplier, entries, finance)
    statements.submit_statement(statement, actor=finance)
    with pytest.raises(StatementError):
        statements.reject_statement(fresh(statement), reason=" ", actor=supervisor)
    statements.reject_statement(fresh(statement), reason="Freight of order 1001 is wrong", actor=supervisor)
    statement = fresh(statement)
    assert statement.state == StatementState.DRAFT
    assert statement.rejection_reason == "Freight of order 1001 is wrong"
    assert statement.entry_count == 5 and SupplierAccountEntry.objects.filter(statement=statement).count() == 5
    assert Notification.objects.filter(recipient=finance, event="statement_rejected").exists()
    statements.remove_entries(statement, entry_ids=[entries[1].pk], actor=finance)
    statements.submit_statement(fresh(statement), actor=finance)
    assert fresh(statement).state == StatementState.SUBMITTED and fresh(statement).rejection_reason == ""


def test_void_from_draft_releases_the_entries(supplier, finance, entries):
    statement = build(supplier, entries, finance)
    statements.void_statement(statement, reason="built twice", actor=finance)
    assert fresh(statement).state == StatementState.VOID
    assert not SupplierAccountEntry.objects.filter(statement__isnull=False).exists()
    again = build(supplier, entries, finance)
    assert fresh(again).total == MIXED_TOTAL


def test_only_drafts_take_or_release_entries_and_an_empty_statement_cannot_be_submitted(
        supplier, finance, supervisor, entries):
    statement = build(supplier, entries[:1], finance)
    statements.remove_entries(statement, entry_ids=[entries[0].pk], actor=finance)
    with pytest.raises(StatementError, match="empty statement cannot be submitted"):
        statements.submit_statement(fresh(statement), actor=finance)
    statements.add_entries(statement, entry_ids=[entries[0].pk], actor=finance)
    statements.submit_statement(fresh(statement), actor=finance)
    with pytest.raises(StatementError, match="only while"):
        statements.add_entries(statement, entry_ids=[entries[1].pk], actor=finance)
    with pytest.raises(TransitionNotAllowed):
        statements.void_statement(fresh(statement), actor=finance)


def test_supplier_confirmation_records_who_when_and_how(supplier, finance, supervisor, entries):
    statement = approved(build(supplier, entries, finance), finance, supervisor)
    with pytest.raises(StatementError):
        statements.record_supplier_confirmation(fresh(statement), method="telepathy", actor=finance)
    statements.record_supplier_confirmation(fresh(statement), method="email", note="mail of 3 April",
                                          actor=finance)
    statement = fresh(statement)
    assert statement.state == StatementState.SUPPLIER_CONFIRMED
    assert (statement.confirmed_by, statement.confirmation_method, statement.confirmation_note) == (
        finance, "email", "mail of 3 April")
    assert statement.confirmed_at is not None


def test_payments_settle_it_and_never_exceed_the_total(supplier, finance, supervisor, entries):
    statement = approved(build(supplier, entries, finance), finance, supervisor)
    pay = {"paid_on": datetime.date(2026, 4, 5), "method": "bank_transfer", "actor": finance}
    statements.record_payment(fresh(statement), amount=Decimal("1000.00"), reference="TT-1", **pay)
    statement = fresh(statement)
    assert statement.state == StatementState.PARTIALLY_PAID and statement.paid == Decimal("1000.00")
    assert statement.remaining == Decimal("267.00")

    with pytest.raises(StatementError, match="more than the 267.00"):
        statements.record_payment(statement, amount=Decimal("267.01"), **pay)
    statements.record_payment(statement, amount=Decimal("267.00"), reference="TT-2", **pay)
    statement = fresh(statement)
    assert statement.state == StatementState.PAID and statement.paid == MIXED_TOTAL
    assert statement.paid == sum(p.amount for p in statement.payments.all()), "the cached paid is the payments' sum"
    assert [p.direction for p in statement.payments.all()] == [PaymentDirection.TO_SUPPLIER] * 2
    with pytest.raises(TransitionNotAllowed):
        statements.record_payment(statement, amount=Decimal("0.01"), **pay)
    assert StatementPayment.objects.count() == 2


def test_the_database_refuses_paid_above_the_absolute_total(supplier, finance, entries):
    statement = build(supplier, entries, finance)
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(paid=MIXED_TOTAL + Decimal("0.01"))
    assert Statement.objects.filter(pk=statement.pk).update(paid=MIXED_TOTAL) == 1


def test_a_payment_needs_an_approved_statement_and_a_sane_amount(supplier, finance, entries):
    statement = build(supplier, entries, finance)
    pay = {"paid_on": datetime.date(2026, 4, 5), "method": "bank_transfer", "actor": finance}
    with pytest.raises(TransitionNotAllowed):
        statements.record_payment(statement, amount=Decimal("1.00"), **pay)
    for bad in (Decimal("0"), Decimal("-5.00"), Decimal("1.001")):
        with pytest.raises(StatementError):
            statements.record_payment(statement, amount=bad, **pay)
    with pytest.raises(StatementError, match="Decimal"):
        statements.record_payment(statement, amount=1.5, **pay)
    assert StatementPayment.objects.count() == 0


def test_a_negative_statement_is_settled_by_a_payment_from_the_supplier(supplier, finance, supervisor):
    deductions = post_entries(supplier, [(EntryKind.MANUFACTURER_COMPENSATION, "-80.00", None),
                                         (EntryKind.CHARGE_BACK, "-20.00", None),
                                         (EntryKind.FREIGHT, "5.00", None)])
    statement = approved(build(supplier, deductions, finance), finance, supervisor)
    assert fresh(statement).total == Decimal("-95.00")
    with pytest.raises(StatementError, match="more than"):
        statements.record_payment(fresh(statement), amount=Decimal("95.01"), paid_on=datetime.date(2026, 4, 1),
                                method="bank_transfer", actor=finance)
    payment = statements.record_payment(fresh(statement), amount=Decimal("95.00"),
                                      paid_on=datetime.date(2026, 4, 1), method="offset", reference="OFF-9",
                                      actor=finance)
    assert payment.direction == PaymentDirection.FROM_SUPPLIER and payment.signed_amount == Decimal("-95.00")
    statement = fresh(statement)
    assert statement.state == StatementState.PAID and statement.paid == Decimal("95.00")
    (april,) = [m for m in selectors.supplier_balance_by_month(supplier) if m["month"] == datetime.date(2026, 4, 1)]
    assert april["paid"] == Decimal("-95.00")

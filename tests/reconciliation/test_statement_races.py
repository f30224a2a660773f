"""Two people acting on statements at the same moment, on PostgreSQL: real threads, each with its own
connection, released together by a barrier. One wins; the other is told; nothing is applied twice."""

import pytest
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from core.models import TransitionLog
from reconciliation import statements
from reconciliation.models import Statement, StatementState, SupplierAccountEntry
from reconciliation.statements import EntriesTaken
from tests.factories import SupplierFactory, UserFactory
from tests.races import errors, run_together
from tests.reconciliation.factories import MIXED, PERIOD, build, post_entries

pytestmark = pytest.mark.postgres


def test_two_supervisors_approving_at_once_one_wins_and_nothing_is_applied_twice(transactional_db):
    supplier = SupplierFactory()
    builder = UserFactory(roles=("finance",))
    supervisors = [UserFactory(roles=("finance_supervisor",)) for _ in range(2)]
    statement = build(supplier, post_entries(supplier, MIXED * 4), builder)
    statements.submit_statement(statement, actor=builder)

    def approve(i):
        mine = Statement.objects.get(pk=statement.pk)  # each read it while submitted
        return statements.approve_statement(mine, actor=supervisors[i])

    outcomes = run_together(approve, 2)

    assert sorted(o.ok for o in outcomes) == [False, True], outcomes
    (refusal,) = errors(outcomes)
    assert isinstance(refusal, ConcurrentTransition | TransitionNotAllowed), repr(refusal)
    winner = supervisors[[o.ok for o in outcomes].index(True)]
    final = Statement.objects.get(pk=statement.pk)
    assert final.state == StatementState.APPROVED and final.approved_by == winner
    assert TransitionLog.objects.filter(object_id=str(statement.pk), transition="approve").count() == 1
    assert SupplierAccountEntry.objects.filter(statement=statement, reconciled_on__isnull=False).count() == 20
    assert not SupplierAccountEntry.objects.filter(statement=statement, reconciled_on__isnull=True).exists()


def test_two_finance_users_taking_overlapping_entries_at_once_one_gets_them_the_other_a_list(transactional_db):
    supplier = SupplierFactory()
    clerks = [UserFactory(roles=("finance",)) for _ in range(2)]
    entries = post_entries(supplier, MIXED * 6)  # 30 entries
    chosen = [entries[:20], entries[10:]]  # overlap: entries 10..19

    outcomes = run_together(lambda i: build(supplier, chosen[i], clerks[i], period=PERIOD), 2)

    assert sorted(o.ok for o in outcomes) == [False, True], outcomes
    winner, loser = (0, 1) if outcomes[0].ok else (1, 0)
    refusal = outcomes[loser].error
    assert isinstance(refusal, EntriesTaken), repr(refusal)
    overlap = {e.pk for e in entries[10:20]}
    assert {entry_id for entry_id, _number in refusal.taken} == overlap
    assert "already on another statement" in str(refusal)
    statement = Statement.objects.get()  # the loser's statement was rolled back whole
    assert statement.created_by == clerks[winner]
    assert set(SupplierAccountEntry.objects.filter(statement=statement).values_list("id", flat=True)) == {
        e.pk for e in chosen[winner]}
    assert statement.total == sum(e.amount for e in chosen[winner])


def test_two_payments_at_once_never_pay_more_than_the_absolute_total(transactional_db):
    """Total 1 267.00, 267.00 already paid (partially paid: the state does not change on the next payment,
    so only the statement's row lock stands between two payments of 600.00 and 700.00 and an
    over-payment)."""
    import datetime
    from decimal import Decimal

    from reconciliation.models import StatementPayment

    supplier = SupplierFactory()
    builder = UserFactory(roles=("finance",))
    clerks = [UserFactory(roles=("finance",)) for _ in range(2)]
    statement = build(supplier, post_entries(supplier, MIXED), builder)
    statements.submit_statement(Statement.objects.get(pk=statement.pk), actor=builder)
    statements.approve_statement(Statement.objects.get(pk=statement.pk),
                               actor=UserFactory(roles=("finance_supervisor",)))
    statements.record_payment(Statement.objects.get(pk=statement.pk), amount=Decimal("267.00"),
                            paid_on=datetime.date(2026, 4, 1), method="bank_transfer", actor=builder)
    amounts = [Decimal("600.00"), Decimal("700.00")]

    def pay(i):
        mine = Statement.objects.get(pk=statement.pk)  # each read it with 1 000.00 remaining
        return statements.record_payment(mine, amount=amounts[i], paid_on=datetime.date(2026, 4, 2),
                                       method="bank_transfer", actor=clerks[i])

    outcomes = run_together(pay, 2)

    assert sorted(o.ok for o in outcomes) == [False, True], outcomes
    (refusal,) = errors(outcomes)
    assert "more than the" in str(refusal), repr(refusal)
    final = Statement.objects.get(pk=statement.pk)
    recorded = sum(StatementPayment.objects.filter(statement=final).values_list("amount", flat=True))
    assert recorded == final.paid <= abs(final.total)
    assert StatementPayment.objects.filter(statement=final).count() == 2

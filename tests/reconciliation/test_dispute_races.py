"""Two people answering one disputed line at the same moment, on PostgreSQL (real threads, own connections,
released together): one answer wins, the other is told; one adjustment entry is posted, never two."""

from decimal import Decimal

import pytest

from reconciliation import disputes, statements
from reconciliation.models import DisputedLine, EntryKind, Statement, SupplierAccountEntry
from reconciliation.statements import StatementError
from tests.factories import SupplierFactory, UserFactory
from tests.races import errors, run_together
from tests.reconciliation.factories import MIXED, build, post_entries

pytestmark = pytest.mark.postgres


def test_two_finance_users_answering_one_line_at_once_post_one_adjustment(transactional_db):
    supplier = SupplierFactory()
    builder = UserFactory(roles=("finance",))
    clerks = [UserFactory(roles=("finance",)) for _ in range(2)]
    login = UserFactory(roles=("supplier",))
    supplier.portal_users.add(login)
    statement = build(supplier, post_entries(supplier, MIXED), builder)
    statements.submit_statement(statement, actor=builder)
    statements.approve_statement(Statement.objects.get(pk=statement.pk), actor=UserFactory(roles=("finance_supervisor",)))
    disputes.dispute_statement(Statement.objects.get(pk=statement.pk), actor=login,
                               lines=[(statement.entries.order_by("id").first(), "one unit short")])

    def answer(i):
        line = DisputedLine.objects.get()  # each read it unanswered
        return disputes.answer_dispute_line(line, actor=clerks[i], adjustment_amount=Decimal(f"-{10 + i}.00"),
                                            reason=f"clerk {i}")

    outcomes = run_together(answer, 2)

    assert sorted(o.ok for o in outcomes) == [False, True], outcomes
    (refusal,) = errors(outcomes)
    assert isinstance(refusal, StatementError), repr(refusal)
    line = DisputedLine.objects.get()
    winner = [o.ok for o in outcomes].index(True)
    assert line.answered_by == clerks[winner] and line.answer_text == f"clerk {winner}"
    assert list(SupplierAccountEntry.objects.filter(kind=EntryKind.ADJUSTMENT).values_list("id", flat=True)) == [
        line.adjustment_id]

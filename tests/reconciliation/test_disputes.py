"""A supplier confirms an approved statement, or disputes lines of it; finance answers each line with an
adjustment entry (which lands on the next statement) or an explanation; then the supplier confirms
(DESIGN.md, "Reconciliation statement")."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from core.models import TransitionLog
from notifications.models import Notification
from reconciliation import disputes, statements
from reconciliation.models import (
    AnswerKind,
    DisputedLine,
    EntryKind,
    Statement,
    StatementMessage,
    StatementState,
    SupplierAccountEntry,
)
from reconciliation.services import EntryDraft, SupplierEntryError, post_supplier_entries
from reconciliation.statements import StatementError
from tests.factories import SupplierFactory, WarehouseFactory
from tests.reconciliation.factories import MIXED, MIXED_TOTAL, build, post_entries

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
def supplier_user(make_user, supplier):
    user = make_user("supplier", username="hz-li")
    supplier.portal_users.add(user)
    return user


@pytest.fixture
def entries(supplier):
    return post_entries(supplier, MIXED)


def fresh(statement):
    return Statement.objects.get(pk=statement.pk)


@pytest.fixture
def approved(supplier, entries, finance, supervisor, supplier_user):
    statement = build(supplier, entries, finance)
    statements.submit_statement(statement, actor=finance)
    statements.approve_statement(fresh(statement), actor=supervisor)
    return fresh(statement)


def test_approval_asks_the_suppliers_users_to_confirm(approved, supplier_user):
    row = Notification.objects.get(recipient=supplier_user, event="statement_awaiting_confirmation")
    assert approved.number in str(row.link) or str(approved.pk) in row.link


def test_the_supplier_confirms_an_approved_statement_and_payments_go_on(approved, supplier_user, finance):
    disputes.confirm_statement(approved, actor=supplier_user)
    statement = fresh(approved)
    assert statement.state == StatementState.SUPPLIER_CONFIRMED
    assert statement.confirmed_by == supplier_user and statement.confirmation_method == "portal"
    assert TransitionLog.objects.filter(object_id=str(statement.pk), transition="supplier_confirm",
                                        actor=supplier_user).exists()
    assert Notification.objects.filter(recipient=finance, event="statement_confirmed").exists()
    statements.record_payment(statement, amount=Decimal("67.00"), paid_on=timezone.localdate(),
                              method="bank_transfer", actor=finance)
    assert fresh(statement).state == StatementState.PARTIALLY_PAID


def test_another_suppliers_user_cannot_confirm_or_dispute(approved, make_user, entries):
    other = make_user("supplier", username="other-supplier")
    SupplierFactory().portal_users.add(other)
    with pytest.raises(PermissionDenied):
        disputes.confirm_statement(approved, actor=other)
    with pytest.raises(PermissionDenied):
        disputes.dispute_statement(approved, actor=other, lines=[(entries[0], "wrong")])
    assert fresh(approved).state == StatementState.APPROVED


def test_finance_cannot_confirm_in_the_suppliers_name(approved, finance):
    with pytest.raises(PermissionDenied):
        disputes.confirm_statement(approved, actor=finance)


def test_dispute_then_adjustment_lands_on_the_next_statement(approved, supplier_user, finance, supervisor,
                                                             supplier, entries):
    goods, freight = entries[0], entries[1]
    disputes.dispute_statement(approved, actor=supplier_user, message="Please check order 1001",
                               lines=[(goods, "Only 2 of 3 units arrived"), (freight.pk, "Freight was free")])
    statement = fresh(approved)
    assert statement.state == StatementState.DISPUTED
    assert [(d.entry_id, d.reason) for d in statement.disputed_lines.order_by("entry_id")] == [
        (goods.pk, "Only 2 of 3 units arrived"), (freight.pk, "Freight was free")]
    assert StatementMessage.objects.get(statement=statement).body == "Please check order 1001"
    assert Notification.objects.filter(recipient=finance, event="statement_disputed").exists()
    # Not every line answered: no confirmation, no payment.
    with pytest.raises(StatementError):
        disputes.confirm_statement(statement, actor=supplier_user)
    with pytest.raises(TransitionNotAllowed):
        statements.record_payment(statement, amount=Decimal("1.00"), paid_on=timezone.localdate(),
                                  method="bank_transfer", actor=finance)

    goods_line = statement.disputed_lines.get(entry=goods)
    disputes.answer_dispute_line(goods_line, actor=finance, adjustment_amount=Decimal("-100.00"),
                                 reason="One unit short, refunded")
    goods_line = DisputedLine.objects.get(pk=goods_line.pk)
    adjustment = goods_line.adjustment
    assert goods_line.answer_kind == AnswerKind.ADJUSTMENT and goods_line.answered_by == finance
    assert (adjustment.kind, adjustment.amount, adjustment.corrects, adjustment.reason, adjustment.statement) == (
        EntryKind.ADJUSTMENT, Decimal("-100.00"), goods, "One unit short, refunded", None)
    assert Notification.objects.filter(recipient=supplier_user, event="statement_dispute_answered").count() == 1

    freight_line = statement.disputed_lines.get(entry=freight)
    disputes.answer_dispute_line(freight_line, actor=finance, explanation="Freight was agreed in the contract")
    assert DisputedLine.objects.get(pk=freight_line.pk).answer_kind == AnswerKind.EXPLANATION
    assert fresh(statement).total == MIXED_TOTAL  # a posted entry is never edited: the statement stands

    disputes.confirm_statement(fresh(statement), actor=supplier_user)
    assert fresh(statement).state == StatementState.SUPPLIER_CONFIRMED

    # The adjustment is an open entry dated today: the next statement takes it.
    today = timezone.localdate()
    later = post_entries(supplier, [(EntryKind.DROP_SHIP_GOODS, "50.00", today, "order 2002")])
    open_ids = set(statements._candidates(Statement(supplier=supplier, period_from=today, period_to=today))
                   .values_list("pk", flat=True))
    assert adjustment.pk in open_ids
    following = build(supplier, [adjustment, *later], finance, period=(today, today))
    assert fresh(following).total == Decimal("-50.00")
    assert SupplierAccountEntry.objects.get(pk=adjustment.pk).statement_id == following.pk


def test_a_line_answered_is_not_answered_twice_and_adjustment_posts_once(approved, supplier_user, finance, entries):
    disputes.dispute_statement(approved, actor=supplier_user, lines=[(entries[0], "too much")])
    line = DisputedLine.objects.get()
    disputes.answer_dispute_line(line, actor=finance, adjustment_amount=Decimal("5.00"), reason="price was 5 more")
    with pytest.raises(StatementError):
        disputes.answer_dispute_line(line, actor=finance, explanation="again")
    assert SupplierAccountEntry.objects.filter(kind=EntryKind.ADJUSTMENT).count() == 1


@pytest.mark.parametrize("lines, message", [
    ([], "Tick at least one line"),
    ([("ENTRY0", "  ")], "Give a reason"),
    ([("ENTRY0", "x"), ("ENTRY0", "y")], "disputed twice"),
    ([("OTHER", "not mine")], "not on statement"),
])
def test_bad_disputes_are_refused_and_change_nothing(approved, supplier_user, entries, supplier, lines, message):
    other = post_entries(supplier, [(EntryKind.FREIGHT, "1.00", None, "open entry")])[0]
    ids = {"ENTRY0": entries[0].pk, "OTHER": other.pk}
    with pytest.raises(StatementError, match=message):
        disputes.dispute_statement(approved, actor=supplier_user, lines=[(ids[e], r) for e, r in lines])
    assert fresh(approved).state == StatementState.APPROVED
    assert not DisputedLine.objects.exists()
    assert not Notification.objects.filter(event="statement_disputed").exists()


def test_only_an_approved_statement_is_disputed(supplier, entries, finance, supplier_user):
    draft = build(supplier, entries, finance)
    with pytest.raises(TransitionNotAllowed):
        disputes.dispute_statement(draft, actor=supplier_user, lines=[(entries[0], "no")])
    assert not DisputedLine.objects.exists()


def test_answers_need_the_permission_and_a_reason(approved, supplier_user, finance, supervisor, entries):
    disputes.dispute_statement(approved, actor=supplier_user, lines=[(entries[0], "wrong")])
    line = DisputedLine.objects.get()
    with pytest.raises(PermissionDenied):
        disputes.answer_dispute_line(line, actor=supervisor, explanation="it stands")
    with pytest.raises(StatementError, match="why"):
        disputes.answer_dispute_line(line, actor=finance, adjustment_amount=Decimal("3.00"), reason=" ")
    with pytest.raises(StatementError):
        disputes.answer_dispute_line(line, actor=finance, explanation="")
    with pytest.raises(SupplierEntryError):
        disputes.answer_dispute_line(line, actor=finance, adjustment_amount=Decimal("3.001"), reason="x")
    with pytest.raises(SupplierEntryError):
        disputes.answer_dispute_line(line, actor=finance, adjustment_amount=Decimal("0"), reason="x")
    assert not DisputedLine.objects.get().is_answered
    assert not SupplierAccountEntry.objects.filter(kind=EntryKind.ADJUSTMENT).exists()


def test_thread_keeps_every_message_from_both_sides(approved, supplier_user, finance):
    disputes.post_statement_message(approved, actor=supplier_user, body="Where is the freight from?")
    disputes.post_statement_message(approved, actor=finance, body="Order 1001, see the tracking.")
    assert list(StatementMessage.objects.filter(statement=approved).values_list("author__username", "body")) == [
        ("hz-li", "Where is the freight from?"), ("fang", "Order 1001, see the tracking.")]
    assert Notification.objects.filter(recipient=finance, event="statement_message").exists()
    assert Notification.objects.filter(recipient=supplier_user, event="statement_message").exists()
    with pytest.raises(StatementError):
        disputes.post_statement_message(approved, actor=finance, body="   ")


def test_finance_may_still_record_a_confirmation_given_outside_the_portal(approved, finance):
    statements.record_supplier_confirmation(approved, method="email", note="mail of 3 Dec", actor=finance)
    assert fresh(approved).state == StatementState.SUPPLIER_CONFIRMED


def test_adjustments_need_a_reason_and_the_entry_they_correct(supplier, entries):
    source = WarehouseFactory()
    with pytest.raises(SupplierEntryError):
        post_supplier_entries(entries=[EntryDraft(supplier.pk, EntryKind.ADJUSTMENT, Decimal("1.00"), source,
                                                  reason="x")])
    with pytest.raises(SupplierEntryError):
        post_supplier_entries(entries=[EntryDraft(supplier.pk, EntryKind.ADJUSTMENT, Decimal("1.00"), source,
                                                  corrects=entries[0])])
    with pytest.raises(SupplierEntryError):  # another supplier's entry
        post_supplier_entries(entries=[EntryDraft(SupplierFactory().pk, EntryKind.ADJUSTMENT, Decimal("1.00"),
                                                  source, corrects=entries[0], reason="x")])
    # The database refuses it too, whoever writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierAccountEntry.objects.create(supplier=supplier, kind=EntryKind.ADJUSTMENT, amount=Decimal("1.00"),
                                            source=source, entry_date=datetime.date(2026, 1, 1), reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierAccountEntry.objects.create(supplier=supplier, kind=EntryKind.FREIGHT, amount=Decimal("1.00"),
                                            source=source, entry_date=datetime.date(2026, 1, 1),
                                            corrects=entries[0])


"""The supplier's statements in its portal, and finance's side of a dispute on the internal statement page:
a supplier sees and acts on its own approved statements only (another supplier's id, or a draft: 404), a
bad dispute is refused with a clear message and changes nothing, finance answers by adjustment (which the
next statement's open entries list) or explanation, and the supplier confirms."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from reconciliation import statements
from reconciliation.models import (
    AnswerKind,
    DisputedLine,
    EntryKind,
    Statement,
    StatementMessage,
    StatementState,
    SupplierAccountEntry,
)
from tests.factories import SupplierFactory
from tests.portal.factories import supplier_user
from tests.reconciliation.factories import MIXED, build, post_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier():
    return SupplierFactory(name="杭州纺织")


@pytest.fixture
def finance(make_user):
    return make_user("finance", username="fang")


@pytest.fixture
def supervisor(make_user):
    return make_user("finance_supervisor", username="sun")


def approved_statement(supplier, finance, supervisor):
    statement = build(supplier, post_entries(supplier, MIXED), finance)
    statements.submit_statement(statement, actor=finance)
    statements.approve_statement(Statement.objects.get(pk=statement.pk), actor=supervisor)
    return Statement.objects.get(pk=statement.pk)


@pytest.fixture
def statement(supplier, finance, supervisor):
    return approved_statement(supplier, finance, supervisor)


@pytest.fixture
def supplier_client(client, supplier):
    client.force_login(supplier_user(supplier, username="hz-li"))
    return client


def fresh(statement):
    return Statement.objects.get(pk=statement.pk)


def url(name, statement):
    return reverse(f"portal:{name}", args=[statement.pk])


def test_the_supplier_sees_its_own_approved_statements_only(supplier_client, statement, supplier, finance,
                                                            supervisor):
    other = approved_statement(SupplierFactory(), finance, supervisor)
    draft = build(supplier, post_entries(supplier, [(EntryKind.FREIGHT, "3.00", None, "draft line")]), finance)
    listing = supplier_client.get(reverse("portal:statement_list"))
    assert listing.status_code == 200
    assert statement.number in listing.content.decode()
    assert other.number not in listing.content.decode() and draft.number not in listing.content.decode()
    page = supplier_client.get(url("statement_detail", statement))
    assert page.status_code == 200 and page.context["may_confirm"] and page.context["may_dispute"]
    for name in ("statement_detail", "statement_pdf"):
        assert supplier_client.get(url(name, other)).status_code == 404
        assert supplier_client.get(url(name, draft)).status_code == 404
    for name in ("statement_confirm", "statement_dispute", "statement_message"):
        assert supplier_client.post(url(name, other), {"body": "x"}).status_code == 404
    assert fresh(other).state == StatementState.APPROVED
    assert not StatementMessage.objects.exists()


def test_the_supplier_downloads_its_statement_pdf(supplier_client, statement):
    response = supplier_client.get(url("statement_pdf", statement))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(b"%PDF")


def test_a_dispute_without_a_reason_or_without_lines_is_refused_and_changes_nothing(supplier_client, statement):
    entry = statement.entries.order_by("id").first()
    response = supplier_client.post(url("statement_dispute", statement), {"dispute": [entry.pk]}, follow=True)
    assert f"Give a reason for disputing entry #{entry.pk}" in response.content.decode()
    response = supplier_client.post(url("statement_dispute", statement), {}, follow=True)
    assert "Tick at least one line to dispute" in response.content.decode()
    response = supplier_client.post(url("statement_dispute", statement), {"dispute": ["abc"]}, follow=True)
    assert response.status_code == 200
    assert fresh(statement).state == StatementState.APPROVED and not DisputedLine.objects.exists()


def test_dispute_adjustment_explanation_confirm_through_the_pages(supplier_client, client, statement, finance,
                                                                  supplier):
    goods, freight = statement.entries.order_by("id")[:2]
    response = supplier_client.post(url("statement_dispute", statement), {
        "dispute": [goods.pk, freight.pk], f"reason_{goods.pk}": "少了一件", f"reason_{freight.pk}": "运费已包含",
        "message": "请核对"}, follow=True)
    assert response.status_code == 200
    assert fresh(statement).state == StatementState.DISPUTED
    assert supplier_client.get(url("statement_detail", statement)).context["waiting_for_answers"]

    finance_client = client.__class__()
    finance_client.force_login(finance)
    page = finance_client.get(statement.get_absolute_url())
    assert page.status_code == 200 and page.context["may_answer"]
    assert "少了一件" in page.content.decode() and "请核对" in page.content.decode()
    goods_line = DisputedLine.objects.get(entry=goods)
    freight_line = DisputedLine.objects.get(entry=freight)

    bad = finance_client.post(reverse("reconciliation:dispute_adjust", args=[statement.pk, goods_line.pk]),
                              {"amount": "0", "reason": "x"}, follow=True)
    assert "An adjustment of zero changes nothing" in bad.content.decode()
    assert not DisputedLine.objects.get(pk=goods_line.pk).is_answered
    finance_client.post(reverse("reconciliation:dispute_adjust", args=[statement.pk, goods_line.pk]),
                        {"amount": "-100.00", "reason": "少发一件，退款"})
    finance_client.post(reverse("reconciliation:dispute_explain", args=[statement.pk, freight_line.pk]),
                        {"explanation": "合同约定运费另计"})
    finance_client.post(reverse("reconciliation:statement_message", args=[statement.pk]), {"body": "已处理"})
    goods_line = DisputedLine.objects.get(pk=goods_line.pk)
    assert goods_line.answer_kind == AnswerKind.ADJUSTMENT and goods_line.adjustment.amount == Decimal("-100.00")
    assert DisputedLine.objects.get(pk=freight_line.pk).answer_kind == AnswerKind.EXPLANATION
    assert list(StatementMessage.objects.values_list("body", flat=True)) == ["请核对", "已处理"]

    detail = supplier_client.get(url("statement_detail", statement))
    assert detail.context["may_confirm"] and "合同约定运费另计" in detail.content.decode()
    supplier_client.post(url("statement_confirm", statement))
    assert fresh(statement).state == StatementState.SUPPLIER_CONFIRMED

    # The adjustment is among the open entries finance picks the next statement from.
    today = timezone.localdate().isoformat()
    candidates = finance_client.get(reverse("reconciliation:statement_create"), {
        "supplier": supplier.pk, "period_from": today, "period_to": today})
    assert goods_line.adjustment_id in [e.pk for e in candidates.context["entries"]]
    balance = supplier_client.get(reverse("portal:balance"))
    assert [a.pk for a in balance.context["adjustments"]] == [goods_line.adjustment_id]


def test_another_finance_role_cannot_answer(client, statement, supervisor, supplier):
    user = supplier_user(supplier)
    from reconciliation import disputes

    entry = statement.entries.first()
    disputes.dispute_statement(statement, actor=user, lines=[(entry, "wrong")])
    line = DisputedLine.objects.get()
    client.force_login(supervisor)
    response = client.post(reverse("reconciliation:dispute_explain", args=[statement.pk, line.pk]),
                           {"explanation": "it stands"})
    assert response.status_code == 403
    assert not DisputedLine.objects.get().is_answered
    assert not SupplierAccountEntry.objects.filter(kind=EntryKind.ADJUSTMENT).exists()


def test_viewing_as_a_supplier_is_read_only(client, statement, finance, supplier):
    client.force_login(finance)
    client.post(reverse("portal:view_as", args=[supplier.pk]))
    page = client.get(url("statement_detail", statement))
    assert page.status_code == 200 and not page.context["may_confirm"] and not page.context["may_dispute"]
    assert client.post(url("statement_confirm", statement)).status_code == 403
    assert fresh(statement).state == StatementState.APPROVED


def test_the_scorecard_is_the_internal_one_for_its_own_supplier(supplier_client, statement, supplier):
    from reconciliation import disputes
    from reconciliation.scorecard import supplier_scorecard

    user = supplier.portal_users.get()
    disputes.dispute_statement(statement, actor=user, lines=[(statement.entries.first(), "wrong")])
    page = supplier_client.get(reverse("portal:scorecard"), {"days": "7"})
    assert page.status_code == 200
    today = timezone.localdate()
    [internal] = supplier_scorecard(supplier, date_from=today - datetime.timedelta(days=6), date_to=today)
    assert page.context["card"] == internal and internal.disputes == 1
    assert supplier_client.get(reverse("portal:scorecard"), {"days": "bogus"}).status_code == 200

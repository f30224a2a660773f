"""The statement pages: finance picks a supplier and period, ticks entries (or all N matching across
pages), builds; the supervisor approves from the statement page; exports and the balance page."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import PdfJob
from reconciliation import statements
from reconciliation.models import EntryKind, Statement, StatementState, SupplierAccountEntry
from tests.factories import SupplierFactory
from tests.reconciliation.factories import MIXED, MIXED_TOTAL, build, post_entries

pytestmark = pytest.mark.django_db

SCOPE = {"period_from": "2026-01-01", "period_to": "2026-03-31"}


@pytest.fixture
def supplier():
    return SupplierFactory(name="宁波厂 Ningbo Works")


@pytest.fixture
def finance(make_user):
    return make_user("finance", username="fang")


@pytest.fixture
def supervisor(make_user):
    return make_user("finance_supervisor", username="sun")


def test_the_new_statement_page_lists_open_entries_with_subtotals_and_the_servers_total(client, finance, supplier):
    entries = post_entries(supplier, MIXED)
    build(supplier, entries[:1], finance)  # already on a statement: not offered again
    client.force_login(finance)
    page = client.get(reverse("reconciliation:statement_create"), {"supplier": supplier.pk, **SCOPE})
    html = page.content.decode()
    assert page.status_code == 200
    assert "drop-ship order 1001" not in html and "freight order 1001" in html
    assert page.context["totals"] == {"count": 4, "amount": MIXED_TOTAL - Decimal("300.00")}
    assert {r["kind"] for r in page.context["subtotals"]} == {EntryKind.FREIGHT, EntryKind.GOODS_RECEIPT,
                                                              EntryKind.MANUFACTURER_COMPENSATION,
                                                              EntryKind.CHARGE_BACK}
    deductions = client.get(reverse("reconciliation:statement_create"),
                            {"supplier": supplier.pk, **SCOPE, "kinds": [EntryKind.CHARGE_BACK,
                                                                         EntryKind.MANUFACTURER_COMPENSATION]})
    assert deductions.context["totals"]["amount"] == Decimal("-45.60")
    assert "the supplier owes" in deductions.content.decode()


def test_finance_builds_from_ticked_entries(client, finance, supplier):
    entries = post_entries(supplier, MIXED)
    client.force_login(finance)
    response = client.post(reverse("reconciliation:statement_create"),
                           {"supplier": supplier.pk, **SCOPE, "entry": [entries[0].pk, entries[3].pk]})
    statement = Statement.objects.get()
    assert response.url == statement.get_absolute_url()
    assert statement.total == Decimal("254.65") and statement.created_by == finance


def test_select_all_matching_takes_every_page_resolved_by_the_server(client, finance, supplier):
    post_entries(supplier, [(EntryKind.FREIGHT, "1.10", datetime.date(2026, 2, 1), f"parcel {i}") for i in range(130)])
    post_entries(supplier, [(EntryKind.CHARGE_BACK, "-3.00", datetime.date(2026, 2, 1), "charge")])
    client.force_login(finance)
    shown = client.get(reverse("reconciliation:statement_create"), {"supplier": supplier.pk, **SCOPE, "q": "parcel"})
    assert len(shown.context["entries"].object_list) == 100, "one page of a hundred"
    client.post(reverse("reconciliation:statement_create"),
                {"supplier": supplier.pk, **SCOPE, "q": "parcel", "select_all": "1", "expected_count": "130"})
    statement = Statement.objects.get()
    assert statement.entry_count == 130 and statement.total == Decimal("143.00")
    assert SupplierAccountEntry.objects.get(kind=EntryKind.CHARGE_BACK).statement_id is None


def test_a_taken_entry_comes_back_as_a_message_listing_it(client, finance, make_user, supplier):
    entries = post_entries(supplier, MIXED)
    first = build(supplier, entries[:1], make_user("finance"))
    client.force_login(finance)
    response = client.post(reverse("reconciliation:statement_create"),
                           {"supplier": supplier.pk, **SCOPE, "entry": [e.pk for e in entries]}, follow=True)
    assert f"#{entries[0].pk} on {first.number}" in response.content.decode()
    assert Statement.objects.count() == 1


def test_submit_approve_and_pay_from_the_statement_page(client, finance, supervisor, supplier):
    statement = build(supplier, post_entries(supplier, MIXED), finance)
    client.force_login(finance)
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "submit-statement" in page and "approve-statement" not in page
    client.post(reverse("reconciliation:statement_submit", args=[statement.pk]))
    client.force_login(supervisor)
    assert "approve-statement" in client.get(statement.get_absolute_url()).content.decode()
    client.post(reverse("reconciliation:statement_approve", args=[statement.pk]))
    assert Statement.objects.get(pk=statement.pk).state == StatementState.APPROVED
    again = client.post(reverse("reconciliation:statement_approve", args=[statement.pk]), follow=True)
    assert "changed meanwhile" in again.content.decode()

    client.force_login(finance)
    client.post(reverse("reconciliation:statement_pay", args=[statement.pk]),
                {"amount": "2000.00", "paid_on": "2026-04-05", "method": "bank_transfer"})
    assert Statement.objects.get(pk=statement.pk).paid == 0, "more than the total is refused"
    client.post(reverse("reconciliation:statement_pay", args=[statement.pk]),
                {"amount": "1267.00", "paid_on": "2026-04-05", "method": "bank_transfer", "reference": "TT-1"})
    assert Statement.objects.get(pk=statement.pk).state == StatementState.PAID


def test_the_list_filters_and_exports(client, finance, supplier):
    statement = build(supplier, post_entries(supplier, MIXED), finance)
    client.force_login(finance)
    page = client.get(reverse("reconciliation:statement_list"), {"supplier": supplier.pk, "state": "draft"})
    assert statement.number in page.content.decode()
    assert statement.number not in client.get(reverse("reconciliation:statement_list"),
                                              {"state": "approved"}).content.decode()
    export = client.get(reverse("reconciliation:statement_list"), {"_export": "csv"})
    assert statement.number in b"".join(export.streaming_content).decode("utf-8-sig")


def test_the_xlsx_export_has_every_entry_with_typed_amounts(client, finance, supplier):
    statement = build(supplier, post_entries(supplier, MIXED), finance)
    client.force_login(finance)
    response = client.get(reverse("reconciliation:statement_export", args=[statement.pk]))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 5
    assert sum(Decimal(str(r[5])) for r in rows[1:]) == MIXED_TOTAL


def test_the_pdf_is_requested_as_a_background_job(client, finance, supplier, django_capture_on_commit_callbacks):
    statement = build(supplier, post_entries(supplier, MIXED), finance)
    client.force_login(finance)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("reconciliation:statement_pdf", args=[statement.pk]))
    job = PdfJob.objects.get()
    assert job.kind == "statement" and job.parameters == {"statement": statement.pk}
    assert response.url == reverse("core:job_detail", args=[job.pk])


def test_the_pdf_document_lists_subtotals_approvals_and_cuts_long_detail(finance, supervisor, supplier, monkeypatch):
    from reconciliation import documents

    monkeypatch.setattr(documents, "PDF_DETAIL_LIMIT", 3)
    statement = build(supplier, post_entries(supplier, MIXED), finance)
    statements.submit_statement(statement, actor=finance)
    statements.approve_statement(Statement.objects.get(pk=statement.pk), actor=supervisor)
    job = PdfJob(kind="statement", parameters={"statement": statement.pk})
    ((template, contexts),) = list(documents.build_statement_pdf(job))
    (context,) = contexts
    assert len(context["detail"]) == 3 and context["detail_cut"]
    from django.template.loader import render_to_string

    html = render_to_string(template, {"pages": contexts})
    assert "see the XLSX export" in html and "sun" in html and "1,267.00" in html


def test_the_balance_page_shows_reconciled_and_remaining_per_month(client, finance, supervisor, supplier):
    entries = post_entries(supplier, MIXED)
    statement = build(supplier, entries[:2], finance)
    statements.submit_statement(statement, actor=finance)
    statements.approve_statement(Statement.objects.get(pk=statement.pk), actor=supervisor)
    client.force_login(finance)
    page = client.get(reverse("reconciliation:supplier_balance", args=[supplier.pk]))
    assert page.context["amounts"]["reconciled"] == Decimal("312.50")
    assert page.context["amounts"]["remaining"] == MIXED_TOTAL - Decimal("312.50")
    html = page.content.decode()
    assert "echarts.min.js" in html and 'id="balance-data"' in html and statement.number in html
    assert 'data-reconciled="yes"' in html and 'data-reconciled="no"' in html


def test_the_finance_home_queue_and_the_supervisors_queue(client, finance, supervisor, supplier):
    statement = build(supplier, post_entries(supplier, MIXED), finance)
    statements.submit_statement(statement, actor=finance)
    client.force_login(supervisor)
    assert statement.number in client.get(reverse("reports:home")).content.decode()
    client.force_login(finance)
    assert statement.number in client.get(reverse("reports:home")).content.decode()


def test_a_posted_goods_receipt_shows_its_reconciliation_status(client, make_user):
    from inventory.documents import post_goods_receipt
    from tests.inventory.factories import GoodsReceiptFactory

    receipt = GoodsReceiptFactory()
    warehouse = make_user("warehouse", "finance")
    post_goods_receipt(receipt, actor=warehouse)
    client.force_login(warehouse)
    html = client.get(receipt.get_absolute_url()).content.decode()
    assert 'id="reconciliation-status"' in html and 'data-reconciled="no"' in html


def test_the_pdf_job_renders_the_statement(finance, supplier, django_capture_on_commit_callbacks):
    """The job runs the "statement" builder (eagerly here; by the Celery worker in production)."""
    from pypdf import PdfReader

    from core.pdf import request_pdf_job

    statement = build(supplier, post_entries(supplier, MIXED), finance)
    with django_capture_on_commit_callbacks(execute=True):
        job = request_pdf_job(kind="statement", parameters={"statement": statement.pk}, actor=finance)
    job = PdfJob.objects.get(pk=job.pk)
    assert job.state == "done", job.error
    with job.file.open("rb") as handle:
        text = "".join(p.extract_text() for p in PdfReader(handle).pages)
    assert statement.number in text and "1,267.00" in text and "ticket 7 compensation" in text

"""The statement PDF is written in the language of the user who asked for it (core.pdf.job_language), and
its entries read in that language too: an entry's text is derived from its kind and source document's
number (reconciliation.descriptions), never the words frozen when it was posted. Checked on the text of the
real WeasyPrint PDF."""

import io
from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader

from core.models import PdfJobState
from core.pdf import render_html, request_pdf_job, run_pdf_job
from reconciliation.descriptions import describe_entries
from reconciliation.documents import statement_context
from reconciliation.models import EntryKind
from tests.aftersales.factories import make_ticket
from tests.factories import SupplierFactory
from tests.reconciliation.factories import build, post_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(make_user):
    supplier = SupplierFactory()
    ticket = make_ticket(type="refund_only")
    entries = [
        # posted by an English-speaking user before descriptions were derived: frozen English words
        *post_entries(supplier, [(EntryKind.MANUFACTURER_COMPENSATION, "-45.35", None,
                                  f"Manufacturer compensation, ticket {ticket.number}"),
                                 (EntryKind.CHARGE_BACK, "-5.00", None, ticket.number)], source=ticket),
        *post_entries(supplier, [(EntryKind.DROP_SHIP_GOODS, "300.00", None, "SH0000007 · TM-1001 · SKU-1 × 2")]),
    ]
    statement = build(supplier, entries, make_user("finance"))
    statement.ticket_number = ticket.number
    return statement


def _pdf_text(job):
    job.file.open("rb")
    try:
        reader = PdfReader(io.BytesIO(job.file.read()))
    finally:
        job.file.close()
    return "".join("".join(page.extract_text().split()) for page in reader.pages)  # CJK: no spaces


def _render(statement, requester, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # rendered right here, not by a worker
        job = request_pdf_job(kind="statement", parameters={"statement": statement.pk}, actor=requester)
    with translation.override("en"):  # the worker's own language does not matter
        job = run_pdf_job(job.pk)
    assert job.state == PdfJobState.DONE, job.error
    return _pdf_text(job)


def test_a_chinese_requester_gets_chinese_entry_descriptions(statement, make_user, django_capture_on_commit_callbacks):
    text = _render(statement, make_user("finance", language="zh-hans"), django_capture_on_commit_callbacks)

    number = statement.ticket_number
    assert f"厂家补偿，售后单{number}" in text
    assert f"扣款，售后单{number}" in text
    assert "厂家发货货款" in text and "SH0000007·TM-1001·SKU-1×2" in text  # kind in Chinese, reference as is
    assert "Manufacturercompensation" not in text and "Charge-back" not in text


def test_an_english_requester_gets_english_ones(statement, make_user, django_capture_on_commit_callbacks):
    text = _render(statement, make_user("finance", language="en"), django_capture_on_commit_callbacks)

    assert f"Manufacturercompensation,ticket{statement.ticket_number}" in text
    assert f"Charge-back,ticket{statement.ticket_number}" in text
    assert "厂家补偿，" not in text


def test_the_html_the_pdf_is_made_from_words_entries_in_the_active_language(statement):
    with translation.override("zh-hans"):
        html = render_html("reconciliation/pdf/statement.html", statement_context(statement.pk))
    assert f"厂家补偿，售后单 {statement.ticket_number}" in html


def test_an_entry_whose_source_has_no_number_keeps_its_stored_reference(make_user):
    supplier = SupplierFactory()
    [entry] = post_entries(supplier, [(EntryKind.CHARGE_BACK, "-1.00", None, "ticket 8 charge-back")])
    with translation.override("zh-hans"):
        assert describe_entries([entry])[0].shown_description == "ticket 8 charge-back"
    assert entry.amount == Decimal("-1.00")

"""The statement PDF (core.pdf job kind "statement", rendered by the Celery worker in the language of the
user who asked for it: core.pdf.job_language): header, supplier,
period, subtotals by kind and month, totals, approvals with names and dates, and the item detail up
to PDF_DETAIL_LIMIT lines (a 10 000-line table would be hundreds of pages): beyond it, the XLSX export."""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.pdf import register_document

from . import selectors
from .descriptions import describe_entries
from .models import Statement

DOCUMENT_KIND = "statement"
PDF_DETAIL_LIMIT = 500


def statement_context(statement_id):
    statement = selectors.statement_list().select_related("submitted_by", "confirmed_by").get(pk=statement_id)
    entries = selectors.statement_entries(statement)
    detail = describe_entries(entries[:PDF_DETAIL_LIMIT])  # in the job's language (core.pdf.job_language)
    return {
        "statement": statement,
        "subtotals": selectors.subtotals_by_kind(entries),
        "months": selectors.subtotals_by_month(entries),
        "payments": list(statement.payments.select_related("recorded_by")),
        "detail": detail,
        "detail_cut": statement.entry_count > len(detail),
        "detail_limit": PDF_DETAIL_LIMIT,
        "printed_at": timezone.now(),
    }


def build_statement_pdf(job):
    """core.pdf builder: job.parameters {"statement": <pk>} → one document."""
    statement_id = (job.parameters or {}).get("statement")
    if not Statement.objects.filter(pk=statement_id).exists():
        raise LookupError(f"Statement {statement_id!r} does not exist")
    yield "reconciliation/pdf/statement.html", [statement_context(statement_id)]


def register():
    register_document(DOCUMENT_KIND, build_statement_pdf, label=gettext_lazy("Reconciliation statement"))

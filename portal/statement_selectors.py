"""The supplier's statements, balance and payments as its portal (pages and API) reads them. Every function
takes the supplier first and starts its query from it, so another supplier's statement or entry is simply
not in the queryset (404). A supplier sees a statement once it is approved: drafts and submitted ones are
still the seller's work."""

from django.shortcuts import get_object_or_404

from reconciliation import selectors as reconciliation_selectors
from reconciliation.models import EntryKind, Statement, StatementPayment, StatementState, SupplierAccountEntry
from reconciliation.statement_models import APPROVED_STATES


def statements(supplier):
    """The supplier's approved statements (and later states), newest first."""
    return Statement.objects.filter(supplier=supplier, state__in=APPROVED_STATES).order_by("-id")


def statements_to_answer(supplier):
    """Approved statements waiting for the supplier's confirmation or dispute, oldest first."""
    return statements(supplier).filter(state=StatementState.APPROVED).order_by("approved_at", "id")


def statement(supplier, pk):
    """One of the supplier's statements (404 for anybody else's, and for one not approved yet)."""
    return get_object_or_404(statements(supplier).select_related("supplier"), pk=pk)


def statement_entries(supplier, statement):
    """The lines of one of the supplier's statements, in date order."""
    return reconciliation_selectors.statement_entries(statement).filter(supplier=supplier)


def statement_entry(supplier, statement, pk):
    return get_object_or_404(statement_entries(supplier, statement), pk=pk)


def disputed_lines(supplier, statement):
    """The contested lines of the statement with their answers (the adjustment entry, if any)."""
    return (statement.disputed_lines.filter(statement__supplier=supplier)
            .select_related("entry", "adjustment", "raised_by", "answered_by").order_by("entry__entry_date", "entry_id"))


def disputed_line(supplier, statement, pk):
    return get_object_or_404(disputed_lines(supplier, statement), pk=pk)


def thread(supplier, statement):
    """Every message on the statement's thread, oldest first."""
    return statement.messages.filter(statement__supplier=supplier).select_related("author").order_by("created_at", "id")


def balance(supplier):
    """{total, reconciled, remaining, paid}: the supplier account in figures (paid: signed sum of the
    payments on its statements, + to the supplier, − from it)."""
    amounts = dict(reconciliation_selectors.supplier_amounts(supplier))
    row = reconciliation_selectors.supplier_account_summaries().filter(pk=supplier.pk).values("paid").first()
    amounts["paid"] = row["paid"] if row else 0
    return amounts


def payments(supplier):
    """Payments recorded on the supplier's statements, newest first."""
    return (StatementPayment.objects.filter(statement__supplier=supplier).select_related("statement")
            .order_by("-paid_on", "-id"))


def open_adjustments(supplier):
    """Adjustment entries not on a statement yet: they land on the supplier's next statement."""
    return (SupplierAccountEntry.objects.filter(supplier=supplier, kind=EntryKind.ADJUSTMENT, statement__isnull=True)
            .select_related("corrects").order_by("entry_date", "id"))

"""The one write path of the supplier account: `post_supplier_entries`, called by the service that
causes the event (goods receipt posted, drop-ship dispatched, after-sales ticket resolved).

Entries are never changed afterwards, except their statement key and reconciliation date, which the
reconciliation-statement service sets (`assign_to_statement`, `mark_reconciled` below)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import NEGATIVE_KINDS, POSITIVE_KINDS, EntryKind, Statement, SupplierAccountEntry

CENT = Decimal("0.01")


class SupplierEntryError(Exception):
    """A clear, user-facing refusal to post or change supplier account entries."""


@dataclass(frozen=True)
class EntryDraft:
    """One entry to post. `amount` is signed as the kind requires: + for goods, freight and receipts
    (the seller owes the supplier), − for manufacturer compensation and charge-backs."""

    supplier_id: int
    kind: str
    amount: Decimal
    source: models.Model
    entry_date: datetime.date | None = None
    description: str = ""


def _check(draft):
    if draft.kind not in EntryKind.values:
        raise SupplierEntryError(_("Unknown supplier entry kind %(kind)r.") % {"kind": draft.kind})
    if not isinstance(draft.amount, Decimal):
        raise SupplierEntryError(_("Amounts are Decimal, never float (got %(a)r).") % {"a": draft.amount})
    if draft.amount != draft.amount.quantize(CENT):
        raise SupplierEntryError(_("Amounts have at most 2 decimal places (got %(a)s).") % {"a": draft.amount})
    if draft.kind in POSITIVE_KINDS and draft.amount < 0:
        raise SupplierEntryError(_("A %(kind)s entry cannot be negative (got %(a)s).")
                                 % {"kind": EntryKind(draft.kind).label, "a": draft.amount})
    if draft.kind in NEGATIVE_KINDS and draft.amount > 0:
        raise SupplierEntryError(_("A %(kind)s entry is negative: the supplier owes it (got %(a)s).")
                                 % {"kind": EntryKind(draft.kind).label, "a": draft.amount})
    if draft.source is None or draft.source.pk is None:
        raise SupplierEntryError(_("Every supplier entry links a saved source document."))


def post_supplier_entries(*, entries: Sequence[EntryDraft], actor=None) -> list[SupplierAccountEntry]:
    """Append the entries in one INSERT (all or nothing). A (kind, source) already posted is refused
    by the database (unique constraint), so a retried event cannot post twice."""
    entries = list(entries)
    for draft in entries:
        _check(draft)
    if not entries:
        return []
    today = timezone.localdate()
    with transaction.atomic():
        return SupplierAccountEntry.objects.bulk_create([
            SupplierAccountEntry(
                supplier_id=d.supplier_id, kind=d.kind, amount=d.amount, description=d.description[:255],
                source_type=ContentType.objects.get_for_model(d.source), source_id=d.source.pk,
                entry_date=d.entry_date or today, actor=actor,
            )
            for d in entries
        ])


def assign_to_statement(*, entry_ids: Sequence[int], statement: Statement | None, actor=None) -> int:
    """Put entries on a statement (or take them off with statement=None). Only entries of the
    statement's supplier that are on no other statement (when assigning) are touched; returns how many.
    For the reconciliation-statement service; the entry stays otherwise untouched."""
    with transaction.atomic():
        qs = SupplierAccountEntry.objects.filter(pk__in=list(entry_ids), reconciled_on__isnull=True)
        if statement is not None:
            qs = qs.filter(supplier_id=statement.supplier_id, statement__isnull=True)
        return qs.update(statement=statement)


def mark_reconciled(*, statement: Statement, on_date: datetime.date, actor=None) -> int:
    """Set the reconciliation date of every entry of `statement`, in one set-based UPDATE."""
    with transaction.atomic():
        return SupplierAccountEntry.objects.filter(statement=statement).update(reconciled_on=on_date)


# Statement services live in reconciliation/statements.py; they are re-exported here lazily (PEP 562),
# so either module may be imported first without a circular import.
STATEMENT_SERVICES = frozenset({
    "EntriesTaken", "EntryFilters", "StatementError", "add_entries", "approve_statement", "build_statement",
    "record_payment", "record_supplier_confirmation", "reject_statement", "remove_entries", "submit_statement",
    "void_statement",
})


def __getattr__(name):
    if name in STATEMENT_SERVICES:
        from . import statements

        return getattr(statements, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CENT", "EntryDraft", "SupplierEntryError", "assign_to_statement", "mark_reconciled",
           "post_supplier_entries", *sorted(STATEMENT_SERVICES)]

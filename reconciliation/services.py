"""The one write path of the supplier account: `post_supplier_entries`, called by the service that
causes the event (goods receipt posted, drop-ship dispatched, after-sales ticket resolved, a disputed
statement line answered by an adjustment: reconciliation.disputes).

Entries are never changed afterwards, except their statement key and reconciliation date, which the
reconciliation-statement services set (reconciliation/statements.py: taking entries onto a statement,
releasing them, dating them at approval)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import NEGATIVE_KINDS, POSITIVE_KINDS, EntryKind, SupplierAccountEntry

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
    # Adjustments only (kind "adjustment", either sign): the entry it corrects and why.
    corrects: SupplierAccountEntry | None = None
    reason: str = ""


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
    if draft.kind == EntryKind.ADJUSTMENT:
        if draft.amount == 0:
            raise SupplierEntryError(_("An adjustment of zero changes nothing: give the amount to add or take off."))
        if not draft.reason.strip():
            raise SupplierEntryError(_("Say why the entry is adjusted."))
        if draft.corrects is None or draft.corrects.pk is None:
            raise SupplierEntryError(_("An adjustment names the entry it corrects."))
        if draft.corrects.supplier_id != draft.supplier_id:
            raise SupplierEntryError(_("An adjustment corrects an entry of the same supplier."))
    elif draft.corrects is not None:
        raise SupplierEntryError(_("Only an adjustment corrects another entry."))


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
                entry_date=d.entry_date or today, actor=actor, corrects=d.corrects, reason=d.reason.strip()[:255],
            )
            for d in entries
        ])

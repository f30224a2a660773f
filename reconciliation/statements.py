"""Reconciliation statement services 对账单 (DESIGN.md, "Reconciliation statement"). Every write to a
statement goes through here (pages, API, admin never save one themselves); they are re-exported by
`reconciliation.services`.

- `build_statement` takes the chosen open entries with ONE conditional UPDATE
  (`… SET statement_id = X WHERE id IN (…) AND statement_id IS NULL …`) and compares the row count:
  if another finance user took some of them first, everything rolls back and `EntriesTaken` lists them.
- `approve_statement` sets every entry's reconciliation date in ONE set-based UPDATE. The supplier's
  reconciled and remaining amounts are aggregates over the entries (`selectors.supplier_amounts`),
  never cached, so that same UPDATE is their recomputation.
- `Statement.total` / `entry_count` / `paid` are caches recomputed here, in the transaction that changes
  the entries or the payments (`_refresh_total`); the database keeps 0 ≤ paid ≤ |total|."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from core.audit import record_event
from core.transitions import perform

from . import messages
from .models import (
    EntryKind,
    PaymentDirection,
    PaymentMethod,
    Statement,
    StatementPayment,
    StatementState,
    SupplierAccountEntry,
)
from .services import CENT, SupplierEntryError
from .statement_models import PAYABLE_STATES

# One statement settles at most this many entries (SQLite's bound-parameter limit is 32 766, and a
# statement of more is better split by period). The pages and the API say so.
MAX_STATEMENT_ENTRIES = 20_000
TAKEN_SHOWN = 20


class StatementError(SupplierEntryError):
    """A clear, user-facing refusal to change a statement (nothing was written)."""


class EntriesTaken(StatementError):  # noqa: N818 - reads as the event
    """Some chosen entries are already on another statement (taken by someone else meanwhile)."""

    def __init__(self, taken):
        self.taken = taken  # [(entry_id, statement_number)]
        shown = ", ".join(_("#%(entry)s on %(statement)s") % {"entry": e, "statement": s}
                          for e, s in taken[:TAKEN_SHOWN])
        more = len(taken) - TAKEN_SHOWN
        message = _("%(count)s of the chosen entries are already on another statement: %(list)s") % {
            "count": len(taken), "list": shown}
        if more > 0:
            message += " " + _("and %(more)s more") % {"more": more}
        message += ". " + _("Nothing was taken; reload the list and choose again.")
        super().__init__(message)


@dataclass(frozen=True)
class EntryFilters:
    """Which open entries of the statement's supplier and period to take ("select all N matching"):
    the server resolves them, never from ids shown on one page."""

    kinds: Sequence[str] = ()
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    q: str = ""
    extra: dict = field(default_factory=dict)


def _require(actor, perm):
    if actor is None or not actor.has_perm(perm):
        raise PermissionDenied(_("You do not have permission to do this (%(perm)s).") % {"perm": perm})


def _check_kinds(kinds):
    kinds = sorted(set(kinds or ()))
    unknown = [k for k in kinds if k not in EntryKind.values]
    if unknown:
        raise StatementError(_("Unknown entry kind(s): %(kinds)s.") % {"kinds": ", ".join(unknown)})
    return kinds


def _entry_ids_text(sign, ids):
    """The audit comment of entries added or removed: the count and their ids (no words: read in any language)."""
    shown = ", ".join(f"#{i}" for i in ids[:50])
    return f"{sign}{len(ids)}: {shown}{' …' if len(ids) > 50 else ''}"


def _refresh_total(statement):
    """Recompute the cached total and entry count from the entries (one aggregate, one UPDATE)."""
    totals = SupplierAccountEntry.objects.filter(statement=statement).aggregate(total=Sum("amount"), n=Count("id"))
    statement.total = totals["total"] or Decimal("0.00")
    statement.entry_count = totals["n"]
    statement.save(update_fields=["total", "entry_count"])
    return statement


def _candidates(statement):
    """The open entries this statement may take: its supplier's, in its period, of its kinds."""
    qs = SupplierAccountEntry.objects.filter(
        supplier_id=statement.supplier_id, statement__isnull=True,
        entry_date__gte=statement.period_from, entry_date__lte=statement.period_to,
    )
    if statement.kinds:
        qs = qs.filter(kind__in=statement.kinds)
    return qs


def _resolve_filters(statement, filters):
    from .selectors import filter_entries

    return list(filter_entries(_candidates(statement), kinds=filters.kinds, date_from=filters.date_from,
                               date_to=filters.date_to, q=filters.q)
                .order_by().values_list("id", flat=True)[:MAX_STATEMENT_ENTRIES + 1])


def _take(statement, entry_ids):
    """The one conditional UPDATE; raises (rolling back) unless every chosen entry was taken."""
    ids = sorted({int(i) for i in entry_ids})
    if not ids:
        raise StatementError(_("Choose at least one entry."))
    if len(ids) > MAX_STATEMENT_ENTRIES:
        raise StatementError(_("A statement settles at most %(max)s entries; narrow the period or the kinds.")
                             % {"max": MAX_STATEMENT_ENTRIES})
    taken = _candidates(statement).filter(pk__in=ids).update(statement=statement)
    if taken != len(ids):
        others = list(SupplierAccountEntry.objects.filter(pk__in=ids, statement__isnull=False)
                      .exclude(statement=statement).order_by("id").values_list("id", "statement_id"))
        if others:
            raise EntriesTaken([(entry_id, Statement(pk=st).number) for entry_id, st in others])
        raise StatementError(_("%(count)s of the chosen entries are not open entries of %(supplier)s in this "
                               "statement's period and kinds.") % {"count": len(ids) - taken,
                                                                   "supplier": statement.supplier})
    return taken


def build_statement(*, supplier, period_from, period_to, kinds=None, entry_ids=None, filters=None,
                    expected_count=None, note="", actor) -> Statement:
    """A draft statement of `supplier` for the period, taking either the given open entries
    (`entry_ids`) or every open entry matching `filters` (an EntryFilters; `expected_count`, when
    given, is how many the user saw: a different number now refuses). All or nothing."""
    _require(actor, "reconciliation.build_statement")
    if (entry_ids is None) == (filters is None):
        raise StatementError(_("Give either the chosen entries or the filters that select them."))
    if period_from is None or period_to is None or period_from > period_to:
        raise StatementError(_("The period needs a start date on or before its end date."))
    kinds = _check_kinds(kinds)
    with transaction.atomic():
        statement = Statement.objects.create(supplier=supplier, period_from=period_from, period_to=period_to,
                                             kinds=kinds, note=note[:255], created_by=actor)
        if filters is not None:
            entry_ids = _resolve_filters(statement, filters)
            if expected_count is not None and len(entry_ids) != expected_count:
                raise StatementError(
                    _("%(expected)s entries matched when you looked, %(now)s now: someone else may have taken "
                      "some. Nothing was taken; reload the list and choose again.")
                    % {"expected": expected_count, "now": len(entry_ids)})
        _take(statement, entry_ids)
        _refresh_total(statement)
        record_event(statement, event="build", actor=actor, source="", target=StatementState.DRAFT)
    return statement


def _locked_draft(statement):
    locked = Statement.objects.select_for_update().select_related("supplier").get(pk=statement.pk)
    if locked.state != StatementState.DRAFT:
        raise StatementError(_("Entries can be added or removed only while %(statement)s is a draft.")
                             % {"statement": locked})
    return locked


def add_entries(statement, *, entry_ids=None, filters=None, actor) -> Statement:
    """Take more open entries onto a draft statement (same rules as building)."""
    _require(actor, "reconciliation.build_statement")
    with transaction.atomic():
        statement = _locked_draft(statement)
        if filters is not None:
            entry_ids = _resolve_filters(statement, filters)
        if statement.entry_count + len(set(entry_ids or ())) > MAX_STATEMENT_ENTRIES:
            raise StatementError(_("A statement settles at most %(max)s entries.") % {"max": MAX_STATEMENT_ENTRIES})
        ids = sorted({int(i) for i in entry_ids or ()})
        _take(statement, ids)
        record_event(statement, event="add_entries", actor=actor, comment=_entry_ids_text("+", ids))
        return _refresh_total(statement)


def remove_entries(statement, *, entry_ids, actor) -> Statement:
    """Release entries from a draft statement (they are open again)."""
    _require(actor, "reconciliation.build_statement")
    with transaction.atomic():
        statement = _locked_draft(statement)
        released = SupplierAccountEntry.objects.filter(statement=statement, pk__in=list(entry_ids))
        ids = sorted(released.values_list("pk", flat=True))
        if ids:
            SupplierAccountEntry.objects.filter(pk__in=ids).update(statement=None)
            record_event(statement, event="remove_entries", actor=actor, comment=_entry_ids_text("−", ids))
        return _refresh_total(statement)


class StatementChanged(StatementError):  # noqa: N818 - reads as the event
    """The statement's entries are not what the caller read (emptied or changed by someone else)."""


def submit_statement(statement, *, actor, comment="") -> Statement:
    """draft → submitted; every finance supervisor is notified.

    The statement row is locked (entries are added and removed only under that lock) and its entries
    are counted and summed again: a statement with no entries is refused, and so is one whose entries
    are not what the caller read (`statement.entry_count` / `statement.total`: emptied or changed by
    someone else since). A stale cache is corrected on the way, so the caller sees the truth on reload."""
    from notifications.services import notify_role

    seen = (statement.entry_count, statement.total)
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        changed = None
        if locked.state == StatementState.DRAFT:
            totals = SupplierAccountEntry.objects.filter(statement=locked).aggregate(total=Sum("amount"),
                                                                                     n=Count("id"))
            actual = (totals["n"], totals["total"] or Decimal("0.00"))
            if actual != (locked.entry_count, locked.total):
                _refresh_total(locked)  # committed even when the submit is refused below
            if not actual[0]:
                changed = _("%(statement)s has no entries; an empty statement cannot be submitted.") % {
                    "statement": locked}
            elif actual != seen:
                changed = _("%(statement)s changed meanwhile: it now has %(count)s entries totalling %(total)s. "
                            "Nothing was submitted; check it and submit again.") % {
                    "statement": locked, "count": actual[0], "total": actual[1]}
        if changed is None:
            perform(statement, "submit", actor=actor, comment=comment, at=timezone.now(),
                    update_fields=["submitted_by", "submitted_at", "rejection_reason"])
            notify_role(Role.FINANCE_SUPERVISOR, message=messages.STATEMENT_SUBMITTED,
                        params={"statement": str(statement), "supplier": str(statement.supplier),
                                "total": str(statement.total)},
                        link=statement.get_absolute_url(), event="statement_submitted")
    if changed is not None:
        statement.__dict__.update(entry_count=locked.entry_count, total=locked.total)
        raise StatementChanged(changed)
    return statement


def _maker_checker(statement, actor, verb):
    if actor is not None and statement.created_by_id == actor.pk:
        raise PermissionDenied(_("You built %(statement)s, so another finance supervisor must %(verb)s it.")
                               % {"statement": statement, "verb": verb})


def approve_statement(statement, *, actor, comment="", on_date=None) -> Statement:
    """submitted → approved (never by the one who built it). Every entry of the statement gets its
    reconciliation date in ONE set-based UPDATE; a second approver at the same moment gets
    ConcurrentTransition and nothing of theirs is written.

    A statement whose entries sum to zero owes nothing either way, so it is settled at approval: in the
    same transaction `settle` moves it on to paid (two log rows: approve, then settle), since no payment
    could ever be recorded on it. The supplier's confirmation is optional before payment in this state
    machine, so it is not waited for here either."""
    from notifications.services import notify

    _maker_checker(statement, actor, _("approve"))
    on_date = on_date or timezone.localdate()
    with transaction.atomic():
        perform(statement, "approve", actor=actor, comment=comment, at=timezone.now(),
                update_fields=["approved_by", "approved_at"])
        dated = SupplierAccountEntry.objects.filter(statement=statement).update(reconciled_on=on_date)
        total = SupplierAccountEntry.objects.filter(statement=statement).aggregate(t=Sum("amount"))["t"] or 0
        if dated != statement.entry_count:  # the cache and the entries disagree: refuse, roll back
            raise StatementError(_("%(statement)s lists %(cached)s entries but has %(real)s; nothing was approved.")
                                 % {"statement": statement, "cached": statement.entry_count, "real": dated})
        settled = total == 0
        if settled:
            perform(statement, "settle", actor=actor, comment=_("Total zero: settled at approval"))
        notify(recipients=[statement.created_by_id],
               message=messages.STATEMENT_SETTLED if settled else messages.STATEMENT_APPROVED,
               params={"statement": str(statement)}, link=statement.get_absolute_url(), event="statement_approved")
        if not settled:  # the supplier confirms or disputes it in the portal
            from .disputes import notify_awaiting_confirmation

            notify_awaiting_confirmation(statement)
    return statement


def reject_statement(statement, *, reason, actor) -> Statement:
    """submitted → draft with a reason; the entries stay on it so finance can correct and resubmit."""
    from notifications.services import notify

    if not (reason or "").strip():
        raise StatementError(_("Say why the statement is rejected."))
    _maker_checker(statement, actor, _("reject"))
    with transaction.atomic():
        perform(statement, "reject", actor=actor, comment=reason.strip(), update_fields=["rejection_reason"])
        notify(recipients=[statement.created_by_id], message=messages.STATEMENT_REJECTED,
               params={"statement": str(statement), "reason": reason.strip()},
               link=statement.get_absolute_url(), event="statement_rejected")
    return statement


def void_statement(statement, *, reason="", actor) -> Statement:
    """draft → void; its entries are released (open again) in one UPDATE. The cached total stays as
    the record of what the statement held."""
    with transaction.atomic():
        perform(statement, "void", actor=actor, comment=reason, update_fields=["void_reason"])
        SupplierAccountEntry.objects.filter(statement=statement).update(statement=None)
    return statement


def record_supplier_confirmation(statement, *, method, note="", actor) -> Statement:
    """approved → supplier_confirmed, recorded by finance: who (the actor), when (now), how (method)."""
    from .models import ConfirmationMethod

    if method not in ConfirmationMethod.values:
        raise StatementError(_("Say how the supplier confirmed the statement."))
    with transaction.atomic():
        perform(statement, "confirm", actor=actor, comment=note, at=timezone.now(), how=method, note=note,
                update_fields=["confirmed_by", "confirmed_at", "confirmation_method", "confirmation_note"])
    return statement


def record_payment(statement, *, amount, paid_on, method, reference="", actor) -> StatementPayment:
    """A payment on an approved statement: `amount` > 0, never more than what remains of the absolute
    total. Its direction follows the sign of the total (a negative statement is settled by a payment
    from the supplier). The statement row is locked, so two payments at once cannot overpay."""
    if not isinstance(amount, Decimal):
        raise StatementError(_("Amounts are Decimal, never float (got %(a)r).") % {"a": amount})
    if amount <= 0 or amount != amount.quantize(CENT):
        raise StatementError(_("A payment is a positive amount with at most 2 decimal places."))
    if method not in PaymentMethod.values:
        raise StatementError(_("Choose how it was paid."))
    if paid_on is None:
        raise StatementError(_("Give the payment date."))
    if paid_on > timezone.localdate():  # a date reported from outside: not in the future (DESIGN.md)
        raise StatementError(_("The payment date cannot be in the future."))
    with transaction.atomic():
        locked = Statement.objects.select_for_update().select_related("supplier").get(pk=statement.pk)
        if locked.state in PAYABLE_STATES and amount > locked.remaining:
            raise StatementError(_("%(amount)s is more than the %(remaining)s that remains to be paid on "
                                   "%(statement)s.") % {"amount": amount, "remaining": locked.remaining,
                                                        "statement": locked})
        direction = locked.direction
        perform(locked, "pay", actor=actor, paid=locked.paid + amount, update_fields=["paid"],
                comment=_("%(amount)s %(direction)s, %(method)s %(reference)s") % {
                    "amount": amount, "direction": str(PaymentDirection(direction).label).lower(),
                    "method": PaymentMethod(method).label, "reference": reference})
        payment = StatementPayment.objects.create(
            statement=locked, amount=amount, direction=direction, paid_on=paid_on, method=method,
            reference=reference[:100], recorded_by=actor)
    statement.__dict__.update(paid=locked.paid, state=locked.state)
    return payment


__all__ = ["EntriesTaken", "EntryFilters", "MAX_STATEMENT_ENTRIES", "StatementChanged", "StatementError", "add_entries",
           "approve_statement", "build_statement", "record_payment", "record_supplier_confirmation",
           "reject_statement", "remove_entries", "submit_statement", "void_statement"]


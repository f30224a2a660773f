"""A supplier's answer to an approved statement, and finance's answers to a dispute (DESIGN.md,
"Reconciliation statement"): the supplier confirms it (approved → supplier_confirmed) or disputes lines
(approved → disputed, each line with a reason); finance answers each line by posting an adjustment entry
through the supplier account's one write path (reconciliation.services.post_supplier_entries: the entry
is on no statement, so it lands on the next one) or by explaining why the entry stands; once every line
is answered the supplier confirms (disputed → supplier_confirmed). Every exchange is kept on the
statement's thread (StatementMessage).

Each service locks the statement row first (so an answer and a confirmation, or two answers, never
cross), runs its transition through core.transitions.perform (logged) or writes an audit row
(core.audit), and stores the notifications in the same transaction."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from core.audit import record_event
from core.transitions import perform

from . import messages
from .models import (
    AnswerKind,
    DisputedLine,
    EntryKind,
    Statement,
    StatementMessage,
    StatementState,
    SupplierAccountEntry,
)
from .services import EntryDraft, post_supplier_entries
from .statements import StatementError, _require

MAX_REASON = 500
MAX_MESSAGE = 4000


def supplier_link(statement):
    """The statement's page in the supplier portal (a URL name: reconciliation imports nothing of portal)."""
    return reverse("portal:statement_detail", args=[statement.pk])


def portal_user_ids(statement):
    """The statement's supplier's active portal logins."""
    return list(statement.supplier.portal_users.filter(is_active=True).order_by("pk").values_list("pk", flat=True))


def _check_supplier_login(statement, actor):
    """Only a portal login of the statement's own supplier answers for the supplier."""
    if actor is None or not getattr(actor, "is_supplier_user", False) or actor.pk not in portal_user_ids(statement):
        raise PermissionDenied(_("Only the supplier's own users can answer %(statement)s.") % {"statement": statement})


def _locked(statement):
    return Statement.objects.select_for_update().select_related("supplier").get(pk=statement.pk)


def _sync(statement, locked):
    """The caller's instance shows what was written (state is a protected field: set through __dict__)."""
    statement.__dict__.update({f: locked.__dict__[f] for f in (
        "state", "confirmed_by_id", "confirmed_at", "confirmation_method")})


def notify_awaiting_confirmation(statement):
    """On approval: the supplier's portal users are asked to confirm or dispute (reconciliation.statements)."""
    from notifications.services import notify

    notify(recipients=portal_user_ids(statement), message=messages.STATEMENT_AWAITING_CONFIRMATION,
           params={"statement": str(statement), "total": str(statement.total)},
           link=supplier_link(statement), event="statement_awaiting_confirmation")


def confirm_statement(statement, *, actor, comment="") -> Statement:
    """The supplier confirms: approved → supplier_confirmed, or disputed → supplier_confirmed once every
    disputed line is answered. The statement's builder is told."""
    from notifications.services import notify

    _check_supplier_login(statement, actor)
    with transaction.atomic():
        locked = _locked(statement)
        if locked.state == StatementState.DISPUTED and not locked.has_no_open_disputes():
            raise StatementError(_("Some disputed lines of %(statement)s are not answered yet: confirm once "
                                   "finance has answered every line.") % {"statement": locked})
        perform(locked, "supplier_confirm", actor=actor, comment=comment, at=timezone.now(),
                update_fields=["confirmed_by", "confirmed_at", "confirmation_method"])
        notify(recipients=[locked.created_by_id], message=messages.STATEMENT_CONFIRMED,
               params={"supplier": str(locked.supplier), "statement": str(locked)},
               link=locked.get_absolute_url(), event="statement_confirmed")
    _sync(statement, locked)
    return statement


def _dispute_lines(statement, lines):
    """[(entry id, reason)] checked: at least one, each a distinct entry of this statement with a reason.
    Raises StatementError naming the first problem (nothing is written)."""
    if not lines:
        raise StatementError(_("Tick at least one line to dispute."))
    checked, seen = [], set()
    for entry, reason in lines:
        entry_id = getattr(entry, "pk", entry)
        try:
            entry_id = int(entry_id)
        except (TypeError, ValueError):
            raise StatementError(_("%(entry)r is not an entry number.") % {"entry": entry_id}) from None
        reason = (reason or "").strip()
        if not reason:
            raise StatementError(_("Give a reason for disputing entry #%(entry)s.") % {"entry": entry_id})
        if len(reason) > MAX_REASON:
            raise StatementError(_("The reason for entry #%(entry)s is longer than %(max)s characters.")
                                 % {"entry": entry_id, "max": MAX_REASON})
        if entry_id in seen:
            raise StatementError(_("Entry #%(entry)s is disputed twice.") % {"entry": entry_id})
        seen.add(entry_id)
        checked.append((entry_id, reason))
    on_statement = set(SupplierAccountEntry.objects.filter(statement=statement, pk__in=seen)
                       .values_list("pk", flat=True))
    missing = sorted(seen - on_statement)
    if missing:
        raise StatementError(_("Entries %(entries)s are not on statement %(statement)s.")
                             % {"entries": ", ".join(f"#{e}" for e in missing), "statement": statement})
    return checked


def dispute_statement(statement, *, actor, lines, message="") -> Statement:
    """The supplier disputes lines of an approved statement: approved → disputed, one DisputedLine per
    (entry, reason) in `lines` (entries or entry ids of this statement; every reason required), and
    `message`, if any, opens the thread. Finance is told."""
    from notifications.services import notify_role

    _check_supplier_login(statement, actor)
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise StatementError(_("The message is longer than %(max)s characters.") % {"max": MAX_MESSAGE})
    with transaction.atomic():
        locked = _locked(statement)
        checked = _dispute_lines(locked, lines)
        perform(locked, "dispute", actor=actor, comment=_("%(count)s lines disputed") % {"count": len(checked)})
        DisputedLine.objects.bulk_create([
            DisputedLine(statement=locked, entry_id=entry_id, reason=reason, raised_by=actor)
            for entry_id, reason in checked])
        if message:
            StatementMessage.objects.create(statement=locked, author=actor, body=message)
        notify_role(Role.FINANCE, message=messages.STATEMENT_DISPUTED,
                    params={"supplier": str(locked.supplier), "count": len(checked), "statement": str(locked),
                            "message": message},
                    link=locked.get_absolute_url(), event="statement_disputed")
    _sync(statement, locked)
    return statement


def answer_dispute_line(line, *, actor, explanation=None, adjustment_amount=None, reason="") -> DisputedLine:
    """Finance answers one disputed line: with an `explanation` of why the entry stands, or with an
    adjustment entry of `adjustment_amount` (signed: + the seller owes the supplier more, − less) and its
    `reason`, correcting the disputed entry. The adjustment is posted through post_supplier_entries,
    dated today and on no statement: it lands on the supplier's next statement. The supplier's users are
    told (and, once every line is answered, asked to confirm)."""
    from notifications.services import notify

    _require(actor, "reconciliation.answer_dispute")
    if (explanation is None) == (adjustment_amount is None):
        raise StatementError(_("Answer the line with either an adjustment or an explanation."))
    if explanation is not None:
        text, kind = explanation.strip(), AnswerKind.EXPLANATION
        if not text:
            raise StatementError(_("Explain why the entry stands."))
    else:
        text, kind = (reason or "").strip(), AnswerKind.ADJUSTMENT
        if not text:
            raise StatementError(_("Say why the entry is adjusted."))
        if not isinstance(adjustment_amount, Decimal):
            raise StatementError(_("Amounts are Decimal, never float (got %(a)r).") % {"a": adjustment_amount})
    if len(text) > MAX_REASON:
        raise StatementError(_("The answer is longer than %(max)s characters.") % {"max": MAX_REASON})
    with transaction.atomic():
        statement = _locked(line.statement)
        line = DisputedLine.objects.select_for_update().select_related("entry").get(pk=line.pk)
        if statement.state != StatementState.DISPUTED:
            raise StatementError(_("%(statement)s is no longer disputed.") % {"statement": statement})
        if line.is_answered:
            raise StatementError(_("Entry #%(entry)s was answered meanwhile.") % {"entry": line.entry_id})
        if kind == AnswerKind.ADJUSTMENT:
            [line.adjustment] = post_supplier_entries(actor=actor, entries=[EntryDraft(
                supplier_id=statement.supplier_id, kind=EntryKind.ADJUSTMENT, amount=adjustment_amount,
                source=line, corrects=line.entry, reason=text,
                description=f"{statement.number} · #{line.entry_id}")])
        line.answer_kind, line.answer_text = kind, text
        line.answered_by, line.answered_at = actor, timezone.now()
        line.save(update_fields=["answer_kind", "answer_text", "adjustment", "answered_by", "answered_at"])
        record_event(statement, event="answer_dispute", actor=actor,
                     comment=f"#{line.entry_id}: {AnswerKind(kind).label}"
                     + (f" {adjustment_amount}" if kind == AnswerKind.ADJUSTMENT else "") + f" · {text}")
        open_lines = statement.disputed_lines.filter(answered_at__isnull=True).count()
        notify(recipients=portal_user_ids(statement),
               message=messages.DISPUTE_ANSWERED if open_lines else messages.DISPUTE_ALL_ANSWERED,
               params={"entry": line.entry_id, "statement": str(statement), "answer": text},
               link=supplier_link(statement), event="statement_dispute_answered")
    return line


def post_statement_message(statement, *, actor, body) -> StatementMessage:
    """One message on the thread of an approved statement, by the supplier's user or by finance; the
    other side is told."""
    from notifications.services import notify, notify_role

    body = (body or "").strip()
    if not body:
        raise StatementError(_("Write a message."))
    if len(body) > MAX_MESSAGE:
        raise StatementError(_("The message is longer than %(max)s characters.") % {"max": MAX_MESSAGE})
    from_supplier = getattr(actor, "is_supplier_user", False)
    if from_supplier:
        _check_supplier_login(statement, actor)
    else:
        _require(actor, "reconciliation.answer_dispute")
    with transaction.atomic():
        locked = _locked(statement)
        if not locked.is_approved:
            raise StatementError(_("The thread opens once %(statement)s is approved.") % {"statement": locked})
        message = StatementMessage.objects.create(statement=locked, author=actor, body=body)
        record_event(locked, event="message", actor=actor, comment=body)
        params = {"statement": str(locked), "message": body}
        if from_supplier:
            notify_role(Role.FINANCE, message=messages.STATEMENT_MESSAGE, params=params,
                        link=locked.get_absolute_url(), event="statement_message")
        else:
            notify(recipients=portal_user_ids(locked), message=messages.STATEMENT_MESSAGE, params=params,
                   link=supplier_link(locked), event="statement_message")
    return message


__all__ = ["answer_dispute_line", "confirm_statement", "dispute_statement", "notify_awaiting_confirmation",
           "post_statement_message"]

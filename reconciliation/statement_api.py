"""Reconciliation statements over the API: /api/v1/statements — a supplier's open entries, build a
statement from entry ids or from filters, add/remove entries, transitions, payments. The same services
and permissions as the pages (a transition needs its permission; approve/reject never by the builder)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from catalog.models import Supplier
from core.api import ErrorOut, Input, PageIn, PageOut, invalid, page_of, paginate, require_permissions
from core.api_types import money_of
from core.idempotency import idempotent

from . import selectors, statements
from .models import EntryKind, Statement, StatementState
from .statements import EntriesTaken, EntryFilters, StatementError

router = Router(tags=["reconciliation statements"])
VIEW = "reconciliation.view_statement"


class StatementErrorOut(ErrorOut):
    """A refused statement change: core's error body, and for 409 the entries already on another statement
    (`taken`: entry id and statement number)."""

    taken: list[dict] | None = None


class OpenEntryOut(Schema):
    """An entry on no statement yet."""

    id: int
    kind: str
    amount: Decimal
    description: str
    entry_date: date
    updated_at: datetime = Field(..., description="Last change: posted or taken off a statement (compare with "
                                                  "updated_since)")


class Subtotal(Schema):
    """Count and amount of the matching open entries of one kind."""

    kind: str
    count: int
    amount: Decimal


class OpenEntriesPage(PageOut):
    """One page of open entries; `count`, `total` and `subtotals` cover every matching entry."""

    total: Decimal
    subtotals: list[Subtotal]
    items: list[OpenEntryOut]


class OpenEntriesQuery(Schema):
    """Which open entries: a supplier and period, narrowed by kinds, dates and description words."""

    supplier: int
    period_from: date
    period_to: date
    kinds: list[EntryKind] = Field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""


class FiltersIn(Input):
    """Every open entry of the statement's supplier and period matching these."""

    kinds: list[EntryKind] = Field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""


class StatementIn(Input):
    """A new draft statement: from `entry_ids`, or from `filters`."""

    supplier: int
    period_from: date
    period_to: date
    kinds: list[EntryKind] = Field(default_factory=list)
    entry_ids: list[int] | None = None
    filters: FiltersIn | None = None
    expected_count: int | None = None
    note: str = ""


class EntriesIn(Input):
    """Entries to add to or remove from a draft statement: by id, or by filters."""

    entry_ids: list[int] | None = None
    filters: FiltersIn | None = None


class StatementTransitionIn(Input):
    """The comment, reason (reject, void) or confirmation method and note of a statement transition."""

    comment: str = ""
    reason: str = ""
    method: str = ""
    note: str = ""


class PaymentIn(Input):
    """A payment against an approved statement."""

    amount: money_of(14) = Field(..., gt=0)
    paid_on: date
    method: str
    reference: str = ""


class PaymentOut(Schema):
    """A recorded payment of a statement."""

    id: int
    amount: Decimal
    direction: str
    paid_on: date
    method: str
    reference: str
    recorded_by: int = Field(..., alias="recorded_by_id")
    created_at: datetime


class StatementOut(Schema):
    """A reconciliation statement 对账单 with its totals."""

    id: int
    number: str
    supplier: int = Field(..., alias="supplier_id")
    period_from: date
    period_to: date
    kinds: list[str]
    state: str
    entry_count: int
    total: Decimal
    paid: Decimal
    remaining: Decimal
    direction: str
    created_by: int | None = Field(None, alias="created_by_id")
    approved_by: int | None = Field(None, alias="approved_by_id")
    approved_at: datetime | None
    rejection_reason: str
    confirmation_method: str
    confirmed_at: datetime | None
    updated_at: datetime = Field(..., description="Last change (compare with updated_since)")


def _filters(f):
    return None if f is None else EntryFilters(kinds=list(f.kinds), date_from=f.date_from, date_to=f.date_to, q=f.q)


def _refused(exc):
    if isinstance(exc, EntriesTaken):
        return Status(409, {"detail": str(exc), "taken": [{"entry": e, "statement": s} for e, s in exc.taken]})
    return Status(400, {"detail": str(exc)})


@router.get("/open-entries", response=OpenEntriesPage)
def open_entries(request, query: Query[OpenEntriesQuery], page: Query[PageIn]):
    """A supplier's entries on no statement in the period (optionally of some kinds, narrowed by date
    and description words): count, total and subtotals of every matching entry, then one page."""
    require_permissions(request, "reconciliation.view_supplieraccountentry")
    supplier = get_object_or_404(Supplier, pk=query.supplier)
    qs = selectors.filter_entries(
        selectors.open_entries(supplier=supplier, period_from=query.period_from, period_to=query.period_to,
                               kinds=list(query.kinds)),
        date_from=query.date_from, date_to=query.date_to, q=query.q)
    if page.updated_since is not None:  # the totals cover the same rows as the pages
        qs = qs.filter(updated_at__gte=page.updated_since)  # posted, or taken off a statement, since then
    totals = selectors.entry_totals(qs)
    return {**paginate(request, qs.order_by("entry_date", "id"), page), "count": totals["count"],
            "total": totals["amount"], "subtotals": selectors.subtotals_by_kind(qs)}


class StatementFilters(Schema):
    """Filters of the statement list."""

    supplier: int | None = None
    state: StatementState | None = None


@router.get("", response=page_of(StatementOut))
def list_statements(request, filters: Query[StatementFilters], page: Query[PageIn]):
    """Statements, newest first."""
    require_permissions(request, VIEW)
    qs = selectors.statement_list().order_by("-id")
    if filters.supplier is not None:
        qs = qs.filter(supplier_id=filters.supplier)
    if filters.state:
        qs = qs.filter(state=filters.state)
    return paginate(request, qs, page)


@router.post("", response={201: StatementOut, 400: StatementErrorOut, 409: StatementErrorOut})
@idempotent
def create_statement(request, payload: StatementIn):
    """Build a draft statement from `entry_ids`, or from `filters` (every open entry matching them;
    `expected_count` refuses if the number changed). 409 lists entries already on another statement."""
    require_permissions(request, VIEW, "reconciliation.build_statement")
    supplier = Supplier.objects.filter(pk=payload.supplier).first()
    if supplier is None:
        return invalid({"supplier": [_("No supplier has id %(id)s.") % {"id": payload.supplier}]})
    try:
        statement = statements.build_statement(
            supplier=supplier, period_from=payload.period_from, period_to=payload.period_to,
            kinds=[str(k.value) for k in payload.kinds], entry_ids=payload.entry_ids, filters=_filters(payload.filters),
            expected_count=payload.expected_count, note=payload.note, actor=request.user)
    except StatementError as exc:
        return _refused(exc)
    return Status(201, Statement.objects.get(pk=statement.pk))


@router.get("/{statement_id}", response=StatementOut)
def get_statement(request, statement_id: int):
    """One statement with its totals, paid and remaining."""
    require_permissions(request, VIEW)
    return get_object_or_404(Statement, pk=statement_id)


@router.post("/{statement_id}/entries", response={200: StatementOut, 400: StatementErrorOut, 409: StatementErrorOut})
@idempotent
def add_entries(request, statement_id: int, payload: EntriesIn):
    """Add open entries to a draft statement (by id or by filters); 409 lists entries already on another
    statement."""
    require_permissions(request, VIEW)
    statement = get_object_or_404(Statement, pk=statement_id)
    try:
        statements.add_entries(statement, entry_ids=payload.entry_ids, filters=_filters(payload.filters),
                             actor=request.user)
    except StatementError as exc:
        return _refused(exc)
    return Status(200, Statement.objects.get(pk=statement_id))


@router.post("/{statement_id}/entries/remove", response={200: StatementOut, 400: StatementErrorOut})
@idempotent
def remove_entries(request, statement_id: int, payload: EntriesIn):
    """Take entries off a draft statement (they become open again)."""
    require_permissions(request, VIEW)
    statement = get_object_or_404(Statement, pk=statement_id)
    try:
        statements.remove_entries(statement, entry_ids=payload.entry_ids or [], actor=request.user)
    except StatementError as exc:
        return _refused(exc)
    return Status(200, Statement.objects.get(pk=statement_id))


@router.post("/{statement_id}/transitions/{name}", response={200: StatementOut, 400: StatementErrorOut})
@idempotent
def run_transition(request, statement_id: int, name: Literal["submit", "approve", "reject", "void", "confirm"],
                   payload: StatementTransitionIn):
    """submit · approve · reject (`reason`) · void (`reason`) · confirm (`method`, `note`). 409 when the
    state does not allow it now (or someone else changed it first); 403 without the permission or
    when approving/rejecting a statement you built."""
    require_permissions(request, VIEW)
    statement = get_object_or_404(Statement, pk=statement_id)
    user = request.user
    try:
        if name == "submit":
            statements.submit_statement(statement, actor=user, comment=payload.comment)
        elif name == "approve":
            statements.approve_statement(statement, actor=user, comment=payload.comment)
        elif name == "reject":
            statements.reject_statement(statement, reason=payload.reason or payload.comment, actor=user)
        elif name == "void":
            statements.void_statement(statement, reason=payload.reason or payload.comment, actor=user)
        else:
            statements.record_supplier_confirmation(statement, method=payload.method, note=payload.note,
                                                  actor=user)
    except StatementError as exc:
        return _refused(exc)
    return Status(200, Statement.objects.get(pk=statement_id))


@router.get("/{statement_id}/payments", response=page_of(PaymentOut))
def list_payments(request, statement_id: int, page: Query[PageIn]):
    """The payments recorded against a statement, oldest first."""
    require_permissions(request, VIEW)
    statement = get_object_or_404(Statement, pk=statement_id)
    return paginate(request, statement.payments.order_by("id"), page, changed="created_at")


@router.post("/{statement_id}/payments", response={201: PaymentOut, 400: StatementErrorOut})
@idempotent
def record_payment(request, statement_id: int, payload: PaymentIn):
    """Record a payment (amount > 0; its direction follows the sign of the total). 400 when it would
    exceed what remains; 409 when the statement is not approved."""
    require_permissions(request, VIEW)
    statement = get_object_or_404(Statement, pk=statement_id)
    try:
        payment = statements.record_payment(statement, amount=payload.amount, paid_on=payload.paid_on,
                                          method=payload.method, reference=payload.reference, actor=request.user)
    except StatementError as exc:
        return _refused(exc)
    return Status(201, payment)

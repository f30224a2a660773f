"""Finance's side of a disputed statement over the API, on the statements router (/api/v1/statements/…):
the disputed lines with the supplier's reasons and their answers, and the answer to one line — an adjustment
entry (amount and reason; it corrects the disputed entry and lands on the next statement) or an explanation.
The same service as the statement page (reconciliation.disputes.answer_dispute_line)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Schema
from ninja.responses import Status

from core.api import ErrorOut, Input, PageIn, invalid, page_of, paginate, require_permissions
from core.api_types import money_of
from core.idempotency import idempotent

from . import disputes
from .models import DisputedLine, Statement
from .services import SupplierEntryError
from .statement_api import VIEW, router


class DisputedLineOut(Schema):
    """A line the supplier disputed: its reason, and finance's answer once given."""

    id: int
    entry: int = Field(..., alias="entry_id")
    reason: str
    raised_by: int = Field(..., alias="raised_by_id")
    raised_at: datetime
    answer_kind: str = Field(..., description="'' until answered; adjustment or explanation")
    answer_text: str
    adjustment_entry: int | None = Field(None, alias="adjustment_id",
                                         description="The adjustment entry posted as the answer")
    answered_by: int | None = Field(None, alias="answered_by_id")
    answered_at: datetime | None


class DisputeAnswerIn(Input):
    """Either `explanation`, or `adjustment_amount` (signed: + the seller owes the supplier more, − less)
    with its `reason`."""

    explanation: str | None = Field(None, max_length=500)
    adjustment_amount: money_of(14) | None = None
    reason: str = Field("", max_length=255)


@router.get("/{statement_id}/disputed-lines", response={200: page_of(DisputedLineOut), 404: ErrorOut})
def list_disputed_lines(request, statement_id: int, page: Query[PageIn]):
    """The lines the supplier disputed on this statement, in entry order, with their answers."""
    require_permissions(request, VIEW)
    statement = get_object_or_404(Statement, pk=statement_id)
    return paginate(request, statement.disputed_lines.order_by("entry_id"), page, changed="raised_at")


@router.post("/{statement_id}/disputed-lines/{line_id}/answer",
             response={200: DisputedLineOut, 400: ErrorOut, 404: ErrorOut})
@idempotent
def answer_disputed_line(request, statement_id: int, line_id: int, payload: DisputeAnswerIn):
    """Answer one disputed line by an explanation, or by an adjustment entry correcting the disputed entry
    (posted on no statement: it lands on the supplier's next one). 400 (nothing written) without a reason
    or explanation, for a zero amount, or when the line is already answered; 403 without
    reconciliation.answer_dispute."""
    require_permissions(request, VIEW)
    line = get_object_or_404(DisputedLine, pk=line_id, statement_id=statement_id)
    try:
        disputes.answer_dispute_line(line, actor=request.user, explanation=payload.explanation,
                                     adjustment_amount=payload.adjustment_amount, reason=payload.reason)
    except SupplierEntryError as exc:
        return invalid({"__all__": [str(exc)]})
    return Status(200, DisputedLine.objects.get(pk=line.pk))

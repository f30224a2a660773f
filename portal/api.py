"""The supplier portal's API, /api/v1/portal/ (issue 14, item 5): a supplier login's token lists its approved
drop-ships to dispatch and dispatches them with carrier + tracking no. (the same shipments service as the
pages, so the same supplier account entries are posted), lists its statements, confirms or disputes one line
by line, and reads its balance.

Only supplier logins' tokens open these endpoints (accounts.tokens.SupplierTokenAuth), and a supplier
token opens nothing else. Every query starts from the token user's supplier (portal.selectors.supplier_of,
portal.statement_selectors): another supplier's id answers 404. Creating calls take `Idempotency-Key`
(core.idempotency): a retried dispatch or dispute answers the first response and does nothing twice."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from accounts.tokens import SupplierTokenAuth
from catalog.models import Carrier
from core.api import ErrorOut, Input, PageIn, error_messages, invalid, page_of, paginate
from core.idempotency import idempotent
from core.parsing import parse_id
from reconciliation import disputes
from reconciliation.statements import StatementError
from shipments.models import ShipmentLine

from . import selectors, services
from . import statement_selectors as statements

router = Router(auth=SupplierTokenAuth(), tags=["supplier portal"])

MAX_DISPUTE_LINES = 500


# ---- drop-ships ---------------------------------------------------------------------------------------

class PortalDropShipLineOut(Schema):
    """A product line of a drop-ship: what to send (never the seller's prices)."""

    sku: str
    name: str
    quantity: int
    supplier_unit_price: Decimal | None = Field(None, description="The supplier's own agreed unit price")


class PortalDropShipOut(Schema):
    """One of the supplier's approved drop-ships 厂家发货: recipient, lines, and its dispatch once made."""

    id: int
    number: str
    state: str
    order_no: str
    store: str
    recipient_name: str
    recipient_phone: str
    recipient_address: str
    approved_at: datetime | None
    carrier: str | None = Field(None, description="Carrier code, once dispatched")
    tracking_number: str
    dispatched_at: datetime | None
    lines: list[PortalDropShipLineOut]
    updated_at: datetime


def _drop_ship_out(shipment):
    order = shipment.order
    return {
        "id": shipment.pk, "number": shipment.number, "state": shipment.state,
        "order_no": order.external_order_no, "store": str(order.store),
        "recipient_name": order.recipient_name, "recipient_phone": order.recipient_phone,
        "recipient_address": order.recipient_address, "approved_at": shipment.approved_at,
        "carrier": shipment.carrier.code if shipment.carrier_id else None,
        "tracking_number": shipment.tracking_number or "", "dispatched_at": shipment.dispatched_at,
        "lines": [{"sku": line.order_line.product.sku, "name": line.order_line.product.name,
                   "quantity": line.quantity, "supplier_unit_price": line.supplier_unit_price}
                  for line in shipment.lines.all()],
        "updated_at": shipment.updated_at,
    }


def _with_lines(queryset):
    lines = ShipmentLine.objects.select_related("order_line__product").order_by("id")
    return queryset.prefetch_related(Prefetch("lines", queryset=lines))


class PortalDispatchIn(Input):
    """Carrier (code or id) and tracking no. of the dispatch."""

    carrier: str = Field(..., max_length=40, description="Carrier code (or id)")
    tracking_number: str = Field(..., max_length=64)


@router.get("/drop-ships", response=page_of(PortalDropShipOut, "PortalDropShipPage"))
def list_drop_ships(request, page: Query[PageIn], to_dispatch: bool = True):
    """The supplier's approved drop-ships, oldest approval first: by default those still to dispatch;
    `to_dispatch=false` lists every approved one (newest first)."""
    supplier = selectors.supplier_of(request.user)
    qs = selectors.drop_ships_to_dispatch(supplier) if to_dispatch else selectors.drop_ships(supplier)
    result = paginate(request, _with_lines(qs), page)
    result["items"] = [_drop_ship_out(s) for s in result["items"]]
    return result


@router.get("/drop-ships/{shipment_id}", response={200: PortalDropShipOut, 404: ErrorOut})
def get_drop_ship(request, shipment_id: int):
    """One of the supplier's drop-ships (404 for any other shipment)."""
    return _drop_ship_out(selectors.drop_ship(selectors.supplier_of(request.user), shipment_id))


@router.post("/drop-ships/{shipment_id}/dispatch",
             response={200: PortalDropShipOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut})
@idempotent
def dispatch_drop_ship(request, shipment_id: int, payload: PortalDispatchIn):
    """Dispatch one approved drop-ship with carrier + tracking no. (the supplier account entries are posted
    as when the seller dispatches it). 400 for an unknown carrier or a bad tracking no., 409 when it is not
    waiting for dispatch. Send an Idempotency-Key: a retry answers the first response."""
    supplier = selectors.supplier_of(request.user)
    selectors.drop_ship(supplier, shipment_id)  # 404 before anything else
    code = payload.carrier.strip()
    carrier = Carrier.objects.filter(code=code, is_active=True).first() or (
        Carrier.objects.filter(pk=parse_id(code), is_active=True).first() if parse_id(code) else None)
    if carrier is None:
        return invalid({"carrier": [_("No active carrier has the code %(code)s.") % {"code": code}]})
    try:
        services.dispatch_drop_ships(supplier, [(shipment_id, carrier, payload.tracking_number)], actor=request.user)
    except ValidationError as exc:
        return invalid(error_messages(exc))
    return Status(200, _drop_ship_out(selectors.drop_ship(supplier, shipment_id)))


# ---- statements ---------------------------------------------------------------------------------------

class PortalStatementOut(Schema):
    """One of the supplier's statements 对账单 (approved or later). `total` > 0: the seller owes the supplier."""

    id: int
    number: str
    state: str = Field(..., description="approved (to confirm or dispute), disputed, supplier_confirmed, "
                                        "partially_paid, paid")
    period_from: date
    period_to: date
    entry_count: int
    total: Decimal
    paid: Decimal
    remaining: Decimal
    approved_at: datetime | None
    confirmed_at: datetime | None
    updated_at: datetime


class PortalStatementLineOut(Schema):
    """A line (supplier account entry) of a statement."""

    id: int
    entry_date: date
    kind: str
    description: str
    amount: Decimal


class PortalDisputedLineOut(Schema):
    """A line the supplier disputed, and finance's answer once given."""

    entry: int = Field(..., alias="entry_id")
    reason: str
    answer_kind: str = Field(..., description="'' until answered; adjustment or explanation")
    answer_text: str
    adjustment_entry: int | None = Field(None, alias="adjustment_id",
                                         description="The adjustment entry (on the supplier's next statement)")
    answered_at: datetime | None


class PortalMessageOut(Schema):
    """A message of the statement's thread."""

    author: str
    body: str
    created_at: datetime


class PortalStatementDetailOut(PortalStatementOut):
    """A statement with its disputed lines and its thread (its lines: /statements/{id}/lines)."""

    disputed_lines: list[PortalDisputedLineOut]
    messages: list[PortalMessageOut]


class PortalDisputeLineIn(Input):
    """One disputed line: the entry and why it is wrong."""

    entry: int = Field(..., description="Id of a line (entry) of this statement")
    reason: str = Field(..., max_length=500, description="Why the line is wrong (required)")


class PortalDisputeIn(Input):
    """The lines disputed, each with its reason, and an optional message to finance."""

    lines: list[PortalDisputeLineIn] = Field(..., min_length=1, max_length=MAX_DISPUTE_LINES)
    message: str = Field("", max_length=4000)


class PortalBalanceOut(Schema):
    """The supplier account in figures: + the seller owes the supplier, − the reverse."""

    total: Decimal
    reconciled: Decimal
    remaining: Decimal = Field(..., description="Entries not yet on an approved statement")
    paid: Decimal = Field(..., description="Payments on the statements (+ to the supplier, − from it)")


def _statement_detail(supplier, statement):
    detail = PortalStatementOut.model_validate(statement).model_dump()
    detail["disputed_lines"] = list(statements.disputed_lines(supplier, statement))
    detail["messages"] = [{"author": m.author.get_full_name() or m.author.get_username(), "body": m.body,
                           "created_at": m.created_at} for m in statements.thread(supplier, statement)]
    return detail


def _refused(exc):
    return invalid({"__all__": [str(exc)]})


@router.get("/statements", response=page_of(PortalStatementOut, "PortalStatementPage"))
def list_statements(request, page: Query[PageIn]):
    """The supplier's statements, newest first (drafts are the seller's: listed once approved)."""
    return paginate(request, statements.statements(selectors.supplier_of(request.user)), page)


@router.get("/statements/{statement_id}", response={200: PortalStatementDetailOut, 404: ErrorOut})
def get_statement(request, statement_id: int):
    """One of the supplier's statements with its disputed lines (and finance's answers) and its thread."""
    supplier = selectors.supplier_of(request.user)
    return _statement_detail(supplier, statements.statement(supplier, statement_id))


@router.get("/statements/{statement_id}/lines",
            response={200: page_of(PortalStatementLineOut, "PortalStatementLinePage"), 404: ErrorOut})
def list_statement_lines(request, statement_id: int, page: Query[PageIn]):
    """The lines of one of the supplier's statements, in date order."""
    supplier = selectors.supplier_of(request.user)
    statement = statements.statement(supplier, statement_id)
    return paginate(request, statements.statement_entries(supplier, statement), page)


@router.post("/statements/{statement_id}/confirm",
             response={200: PortalStatementDetailOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut})
@idempotent
def confirm_statement(request, statement_id: int):
    """Confirm the statement: an approved one, or a disputed one once finance has answered every line
    (400 before then; 409 in any other state)."""
    supplier = selectors.supplier_of(request.user)
    statement = statements.statement(supplier, statement_id)
    try:
        disputes.confirm_statement(statement, actor=request.user)
    except StatementError as exc:
        return _refused(exc)
    return Status(200, _statement_detail(supplier, statements.statement(supplier, statement_id)))


@router.post("/statements/{statement_id}/dispute",
             response={200: PortalStatementDetailOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut})
@idempotent
def dispute_statement(request, statement_id: int, payload: PortalDisputeIn):
    """Dispute lines of an approved statement, each with its reason: 400 (nothing written) for a line not
    on this statement, a missing reason or a line sent twice; 409 unless the statement awaits the
    supplier's answer."""
    supplier = selectors.supplier_of(request.user)
    statement = statements.statement(supplier, statement_id)
    try:
        disputes.dispute_statement(statement, actor=request.user, message=payload.message,
                                   lines=[(line.entry, line.reason) for line in payload.lines])
    except StatementError as exc:
        return invalid({"lines": [str(exc)]})
    return Status(200, _statement_detail(supplier, statements.statement(supplier, statement_id)))


@router.get("/balance", response=PortalBalanceOut)
def balance(request):
    """Reconciled, remaining and paid."""
    return statements.balance(selectors.supplier_of(request.user))

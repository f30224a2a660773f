"""After-sales tickets over the API (/api/v1/aftersales/): create a ticket, read tickets, add a note,
run a transition. The same services, permissions (the transition's own permission, maker-checker)
and validation as the pages: 400 with field errors, 403, 404, 409 (wrong state, someone else first)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from catalog.models import Carrier, Supplier, Warehouse
from core.api import (
    Conflict,
    ErrorOut,
    Input,
    PageIn,
    error_messages,
    invalid,
    page_of,
    paginate,
    require_permissions,
)
from core.api_types import Money, Quantity
from core.idempotency import idempotent
from orders.models import Order, OrderLine
from shipments.entry import OutboundShipmentExists

from . import notes, outbound, selectors, services
from .models import USER_TRANSITIONS, Ticket, TicketState, TicketType
from .ticket_data import TicketData

router = Router(tags=["aftersales"])


TransitionName = Literal[USER_TRANSITIONS]


class TicketLineIn(Input):
    """One line of a ticket: an order line and a quantity."""

    order_line: int = Field(..., description="Order line id")
    quantity: Quantity


class TicketIn(Input):
    """A new after-sales ticket 售后单, as the registration form takes it."""

    type: TicketType
    order: int = Field(..., description="Order id")
    handler: int | None = Field(None, description="User id of the handler (default: the caller)")
    reason: str
    lines: list[TicketLineIn] = []
    supplier: int | None = None
    description: str = ""
    return_carrier: int | None = None
    return_tracking_no: str = ""
    return_destination: str = ""
    return_warehouse: int | None = None
    charge_back: bool = False
    charge_back_amount: Money | None = None
    compensate: bool = False
    manufacturer_amount: Money = Decimal("0")
    seller_amount: Money = Decimal("0")


class TicketLineOut(Schema):
    """One line of a ticket."""

    order_line: int = Field(..., alias="order_line_id")
    sku: str = Field(..., alias="order_line.product.sku")
    quantity: int


class TicketOut(Schema):
    """An after-sales ticket with its lines, amounts and check status."""

    id: int
    number: str
    type: str
    state: str
    receipt_status: str
    order: int = Field(..., alias="order_id")
    store: int = Field(..., alias="store_id")
    supplier: int | None = Field(None, alias="supplier_id")
    handler: int = Field(..., alias="handler_id")
    registered_by: int = Field(..., alias="registered_by_id")
    reason: str
    description: str
    return_destination: str
    return_warehouse: int | None = Field(None, alias="return_warehouse_id")
    charge_back: bool
    charge_back_amount: Decimal
    compensate: bool
    manufacturer_amount: Decimal
    seller_amount: Decimal
    total_amount: Decimal
    refund_amount: Decimal | None
    refund_date: date | None
    refund_reference: str
    outbound_shipment: int | None = Field(None, alias="outbound_shipment_id")
    created_at: datetime
    resolved_at: datetime | None
    overdue: bool = Field(..., alias="is_overdue")
    lines: list[TicketLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class TicketRow(Schema):
    """A ticket in a list."""

    id: int
    number: str
    type: str
    state: str
    order: int = Field(..., alias="order_id")
    handler: int = Field(..., alias="handler_id")
    total_amount: Decimal
    created_at: datetime
    overdue: bool
    updated_at: datetime = Field(..., description="Last change (compare with updated_since)")


class TicketFilters(Schema):
    """Filters of the ticket list."""

    type: TicketType | None = None
    state: TicketState | None = None
    order: int | None = None
    supplier: int | None = None
    handler: int | None = None
    overdue: bool | None = None


class NoteOut(Schema):
    """A note of the ticket's thread 沟通记录 and the names of its attachments."""

    id: int
    text: str
    channel: str
    author: int = Field(..., alias="author_id")
    created_at: datetime
    attachments: list[str]

    @staticmethod
    def resolve_attachments(obj):
        return [a.original_name for a in obj.attachments.all()]


class TicketTransitionIn(Input):
    """The comment (the reason when rejecting) and, when resolving a refund, the refund recorded."""

    comment: str = Field("", max_length=300, description="Comment; the reason when rejecting")
    refund_amount: Money | None = None
    refund_date: date | None = None
    refund_reference: str = ""


def _ticket(ticket_id):
    try:
        return selectors.ticket_detail(ticket_id)
    except Ticket.DoesNotExist:
        raise Http404 from None


def _get(model, pk, field, errors, label):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        errors[field] = [_("No %(what)s with id %(id)s.") % {"what": label, "id": pk}]
    return obj


@router.get("/tickets", response=page_of(TicketRow))
def list_tickets(request, filters: Query[TicketFilters], page: Query[PageIn]):
    """Tickets, newest first, by type, state, order, supplier, handler or overdue."""
    require_permissions(request, "aftersales.view_ticket")
    qs = selectors.ticket_list()
    for name in ("type", "state"):
        if getattr(filters, name):
            qs = qs.filter(**{name: getattr(filters, name)})
    if filters.order:
        qs = qs.filter(order_id=filters.order)
    if filters.supplier:
        qs = qs.filter(supplier_id=filters.supplier)
    if filters.handler:
        qs = qs.filter(handler_id=filters.handler)
    if filters.overdue is not None:
        qs = qs.filter(overdue=filters.overdue)
    return paginate(request, qs, page)


@router.get("/tickets/{ticket_id}", response=TicketOut)
def get_ticket(request, ticket_id: int):
    """One ticket with its lines and amounts."""
    require_permissions(request, "aftersales.view_ticket")
    return _ticket(ticket_id)


@router.post("/tickets", response={201: TicketOut, 400: ErrorOut})
@idempotent
def create_ticket(request, payload: TicketIn):
    """Register a ticket (state registered), as the registration form does."""
    require_permissions(request, "aftersales.add_ticket")
    errors = {}
    order = _get(Order, payload.order, "order", errors, _("order"))
    handler = _get(get_user_model(), payload.handler, "handler", errors, _("user")) if payload.handler else request.user
    lines = []
    if order is not None:
        by_id = {line.pk: line for line in OrderLine.objects.filter(order=order).select_related("product")}
        for number, line in enumerate(payload.lines, start=1):
            order_line = by_id.get(line.order_line)
            if order_line is None:
                errors.setdefault("lines", []).append(
                    _("Line %(n)d: order line %(id)s is not a line of the order.") % {"n": number, "id": line.order_line})
            else:
                lines.append((order_line, line.quantity))
    data = TicketData(
        type=payload.type, order=order, handler=handler, reason=payload.reason, lines=lines,
        supplier=_get(Supplier, payload.supplier, "supplier", errors, _("supplier")),
        description=payload.description,
        return_carrier=_get(Carrier, payload.return_carrier, "return_carrier", errors, _("carrier")),
        return_tracking_no=payload.return_tracking_no, return_destination=payload.return_destination,
        return_warehouse=_get(Warehouse, payload.return_warehouse, "return_warehouse", errors, _("warehouse")),
        charge_back=payload.charge_back, charge_back_amount=payload.charge_back_amount,
        compensate=payload.compensate, manufacturer_amount=payload.manufacturer_amount,
        seller_amount=payload.seller_amount,
    )
    if errors:
        return invalid(errors)
    try:
        ticket = services.register_ticket(data=data, actor=request.user)
    except ValidationError as exc:
        return invalid(error_messages(exc))
    return Status(201, _ticket(ticket.pk))


@router.post("/tickets/{ticket_id}/notes", response={201: NoteOut, 400: ErrorOut})
@idempotent
def add_note(request, ticket_id: int, text: Form[str], channel: Form[str] = "other",
             files: File[list[UploadedFile]] = None):
    """Append a note (multipart form: text, channel, files…) to the ticket's thread."""
    require_permissions(request, "aftersales.view_ticket", "aftersales.add_ticketnote")
    ticket = _ticket(ticket_id)
    try:
        note = notes.add_note(ticket, text=text, channel=channel, files=files or [], actor=request.user)
    except ValidationError as exc:
        return invalid(error_messages(exc))
    return Status(201, note)


@router.post("/tickets/{ticket_id}/transitions/{name}", response={200: TicketOut, 400: ErrorOut})
@idempotent
def run_transition(request, ticket_id: int, name: TransitionName, payload: TicketTransitionIn = None):
    """Run one of submit, approve, reject, await_return, receive_return, resolve, close. Resolving is
    idempotent: a retry answers 200 with the resolved ticket and posts nothing again."""
    require_permissions(request, "aftersales.view_ticket")
    ticket = _ticket(ticket_id)
    payload = payload or TicketTransitionIn()
    refund = services.Refund(amount=payload.refund_amount, date=payload.refund_date,
                             reference=payload.refund_reference)
    try:
        services.run_transition(ticket, name, actor=request.user, comment=payload.comment,
                                reason=payload.comment, refund=refund)
    except ValidationError as exc:
        return invalid(error_messages(exc))
    return _ticket(ticket_id)


class OutboundShipmentIn(Input):
    """The exchange/reship shipment of a ticket: drop-ship (supplier) or company dispatch (warehouse)."""

    kind: str = Field(..., description="drop_ship or company_dispatch")
    supplier: int | None = None
    warehouse: int | None = None
    freight: Money = Decimal("0")


class ShipmentRef(Schema):
    """The shipment made for a ticket."""

    id: int
    number: str
    purpose: str
    state: str


@router.post("/tickets/{ticket_id}/shipment", response={201: ShipmentRef, 400: ErrorOut, 409: ErrorOut})
@idempotent
def create_outbound_shipment(request, ticket_id: int, payload: OutboundShipmentIn):
    """Enter the exchange/reship shipment of the ticket's lines — the only way one is made (then
    /api/v1/shipments runs its flow; its dispatch resolves the ticket). 409 while the ticket already has a
    live outbound shipment or is not ready for one; a rejected one is cancelled by its replacement."""
    require_permissions(request, "aftersales.view_ticket", "shipments.add_shipment")
    ticket = _ticket(ticket_id)
    errors = {}
    supplier = _get(Supplier, payload.supplier, "supplier", errors, _("supplier"))
    warehouse = _get(Warehouse, payload.warehouse, "warehouse", errors, _("warehouse"))
    if errors:
        return invalid(errors)
    try:
        shipment = outbound.create_outbound_shipment(ticket, kind=payload.kind, supplier=supplier,
                                                     warehouse=warehouse, freight=payload.freight,
                                                     actor=request.user)
    except OutboundShipmentExists as exc:
        raise Conflict(" ".join(exc.messages)) from None
    except ValidationError as exc:
        return invalid(error_messages(exc))
    return Status(201, shipment)

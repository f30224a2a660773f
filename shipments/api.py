"""Shipments over the API (/api/v1/shipments): create (`POST`), list and detail (`GET`), and one
`POST /api/v1/shipments/{id}/<transition>` per transition (submit, approve, reject, start-picking,
dispatch, deliver, receive, cancel, reopen). The same services, permissions (maker-checker → 403) and
validation as the pages; a carrier or platform marks deliveries with `deliver` / `receive`.

Delivery webhooks (a carrier or platform calls them; a retried call must not fail):
`POST /api/v1/shipments/{id}/deliver|receive`, `POST /api/v1/shipments/by-number/{number}/deliver|receive`
(number `SH0000123`) and `POST /api/v1/shipments/by-tracking/{carrier_code}/{tracking_no}/deliver|receive`.
Idempotent: `deliver` on a shipment already delivered (or received) and `receive` on one already received
answer 200 with the shipment as it is — nothing is written, the first time stays. `receive` on a shipment
only dispatched marks it delivered and received at the same moment (the platform's "signed for" implies
the delivery; the carrier's event may be lost). Still 409 before dispatch and for a cancelled shipment;
403 without the permission (checked before the no-op, so a repeat never hides a missing grant).
By tracking no.: the carrier (code, case-insensitive) and the tracking no. of a dispatched-or-later
shipment; 404 when none, 409 naming them when several shipments share that tracking no."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from ninja import Query, Router
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status

from catalog.models import Carrier, Supplier, Warehouse
from core.api import (
    Conflict,
    ErrorOut,
    PageIn,
    error_messages,
    invalid,
    page_of,
    paginate,
    require_permissions,
)
from core.errors import row_error_keys
from core.idempotency import idempotent
from core.parsing import OutsideTimeRefused, parse_id
from orders.models import Order

from . import dispatching, selectors
from .api_schemas import (
    MAX_LIMIT,
    BulkApproveIn,
    BulkDispatchIn,
    DropShipsIn,
    ReasonIn,
    ShipmentFilters,
    ShipmentIn,
    ShipmentList,
    ShipmentOut,
    ShipmentRow,
    TimeIn,
    TrackingIn,
)
from .approval import approve_shipment, approve_shipments, reject_shipment, reopen_shipment, submit_shipment
from .cancelling import cancel_shipment
from .deadlines import filter_deadline
from .dispatching import dispatch_shipment, dispatch_shipments, mark_delivered, mark_received
from .drop_ship_split import create_drop_ships_by_supplier, supplier_groups
from .entry import LineInput, create_shipment
from .models import DISPATCHED_OR_LATER, Shipment, ShipmentState

router = Router(tags=["shipments"])


def _refused(exc):
    """A service's ValidationError as the answer: 422 for a reported time it refused (naive, future, before the
    previous step — as the schema would), 400 for a business rule."""
    errors = error_messages(exc)
    if isinstance(exc, OutsideTimeRefused):
        raise NinjaValidationError([{"loc": ("body", field), "msg": message, "type": "value_error"}
                                    for field, messages in errors.items() for message in messages])
    return invalid(errors)


def _detail(pk):
    try:
        return selectors.shipment_detail(pk)
    except Shipment.DoesNotExist:
        raise Http404 from None


def _get(pk):
    shipment = Shipment.objects.filter(pk=pk).first()
    if shipment is None:
        raise Http404
    return shipment


@router.post("", response={201: ShipmentOut, 400: ErrorOut})
@idempotent
def post_shipment(request, payload: ShipmentIn):
    """Enter a sale shipment (draft, or submitted with `submit: true`). An exchange or reship shipment is
    entered only through its after-sales ticket (`POST /api/v1/aftersales/tickets/{id}/shipment`)."""
    require_permissions(request, "shipments.add_shipment")
    order = Order.objects.filter(pk=payload.order).first()
    if order is None:
        return invalid({"order": [_("No order has id %(id)s.") % {"id": payload.order}]})
    supplier = Supplier.objects.filter(pk=payload.supplier).first() if payload.supplier else None
    warehouse = Warehouse.objects.filter(pk=payload.warehouse).first() if payload.warehouse else None
    try:
        shipment = create_shipment(
            order=order, kind=payload.kind, supplier=supplier, warehouse=warehouse,
            freight=payload.freight, actor=request.user,
            lines=[LineInput(line.order_line, line.quantity, line.supplier_unit_price)
                   for line in payload.lines])
        if payload.submit:
            submit_shipment(shipment, actor=request.user)
    except ValidationError as exc:
        return invalid({**exc.message_dict, **row_error_keys(exc)})
    return Status(201, _detail(shipment.pk))


@router.post("/drop-ships", response={201: ShipmentList, 400: ErrorOut})
@idempotent
def post_drop_ships(request, payload: DropShipsIn):
    """Enter one drop-ship per supplier: the lines are grouped by their product's default supplier, and
    every drop-ship is saved (and submitted with `submit: true`) or none is. A refused line is named under
    `lines` and under `lines.<index>.<field>` (its position in the body)."""
    require_permissions(request, "shipments.add_shipment")
    order = Order.objects.filter(pk=payload.order).first()
    if order is None:
        return invalid({"order": [_("No order has id %(id)s.") % {"id": payload.order}]})
    lines = [LineInput(line.order_line, line.quantity, line.supplier_unit_price) for line in payload.lines]
    groups = supplier_groups(order, lines)
    freights = {row.supplier: row.freight for row in payload.freights}
    unknown = sorted(set(freights) - {group.supplier.pk for group in groups if group.supplier is not None})
    if unknown:
        return invalid({"freights": [_("No line of this request comes from supplier %(ids)s.")
                                      % {"ids": ", ".join(map(str, unknown))}]})
    for group in groups:
        if group.supplier is not None:
            group.freight = freights.get(group.supplier.pk, Decimal("0"))
    try:
        shipments = create_drop_ships_by_supplier(order=order, groups=groups, actor=request.user,
                                                  submit=payload.submit)
    except ValidationError as exc:
        return invalid({**exc.message_dict, **row_error_keys(exc)})
    found = selectors.shipments_in_detail([s.pk for s in shipments])
    return Status(201, {"items": [found[s.pk] for s in shipments]})


@router.get("", response=page_of(ShipmentRow))
def list_shipments(request, filters: Query[ShipmentFilters], page: Query[PageIn]):
    """Shipments, newest first, by order, state, kind, supplier, warehouse, carrier or tracking no."""
    require_permissions(request, "shipments.view_shipment")
    qs = Shipment.objects.select_related("carrier").order_by("-id")
    for name in ("order", "state", "kind", "supplier", "warehouse"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id" if name in ("order", "supplier", "warehouse") else name: value})
    if filters.carrier:
        qs = qs.filter(carrier__code__iexact=filters.carrier.strip())
    if filters.tracking_number:
        qs = qs.filter(tracking_number=" ".join(filters.tracking_number.split()))
    if filters.awaiting_approval:
        qs = qs.filter(selectors.awaiting_approval_q())
    if filters.deadline:
        qs = filter_deadline(qs, filters.deadline)
    return paginate(request, qs, page)


@router.get("/{shipment_id}", response=ShipmentOut)
def get_shipment(request, shipment_id: int):
    """One shipment with its lines."""
    require_permissions(request, "shipments.view_shipment")
    return _detail(shipment_id)


def _transition(request, shipment_id, run):
    require_permissions(request, "shipments.view_shipment")
    shipment = _get(shipment_id)
    try:
        run(shipment)
    except ValidationError as exc:
        return _refused(exc)
    return Status(200, _detail(shipment_id))


RESPONSES = {200: ShipmentOut, 400: ErrorOut}


def _bulk(request, ids, run):
    """Load `ids` (each once, 1 to MAX_LIMIT; an unknown one → 404 naming it, nothing done), run the
    bulk service on them (all or nothing: its refusals answer as for one shipment — 400, 403, 409), and
    answer 200 with the shipments as they are now, in the order given."""
    require_permissions(request, "shipments.view_shipment")
    if not 1 <= len(ids) <= MAX_LIMIT:
        return invalid({"__all__": [_("Send 1 to %(n)d shipments.") % {"n": MAX_LIMIT}]})
    if len(set(ids)) != len(ids):
        return invalid({"__all__": [_("Each shipment may appear once.")]})
    found = Shipment.objects.in_bulk(ids)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        return Status(404, {"detail": _("No shipment has id %(ids)s; nothing was done.")
                                     % {"ids": ", ".join(map(str, missing))}})
    try:
        run([found[pk] for pk in ids])
    except ValidationError as exc:
        return _refused(exc)
    shipments = selectors.shipments_in_detail(ids)
    return Status(200, {"items": [shipments[pk] for pk in ids]})


BULK_RESPONSES = {200: ShipmentList, 400: ErrorOut, 404: ErrorOut}


@router.post("/bulk/approve", response=BULK_RESPONSES)
@idempotent
def approve_many(request, payload: BulkApproveIn):
    """Approve several submitted shipments at once (the approval queue's "approve ticked"): all or none —
    403 if one is the caller's own entry, 400 with the shortfall per product, 409 if one is no longer
    submitted."""
    return _bulk(request, payload.shipments,
                 lambda shipments: approve_shipments(shipments, actor=request.user))


@router.post("/bulk/dispatch", response=BULK_RESPONSES)
@idempotent
def dispatch_many(request, payload: BulkDispatchIn):
    """Dispatch several shipments, each with its carrier (code) + tracking no. (a carrier's or platform's
    tracking feed, as the tracking file does): all or none — 400 naming the shipment of a bad carrier or
    tracking no., 409 if one is not ready to dispatch."""
    rows = {row.shipment: row for row in payload.dispatches}
    carriers = {c.code: c for c in Carrier.objects.filter(code__in={row.carrier.strip() for row in rows.values()})}
    return _bulk(request, [row.shipment for row in payload.dispatches], lambda shipments: dispatch_shipments(
        [(s, carriers.get(rows[s.pk].carrier.strip()), rows[s.pk].tracking_number, rows[s.pk].at) for s in shipments],
        actor=request.user))


@router.post("/{shipment_id}/submit", response=RESPONSES)
@idempotent
def submit(request, shipment_id: int):
    """Submit a draft shipment for approval."""
    return _transition(request, shipment_id, lambda s: submit_shipment(s, actor=request.user))


@router.post("/{shipment_id}/approve", response=RESPONSES)
@idempotent
def approve(request, shipment_id: int):
    """403 for whoever entered the shipment (maker-checker); 400 with the shortfall per line."""
    return _transition(request, shipment_id, lambda s: approve_shipment(s, actor=request.user))


@router.post("/{shipment_id}/reject", response=RESPONSES)
@idempotent
def reject(request, shipment_id: int, payload: ReasonIn):
    """Reject a submitted shipment with a reason (never by whoever entered it); it goes back to sales."""
    return _transition(request, shipment_id,
                       lambda s: reject_shipment(s, actor=request.user, reason=payload.reason))


@router.post("/{shipment_id}/reopen", response=RESPONSES)
@idempotent
def reopen(request, shipment_id: int):
    """Reopen a rejected shipment as a draft."""
    return _transition(request, shipment_id, lambda s: reopen_shipment(s, actor=request.user))


@router.post("/{shipment_id}/start-picking", response=RESPONSES)
@idempotent
def start_picking(request, shipment_id: int):
    """Start picking an approved company dispatch (its dispatch note is printed)."""
    return _transition(request, shipment_id, lambda s: dispatching.start_picking(s, actor=request.user))


@router.post("/{shipment_id}/dispatch", response=RESPONSES)
@idempotent
def dispatch(request, shipment_id: int, payload: TrackingIn):
    """Carrier (code) + tracking no.: company dispatch (warehouse) or drop-ship (sales)."""
    code = payload.carrier.strip()
    carrier = Carrier.objects.filter(code=code).first() or (
        Carrier.objects.filter(pk=parse_id(code)).first() if parse_id(code) else None)
    return _transition(request, shipment_id, lambda s: dispatch_shipment(
        s, actor=request.user, carrier=carrier, tracking_number=payload.tracking_number, at=payload.at))


def _deliver(shipment, actor, at):
    """Mark delivered, or nothing when it already is (delivered or received): a retried webhook."""
    if not actor.has_perm("shipments.mark_delivered_shipment"):
        raise PermissionDenied(_("You may not mark shipments delivered."))
    if shipment.state in (ShipmentState.DELIVERED, ShipmentState.RECEIVED):
        return shipment
    try:
        return mark_delivered(shipment, actor=actor, at=at)
    except (TransitionNotAllowed, ConcurrentTransition):
        current = Shipment.objects.get(pk=shipment.pk)  # the same event, a moment earlier, on another request
        if current.state in (ShipmentState.DELIVERED, ShipmentState.RECEIVED):
            return current
        raise


def _receive(shipment, actor, at):
    """Mark received (delivered first when it is only dispatched), or nothing when it already is."""
    if not actor.has_perm("shipments.mark_received_shipment"):
        raise PermissionDenied(_("You may not mark shipments received."))
    if shipment.state == ShipmentState.RECEIVED:
        return shipment
    try:
        with transaction.atomic():
            if shipment.state == ShipmentState.DISPATCHED:
                shipment = mark_delivered(shipment, actor=actor, at=at,
                                                   comment=_("Received without a delivery event"))
            return mark_received(shipment, actor=actor, at=at)
    except (TransitionNotAllowed, ConcurrentTransition):
        current = Shipment.objects.get(pk=shipment.pk)
        if current.state == ShipmentState.RECEIVED:
            return current
        raise


@router.post("/{shipment_id}/deliver", response=RESPONSES)
@idempotent
def deliver(request, shipment_id: int, payload: TimeIn | None = None):
    """Idempotent: a shipment already delivered or received answers 200 as it is."""
    at = payload.at if payload else None
    return _transition(request, shipment_id, lambda s: _deliver(s, request.user, at))


@router.post("/{shipment_id}/receive", response=RESPONSES)
@idempotent
def receive(request, shipment_id: int, payload: TimeIn | None = None):
    """Idempotent: a shipment already received answers 200 as it is; a dispatched one is delivered first."""
    at = payload.at if payload else None
    return _transition(request, shipment_id, lambda s: _receive(s, request.user, at))


def _by_number(number):
    pk = Shipment.pk_from_number(number)
    if pk is None or not Shipment.objects.filter(pk=pk).exists():
        raise Http404
    return pk


@router.post("/by-number/{number}/deliver", response=RESPONSES)
@idempotent
def deliver_by_number(request, number: str, payload: TimeIn | None = None):
    """Mark delivered by shipment no. (SH0000123). Idempotent."""
    at = payload.at if payload else None
    return _transition(request, _by_number(number), lambda s: _deliver(s, request.user, at))


@router.post("/by-number/{number}/receive", response=RESPONSES)
@idempotent
def receive_by_number(request, number: str, payload: TimeIn | None = None):
    """Mark received by shipment no. (SH0000123). Idempotent."""
    at = payload.at if payload else None
    return _transition(request, _by_number(number), lambda s: _receive(s, request.user, at))


def _by_tracking(carrier_code, tracking_no):
    tracking_no = " ".join(str(tracking_no or "").split())
    matches = list(Shipment.objects.filter(carrier__code__iexact=carrier_code.strip(), tracking_number=tracking_no,
                                           state__in=DISPATCHED_OR_LATER).order_by("pk")[:10])
    if not matches:
        return None, Status(404, {"detail": _("No dispatched shipment has tracking no. %(no)s with carrier "
                                              "%(carrier)s.") % {"no": tracking_no, "carrier": carrier_code}})
    if len(matches) > 1:
        raise Conflict(_("Tracking no. %(no)s belongs to several shipments (%(numbers)s); mark them by shipment "
                         "no.") % {"no": tracking_no, "numbers": ", ".join(s.number for s in matches)})
    return matches[0].pk, None


@router.post("/by-tracking/{carrier_code}/{tracking_no}/deliver", response={**RESPONSES, 404: ErrorOut})
@idempotent
def deliver_by_tracking(request, carrier_code: str, tracking_no: str, payload: TimeIn | None = None):
    """A carrier's delivery event, by its own tracking no. Idempotent."""
    require_permissions(request, "shipments.view_shipment")
    pk, not_found = _by_tracking(carrier_code, tracking_no)
    if not_found:
        return not_found
    at = payload.at if payload else None
    return _transition(request, pk, lambda s: _deliver(s, request.user, at))


@router.post("/by-tracking/{carrier_code}/{tracking_no}/receive", response={**RESPONSES, 404: ErrorOut})
@idempotent
def receive_by_tracking(request, carrier_code: str, tracking_no: str, payload: TimeIn | None = None):
    """A platform's "signed for" event, by the carrier's tracking no. Idempotent."""
    require_permissions(request, "shipments.view_shipment")
    pk, not_found = _by_tracking(carrier_code, tracking_no)
    if not_found:
        return not_found
    at = payload.at if payload else None
    return _transition(request, pk, lambda s: _receive(s, request.user, at))


@router.post("/{shipment_id}/cancel", response=RESPONSES)
@idempotent
def cancel(request, shipment_id: int, payload: ReasonIn | None = None):
    """Cancel a shipment before dispatch (releases its reservations)."""
    reason = payload.reason if payload else ""
    return _transition(request, shipment_id,
                       lambda s: cancel_shipment(s, actor=request.user, reason=reason))

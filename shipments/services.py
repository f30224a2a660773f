"""Every write to shipments (DESIGN.md, "Shipment"): one function per action, keyword-only, with the
acting user, in one transaction with everything the action implies (reservations, stock-out rows,
supplier account entries, notifications, the order's derived fulfilment status).

Locking: the order row first, then the shipment row(s) in pk order (`select_for_update`), so two
people acting on one order or one shipment serialise and cannot deadlock. Creating a sale shipment
checks open quantities under the order lock, so two drafts competing for the same units cannot both
be saved. Transitions go through `core.transitions.perform` (permission + can_proceed + log)."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed
from django_fsm.signals import post_transition

from catalog.models import Carrier
from core.errors import RowError
from core.parsing import check_outside_time, parse_id, parse_money
from core.transitions import perform, perform_many
from inventory.services import InsufficientStock, ReservationRequest, consume, release, reserve
from notifications.services import RoleMessage, notify, notify_role_many
from orders.models import FulfilmentStatus, Order
from orders.services import set_fulfilment_status
from reconciliation.models import EntryKind
from reconciliation.services import EntryDraft, post_supplier_entries

from . import selectors
from .cancel_notices import notify_cancelled
from .models import (
    APPROVED_NOT_DISPATCHED,
    CANCELLABLE,
    S,
    Shipment,
    ShipmentKind,
    ShipmentLine,
    ShipmentPurpose,
)

CENT = Decimal("0.01")
MAX_LINES = 500


class OutboundShipmentExists(ValidationError):
    """The after-sales ticket already has a live outbound shipment (a state conflict: the API answers 409)."""


@dataclass
class LineInput:
    """One line to ship: an order line (instance or id), the quantity this time and, for a drop-ship,
    the agreed supplier unit price (None → the product's supplier unit cost). `position`: where the line
    stands (from 0) in what the person sent, when that is not its place in this list (a drop-ship split by
    supplier): refusals name "Line <position + 1>" and carry that index."""

    order_line: object
    quantity: int
    supplier_unit_price: Decimal | None = None
    position: int | None = None


def _as_line(line):
    if isinstance(line, LineInput):
        return line
    if isinstance(line, dict):
        return LineInput(order_line=line.get("order_line"), quantity=line.get("quantity"),
                         supplier_unit_price=line.get("supplier_unit_price"))
    return LineInput(*line)


def _money(value, *, field, errors, label):
    """The amount read by core.parsing.parse_money (never rounded), or None with the field's error."""
    try:
        return parse_money(value, minimum=Decimal("0"))
    except ValidationError as exc:
        if exc.code in ("max_digits", "max_decimal_places"):
            errors.setdefault(field, []).append(_("%(what)s has at most 2 decimal places and 10 digits.")
                                                % {"what": label})
        else:
            errors.setdefault(field, []).append(_("%(what)s must be 0 or more.") % {"what": label})
        return None


def _line_label(number, order_line):
    return _("Line %(n)d (%(sku)s)") % {"n": number, "sku": order_line.product.sku}


# ---- create -----------------------------------------------------------------------------------------


def create_shipment(*, order, kind, lines, actor, purpose=ShipmentPurpose.SALE, ticket_ref=None, supplier=None,
                    warehouse=None, freight=Decimal("0"), entry_date=None):
    """Enter a shipment (state draft) against `order`; entered by `actor`. Returns the shipment.

    Sale lines never exceed their order line's open quantity (ordered − units on the line's sale
    shipments that are not rejected or cancelled, drafts included); the check runs under a lock on the
    order row, so of two people entering shipments for the same last units one is refused. Exchange and
    reship shipments are made only by their after-sales ticket's service (aftersales.outbound), which
    passes `ticket_ref` (the ticket's id) and the ticket's own lines: they skip the open-quantity check; a
    rejected earlier one of the same ticket is cancelled here (replaced, never reopened) and a live one
    refuses the new one (OutboundShipmentExists; the database's `shipment_one_live_per_ticket` holds it
    too). Invalid input raises
    ValidationError({field: [messages]}) naming the line and the excess, and writes nothing."""
    if actor is None or not actor.has_perm("shipments.add_shipment"):
        raise PermissionDenied(_("You may not enter shipments."))
    lines = [_as_line(line) for line in lines]
    errors = {}
    if kind not in ShipmentKind.values:
        errors["kind"] = [_("Pick drop-ship or company dispatch.")]
    if purpose not in ShipmentPurpose.values:
        errors["purpose"] = [_("Unknown purpose.")]
    elif (purpose == ShipmentPurpose.SALE) != (ticket_ref is None):
        errors["purpose"] = [_("Exchange and reship shipments are entered from their after-sales ticket only.")]
    if kind == ShipmentKind.DROP_SHIP:
        if supplier is None:
            errors["supplier"] = [_("A drop-ship needs the supplier who ships it.")]
        elif not supplier.is_active:
            errors["supplier"] = [_("Supplier %(s)s is inactive.") % {"s": supplier}]
        warehouse = None
    elif kind == ShipmentKind.COMPANY_DISPATCH:
        if warehouse is None:
            errors["warehouse"] = [_("A company dispatch needs the warehouse it leaves from.")]
        elif not warehouse.is_active:
            errors["warehouse"] = [_("Warehouse %(w)s is inactive.") % {"w": warehouse}]
        supplier = None
    freight = _money(freight if freight not in (None, "") else 0, field="freight", errors=errors,
                     label=_("The freight"))
    if not lines:
        errors.setdefault("lines", []).append(_("Ship at least one line."))
    elif len(lines) > MAX_LINES:
        errors.setdefault("lines", []).append(_("At most %(n)d lines per shipment.") % {"n": MAX_LINES})
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        closed = (FulfilmentStatus.CANCELLED, FulfilmentStatus.INVOICED) if purpose == ShipmentPurpose.SALE \
            else (FulfilmentStatus.CANCELLED,)  # an exchange or reship may follow an invoiced order
        if order.fulfilment_status in closed:
            raise ValidationError({"order": [_("Order %(o)s is %(s)s; it takes no more shipments.")
                                             % {"o": order, "s": order.get_fulfilment_status_display()}]})
        order_lines = {line.pk: line for line in selectors.order_lines_with_open_quantity(order.pk)}
        line_errors = []
        wanted = {}
        rows = []
        for number, line in enumerate(lines, start=1):
            number = line.position + 1 if line.position is not None else number
            line_id = getattr(line.order_line, "pk", line.order_line)
            order_line = order_lines.get(line_id)
            if order_line is None:
                line_errors.append(RowError(_("Line %(n)d: not a line of order %(o)s.") % {"n": number, "o": order},
                                            row=line_id, field="order_line", index=number - 1))
                continue
            label = _line_label(number, order_line)
            quantity = line.quantity
            if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
                line_errors.append(RowError(_("%(line)s: the quantity must be a whole number above 0.")
                                            % {"line": label}, row=line_id, field="quantity", index=number - 1))
                continue
            if line_id in wanted:
                line_errors.append(RowError(_("%(line)s: this order line appears twice.") % {"line": label},
                                            row=line_id, field="order_line", index=number - 1))
                continue
            wanted[line_id] = quantity
            price = None
            if kind == ShipmentKind.DROP_SHIP:
                given = line.supplier_unit_price
                if given in (None, ""):
                    given = order_line.product.supplier_unit_cost
                price_errors = {}
                price = _money(given, field="p", errors=price_errors, label=_("the supplier unit price"))
                if price is None:
                    line_errors.append(RowError(f"{label}: {price_errors['p'][0]}", row=line_id,
                                                field="supplier_unit_price", index=number - 1))
                    continue
            if purpose == ShipmentPurpose.SALE and quantity > order_line.open_quantity:
                line_errors.append(RowError(
                    _("%(line)s: %(q)d wanted but only %(open)d open — %(excess)d too many.")
                    % {"line": label, "q": quantity, "open": order_line.open_quantity,
                       "excess": quantity - order_line.open_quantity}, row=line_id, field="quantity",
                    index=number - 1))
                continue
            rows.append(ShipmentLine(order_line_id=line_id, quantity=quantity, supplier_unit_price=price))
        if line_errors:
            raise ValidationError({"lines": line_errors})
        shipment = Shipment(order=order, kind=kind, purpose=purpose, ticket_ref=ticket_ref, supplier=supplier,
                            warehouse=warehouse, freight=freight, entered_by=actor)
        if entry_date is not None:
            shipment.entry_date = entry_date
        if ticket_ref is None:
            shipment.save()
        else:
            _save_outbound(shipment, actor=actor)
        for row in rows:
            row.shipment = shipment
        ShipmentLine.objects.bulk_create(rows)
    return shipment


def _save_outbound(shipment, *, actor):
    """Save the exchange/reship shipment of ticket `shipment.ticket_ref` (the order row is locked): the
    ticket's rejected earlier one is cancelled (replaced, never reopened); a live one refuses it."""
    earlier = list(Shipment.objects.filter(ticket_ref=shipment.ticket_ref).exclude(state=S.CANCELLED)
                   .order_by("pk").select_for_update())
    live = [s for s in earlier if s.state != S.REJECTED]
    if live:
        raise OutboundShipmentExists(_("This after-sales ticket already has its outbound shipment %(no)s.")
                                     % {"no": live[0].number})
    for rejected in earlier:
        rejected.cancel(by=actor, comment=_("Rejected and replaced by a new outbound shipment."))
        rejected.save(update_fields=["state", "cancel_reason"])
    try:
        with transaction.atomic():
            shipment.save()
    except IntegrityError as exc:  # shipment_one_live_per_ticket: another one was saved first
        raise OutboundShipmentExists(_("This after-sales ticket already has its outbound shipment.")) from exc


# ---- transitions ------------------------------------------------------------------------------------


def _lock(shipment, *, order=True, related=()):
    """`_lock_many` for one shipment → (locked order or None, fresh shipment)."""
    orders, (fresh,) = _lock_many([shipment], orders=order, related=related)
    return (orders[fresh.order_id] if order else None), fresh


def _lock_many(shipments, *, orders=True, related=()):
    """Lock the orders' rows (unless `orders=False`), then the shipments' rows, each in pk order, in one
    query each whatever their number; return ({order id: locked order}, fresh shipments in the given
    order). Raises Shipment.DoesNotExist for a shipment that is gone, ValidationError for one given twice.

    The order rows are locked where the order is read or written: the open quantity (create, reopen)
    and the derived status (dispatch, delivered, received, cancel). Submit, approve, reject and start
    picking change neither, so they lock only the shipments — one round trip less on the hot path, and
    still the same order (orders before shipments, each by pk) wherever both are locked, so two bulk
    actions cannot deadlock each other or a single one; the shipment's `order` then loads on first use.

    `related` names the shipments' relations the step reads ("order", "supplier", "warehouse"). A
    relation the caller's instance already holds with the same id is reused (the order's descriptive
    fields and the master data are not locked by any step, so this reads nothing less current than a
    join would at the caller's moment); the others come in the locking query by select_related."""
    shipments = list(shipments)
    if len({s.pk for s in shipments}) != len(shipments):
        raise ValidationError(_("Each shipment may appear once."))
    joined = set()
    for name in related:
        if name == "order" and orders:
            continue
        descriptor = getattr(Shipment, name)
        if not all(descriptor.is_cached(shipment) for shipment in shipments):
            joined.add(name)
    queryset = Shipment.objects.filter(pk__in=sorted({s.pk for s in shipments})).order_by("pk")
    if joined:
        queryset = queryset.select_related(*sorted(joined)).select_for_update(of=("self",))
    else:
        queryset = queryset.select_for_update()
    locked_orders = {}
    if orders:
        order_ids = sorted({s.order_id for s in shipments})
        locked_orders = {o.pk: o for o in Order.objects.filter(pk__in=order_ids).order_by("pk").select_for_update()}
    fresh_by_pk = {s.pk: s for s in queryset}
    result = []
    for shipment in shipments:
        fresh = fresh_by_pk.get(shipment.pk)
        if fresh is None:
            raise Shipment.DoesNotExist(f"Shipment {shipment.pk} does not exist.")
        if orders:
            fresh.order = locked_orders[fresh.order_id]
        for name in related:
            if name in joined or (name == "order" and orders):
                continue
            value = getattr(shipment, name)
            if getattr(fresh, f"{name}_id") == (value.pk if value is not None else None):
                setattr(fresh, name, value)
        result.append(fresh)
    return locked_orders, result


def _lines(shipments):
    """The lines (with order line and product) of a shipment or of a list of shipments, by id."""
    ids = [s.pk for s in shipments] if isinstance(shipments, (list, tuple)) else [shipments.pk]
    return list(ShipmentLine.objects.filter(shipment__in=ids).select_related("order_line__product")
                .order_by("id"))


def _line_rows(shipment):
    """The shipment's lines as a queryset (for a subquery: consume/release find their reservations by it)."""
    return ShipmentLine.objects.filter(shipment=shipment)


# An order cancelled or invoiced keeps its status whatever its shipments do.
FINAL_ORDER_STATUSES = (FulfilmentStatus.CANCELLED, FulfilmentStatus.INVOICED)


def derive_order_status(order, *, actor=None, comment="", totals=None):
    """Recompute the order's fulfilment status from its SALE shipments and write it through
    `orders.services.set_fulfilment_status` (DESIGN.md, "Order"). Exchange/reship never count.
    `totals`: the order's `selectors.fulfilment_totals`, when the caller read them for several orders."""
    if order.fulfilment_status in FINAL_ORDER_STATUSES:
        return order
    if totals is None:
        totals = selectors.fulfilment_totals(order.pk)
    return set_fulfilment_status(order, status_from_totals(totals), actor=actor, comment=comment)


def status_from_totals(totals):
    """The fulfilment status of an order whose lines have these `selectors.fulfilment_totals`: "all"
    counts the ordered units less the closed-short ones (the totals' first figure)."""
    if totals and all(received >= ordered for ordered, _d, _v, received in totals):
        return FulfilmentStatus.RECEIVED
    if totals and all(delivered >= ordered for ordered, _d, delivered, _r in totals):
        return FulfilmentStatus.DELIVERED
    if totals and all(dispatched >= ordered for ordered, dispatched, _v, _r in totals):
        return FulfilmentStatus.SHIPPED
    if any(dispatched > 0 for _o, dispatched, _v, _r in totals):
        return FulfilmentStatus.PARTIALLY_SHIPPED
    return FulfilmentStatus.AWAITING_SHIPMENT


# Only these states move units into "dispatched or later", so only transitions into them can change the
# order's derived status; submit, approve, reject, reopen, start picking and cancel (all before dispatch)
# never can, and skip the recomputation.
MOVES_ORDER_STATUS = (S.DISPATCHED, S.DELIVERED, S.RECEIVED)


def _finish(order, shipment, *, actor):
    """After a transition: re-derive the order's fulfilment status from its sale shipments (`order` is
    the locked order; the steps that lock none never reach these states) — `_finish_many` for one."""
    _finish_many({order.pk: order} if order is not None else {}, [shipment], actor=actor)
    return shipment


def submit_shipment(shipment, *, actor, comment=""):
    with transaction.atomic():
        order, shipment = _lock(shipment, order=False)
        perform(shipment, "submit", actor=actor, comment=comment)
        return _finish(order, shipment, actor=actor)


def _notify_supplier(shipment, lines):
    """Approval of a drop-ship tells the supplier's contact: portal users get the notification (inbox +
    e-mail); without one, the salesperson who entered it is told to pass it on (contact shown)."""
    supplier = shipment.supplier
    summary = ", ".join(f"{line.order_line.product.sku} × {line.quantity}" for line in lines[:20])
    order = shipment.order
    body = _("Order %(order)s: %(lines)s. Ship to %(name)s, %(phone)s, %(address)s.") % {
        "order": order.external_order_no, "lines": summary, "name": order.recipient_name,
        "phone": order.recipient_phone, "address": order.recipient_address}
    portal_users = list(supplier.portal_users.filter(is_active=True).values_list("pk", flat=True))
    if portal_users:
        notify(recipients=portal_users,
               subject=_("Please ship %(no)s (drop-ship approved)") % {"no": shipment.number},
               body=body, event="shipment.supplier_asked")
        return _("Supplier notified (portal users).")
    contact = ", ".join(x for x in (supplier.contact_name, supplier.contact_phone, supplier.contact_email) if x)
    notify(recipients=[shipment.entered_by_id],
           subject=_("Tell %(supplier)s to ship %(no)s (no portal user)") % {"supplier": supplier,
                                                                             "no": shipment.number},
           body=_("Contact: %(contact)s.") % {"contact": contact or _("none on file")} + "\n" + body,
           link=shipment.get_absolute_url(), event="shipment.supplier_to_tell")
    return _("Supplier has no portal user: %(who)s asked to tell the contact (%(contact)s).") % {
        "who": shipment.entered_by, "contact": contact or _("none on file")}


def approve_shipment(shipment, *, actor, comment=""):
    """Approve one shipment: `approve_shipments` for one."""
    return approve_shipments([shipment], actor=actor, comment=comment)[0]


def approve_shipments(shipments, *, actor, comment=""):
    """Approve submitted shipments — one, or the ticked ones of the approval queue — all or nothing:
    never one's own entry (→ PermissionDenied naming it). Company dispatches reserve their stock
    (refused with the shortfall per product → ValidationError) and warehouse staff are told of each;
    each drop-ship's supplier contact is told. Returns the approved shipments, in the given order."""
    shipments = list(shipments)
    if not shipments:
        return []
    with transaction.atomic():
        _none, shipments = _lock_many(shipments, orders=False, related=("order", "supplier", "warehouse"))
        for shipment in shipments:
            if actor is not None and shipment.entered_by_id == actor.pk:
                raise PermissionDenied(_("You entered shipment %(no)s; someone else must approve it.")
                                       % {"no": shipment.number})
        company = [s for s in shipments if s.kind == ShipmentKind.COMPANY_DISPATCH]
        drop_ships = [s for s in shipments if s.kind != ShipmentKind.COMPANY_DISPATCH]
        # A company dispatch needs each line's product id only (one join, no model per related row).
        company_lines = _group_lines(
            ShipmentLine.objects.filter(shipment__in=[s.pk for s in company])
            .annotate(product_id=F("order_line__product_id")).order_by("id")) if company else {}
        drop_ship_lines = _group_lines(_lines(drop_ships)) if drop_ships else {}
        perform_many(shipments, "approve", actor=actor, comment=comment,
                     update_fields=["approved_by", "approved_at"])
        if company:
            try:
                reserve(requests=[ReservationRequest(product_id=line.product_id,
                                                     warehouse_id=shipment.warehouse_id, quantity=line.quantity,
                                                     source=line)
                                  for shipment in company for line in company_lines.get(shipment.pk, [])],
                        actor=actor)
            except InsufficientStock as exc:
                raise ValidationError({"lines": [
                    _("Not enough stock to reserve: %(shortfall)s") % {"shortfall": s} for s in exc.shortfalls
                ]}) from exc
            _notify_warehouse(company, company_lines)
        for shipment in drop_ships:
            _notify_supplier(shipment, drop_ship_lines.get(shipment.pk, []))
        return shipments


def _group_lines(lines):
    grouped = {}
    for line in lines:
        grouped.setdefault(line.shipment_id, []).append(line)
    return grouped


def _notify_warehouse(shipments, lines):
    """Warehouse staff learn of each approved company dispatch (the same message whether it was approved
    alone or among the ticked ones), all written by one statement."""
    notify_role_many("warehouse", [
        RoleMessage(subject=_("Shipment %(no)s approved: ready to pick in %(warehouse)s")
                    % {"no": shipment.number, "warehouse": shipment.warehouse},
                    body=_("Order %(order)s, %(n)d line(s).") % {"order": shipment.order.external_order_no,
                                                                "n": len(lines.get(shipment.pk, []))},
                    link=reverse("shipments:shipment_detail", args=[shipment.pk]))
        for shipment in shipments
    ], event="shipment.approved")


def reject_shipment(shipment, *, actor, reason):
    """Reject with a reason (required); never one's own entry. The entrant may take it back to draft."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Say why the shipment is rejected.")]})
    with transaction.atomic():
        order, shipment = _lock(shipment, order=False)
        if actor is not None and shipment.entered_by_id == actor.pk:
            raise PermissionDenied(_("You entered shipment %(no)s; someone else must reject it.")
                                   % {"no": shipment.number})
        perform(shipment, "reject", actor=actor, comment=reason, update_fields=["rejection_reason"])
        notify(recipients=[shipment.entered_by_id],
               subject=_("Shipment %(no)s rejected") % {"no": shipment.number}, body=reason,
               link=shipment.get_absolute_url(), event="shipment.rejected")
        return _finish(order, shipment, actor=actor)


def reopen_shipment(shipment, *, actor, comment=""):
    """A rejected shipment back to draft (to correct and resubmit). Its units count again, so the
    open quantities are checked again under the order lock. An exchange/reship shipment is never reopened:
    its after-sales ticket enters a replacement, which cancels it (TransitionNotAllowed; the API's 409)."""
    with transaction.atomic():
        order, shipment = _lock(shipment)
        if shipment.purpose != ShipmentPurpose.SALE:
            raise TransitionNotAllowed(_("Shipment %(no)s is an after-sales outbound shipment: a rejected one is "
                                         "never reopened; enter its replacement from the ticket.")
                                       % {"no": shipment.number})
        if shipment.state == S.REJECTED:
            open_by_line = {line.pk: line for line in selectors.order_lines_with_open_quantity(order.pk)}
            problems = []
            for number, line in enumerate(_lines(shipment), start=1):
                open_quantity = open_by_line[line.order_line_id].open_quantity
                if line.quantity > open_quantity:
                    problems.append(_("%(line)s: %(q)d on this shipment but only %(open)d open — %(excess)d too "
                                      "many.") % {"line": _line_label(number, line.order_line), "q": line.quantity,
                                                  "open": open_quantity, "excess": line.quantity - open_quantity})
            if problems:
                raise ValidationError({"lines": problems})
        perform(shipment, "reopen", actor=actor, comment=comment)
        return _finish(order, shipment, actor=actor)


def start_picking(shipment, *, actor, comment=""):
    """Warehouse starts picking one approved company dispatch: `start_picking_many` for one."""
    return start_picking_many([shipment], actor=actor, comment=comment)[0]


def start_picking_many(shipments, *, actor, comment=""):
    """Start picking approved company dispatches (a print run moves every ticked one), all or nothing.
    Returns the shipments, in the given order."""
    shipments = list(shipments)
    if not shipments:
        return []
    with transaction.atomic():
        _none, shipments = _lock_many(shipments, orders=False)
        return perform_many(shipments, "start_picking", actor=actor, comment=comment)


def _tracking(carrier, tracking_number):
    errors = {}
    if isinstance(carrier, (int, str)) and carrier != "":
        carrier = Carrier.objects.filter(code=carrier).first() or (
            Carrier.objects.filter(pk=parse_id(carrier)).first() if parse_id(carrier) else None)
    if not isinstance(carrier, Carrier):
        errors["carrier"] = [_("Pick the carrier.")]
    elif not carrier.is_active:
        errors["carrier"] = [_("Carrier %(c)s is inactive.") % {"c": carrier}]
    tracking_number = " ".join(str(tracking_number or "").split())
    if not tracking_number:
        errors["tracking_number"] = [_("Enter the tracking no.")]
    elif len(tracking_number) > 64:
        errors["tracking_number"] = [_("At most %(n)d characters.") % {"n": 64}]
    if errors:
        raise ValidationError(errors)
    return carrier, tracking_number


def dispatch_shipment(shipment, *, actor, carrier, tracking_number, comment="", at=None):
    """Dispatch one shipment with carrier + tracking no. (and when it left, if reported: `at`, between its
    approval and now): `dispatch_shipments` for one."""
    return dispatch_shipments([(shipment, carrier, tracking_number, at)], actor=actor, comment=comment)[0]


def _check_times(shipments, times, *, previous, label):
    """Refuse (OutsideTimeRefused, under the rows' lock) a reported time that is naive, in the future or
    before the shipment's previous step (`previous(shipment)` → (time, its name))."""
    for shipment in shipments:
        at = times.get(shipment.pk)
        if at is not None:
            after, after_label = previous(shipment)
            check_outside_time(at, after=after, after_label=after_label,
                               label=shipment.number if len(shipments) > 1 else label)


def dispatch_shipments(dispatches, *, actor, comment=""):
    """Dispatch shipments, each with its carrier + tracking no. — `dispatches` is [(shipment, carrier,
    tracking number)]: one from its page or the API, many from a tracking file —, all or nothing.

    A company dispatch (picking → dispatched, warehouse) consumes its reservations into stock-out rows
    linked to the shipment; a drop-ship (approved → dispatched, sales) posts the supplier account
    entries: goods per line (qty × supplier unit price) and the freight once. Then each order concerned
    re-derives its fulfilment status (its sale shipments' totals read in one query for all). Returns the
    shipments, in the given order."""
    dispatches = [(*d, None) if len(d) == 3 else tuple(d) for d in dispatches]  # (…, at) optional
    if not dispatches:
        return []
    tracked = {}
    times = {shipment.pk: at for shipment, _c, _t, at in dispatches if at is not None}
    for shipment, carrier, tracking_number, _at in dispatches:
        try:
            tracked[shipment.pk] = _tracking(carrier, tracking_number)
        except ValidationError as exc:
            if len(dispatches) == 1:
                raise
            raise ValidationError({field: [_("Shipment %(no)s: %(error)s") % {"no": shipment.number, "error": m}
                                           for m in messages] for field, messages in exc.message_dict.items()}) from exc
    with transaction.atomic():
        orders, shipments = _lock_many([shipment for shipment, _c, _t, _at in dispatches])
        _check_times(shipments, times, label=None,
                     previous=lambda s: (s.approved_at, _("its approval")))
        fields = ["carrier", "tracking_number", "dispatched_at"]

        def tracking(shipment):
            carrier, tracking_number = tracked[shipment.pk]
            return {"carrier": carrier, "tracking_number": tracking_number, "at": times.get(shipment.pk)}

        company = [s for s in shipments if s.kind == ShipmentKind.COMPANY_DISPATCH]
        drop_ships = [s for s in shipments if s.kind != ShipmentKind.COMPANY_DISPATCH]
        if company:
            perform_many(company, "dispatch", actor=actor, comment=comment, update_fields=fields,
                         kwargs_for=tracking)
            by_pk = {s.pk: s for s in company}
            lines = ShipmentLine.objects.filter(shipment__in=list(by_pk))
            if len(company) == 1:
                consume(sources=lines, actor=actor, source=company[0])
            else:  # each stock-out row links to its own shipment
                documents = dict(lines.values_list("pk", "shipment_id"))
                consume(sources=lines, actor=actor, source={pk: by_pk[s] for pk, s in documents.items()})
        if drop_ships:
            perform_many(drop_ships, "dispatch_dropship", actor=actor, comment=comment, update_fields=fields,
                         kwargs_for=tracking)
            lines = _group_lines(_lines(drop_ships))
            entries = []
            for shipment in drop_ships:
                order = shipment.order
                for line in lines.get(shipment.pk, []):
                    entries.append(EntryDraft(
                        supplier_id=shipment.supplier_id, kind=EntryKind.DROP_SHIP_GOODS,
                        amount=(line.quantity * line.supplier_unit_price).quantize(CENT), source=line,
                        description=f"{shipment.number} · {order.external_order_no} · "
                                    f"{line.order_line.product.sku} × {line.quantity}"))
                if shipment.freight > 0:
                    entries.append(EntryDraft(supplier_id=shipment.supplier_id, kind=EntryKind.FREIGHT,
                                              amount=shipment.freight, source=shipment,
                                              description=f"{shipment.number} · {order.external_order_no}"))
            post_supplier_entries(entries=entries, actor=actor)
        _finish_many(orders, shipments, actor=actor)
        return shipments


def _finish_many(orders, shipments, *, actor):
    """After a transition of several shipments ({order id: locked order}, the shipments): each order
    concerned re-derives its status once, from one read of the totals of every order still open."""
    moved = {}
    for shipment in shipments:
        if shipment.purpose == ShipmentPurpose.SALE and shipment.state in MOVES_ORDER_STATUS:
            moved.setdefault(shipment.order_id, []).append(shipment.number)
    open_ids = [order_id for order_id in moved if orders[order_id].fulfilment_status not in FINAL_ORDER_STATUSES]
    totals = selectors.fulfilment_totals_by_order(open_ids) if open_ids else {}
    for order_id, numbers in moved.items():
        derive_order_status(orders[order_id], actor=actor, totals=totals.get(order_id, []),
                            comment=_("Shipment %(no)s") % {"no": ", ".join(numbers)})


def mark_delivered(shipment, *, actor, comment="", at=None):
    with transaction.atomic():
        order, shipment = _lock(shipment)
        _check_times([shipment], {shipment.pk: at}, label=None,
                     previous=lambda s: (s.dispatched_at, _("its dispatch")))
        perform(shipment, "mark_delivered", actor=actor, comment=comment, update_fields=["delivered_at"], at=at)
        return _finish(order, shipment, actor=actor)


def mark_received(shipment, *, actor, comment="", at=None):
    with transaction.atomic():
        order, shipment = _lock(shipment)
        _check_times([shipment], {shipment.pk: at}, label=None,
                     previous=lambda s: (s.delivered_at or s.dispatched_at, _("its delivery")))
        perform(shipment, "mark_received", actor=actor, comment=comment, update_fields=["received_at"], at=at)
        return _finish(order, shipment, actor=actor)


def cancel_shipment(shipment, *, actor, reason=""):
    """Cancel before dispatch: sales before approval, an approver after (the model's permission check);
    reservations are released."""
    with transaction.atomic():
        order, shipment = _lock(shipment)
        previous = shipment.state
        reason = " ".join(str(reason or "").split())
        perform(shipment, "cancel", actor=actor, comment=reason, update_fields=["cancel_reason"])
        if previous in APPROVED_NOT_DISPATCHED and shipment.kind == ShipmentKind.COMPANY_DISPATCH:
            release(sources=_line_rows(shipment), actor=actor)
        notify_cancelled([(shipment, previous)], actor=actor, reason=reason)
        return _finish(order, shipment, actor=actor)


# ---- the order's cancellation cancels its undispatched shipments ------------------------------------


def cancel_undispatched_shipments(order, *, actor, reason=""):
    """Cancel every undispatched shipment of a cancelled order (the order's `cancel` permission is the
    authority here, so the shipment's own cancel permission is not asked) and release reservations."""
    shipments = list(Shipment.objects.filter(order_id=order.pk, state__in=CANCELLABLE)
                     .order_by("pk").select_for_update())
    reserved = [s for s in shipments if s.state in APPROVED_NOT_DISPATCHED
                and s.kind == ShipmentKind.COMPANY_DISPATCH]
    comment = _("Order cancelled: %(reason)s") % {"reason": reason} if reason else _("Order cancelled")
    previous = [(shipment, shipment.state) for shipment in shipments]
    for shipment in shipments:
        shipment.order = order
        shipment.cancel(by=actor, comment=comment)
        shipment.save(update_fields=["state", "cancel_reason"])
    if reserved:
        release(sources=list(ShipmentLine.objects.filter(shipment__in=reserved)), actor=actor)
    notify_cancelled(previous, actor=actor, reason=comment)
    return shipments


@receiver(post_transition, sender=Order, dispatch_uid="shipments.cancel_with_order")
def _on_order_transition(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    if name != "cancel":
        return
    method_kwargs = method_kwargs or {}
    cancel_undispatched_shipments(instance, actor=method_kwargs.get("by"),
                                  reason=method_kwargs.get("comment", ""))

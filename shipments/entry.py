"""Entering a shipment (DESIGN.md, "Shipment"): `create_shipment(order, *, kind, lines, actor, …)`, in
one transaction under the order's lock, so two drafts competing for the same open units cannot both be
saved; exchange/reship shipments come only from their after-sales ticket (`ticket_ref`)."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import RowError
from core.parsing import parse_money
from core.transitions import perform_many
from orders.models import FulfilmentStatus, Order

from . import selectors
from .fulfilment import FINAL_ORDER_STATUSES
from .models import S, Shipment, ShipmentKind, ShipmentLine, ShipmentPurpose

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
        elif exc.code == "invalid":  # not a number at all (text, NaN, infinity)
            errors.setdefault(field, []).append(_("%(what)s must be a number.") % {"what": label})
        else:
            errors.setdefault(field, []).append(_("%(what)s must be 0 or more.") % {"what": label})
        return None


def line_label(number, order_line):
    return _("Line %(n)d (%(sku)s)") % {"n": number, "sku": order_line.product.sku}


# ---- create -----------------------------------------------------------------------------------------


def create_shipment(order, *, kind, lines, actor, purpose=ShipmentPurpose.SALE, ticket_ref=None, supplier=None,
                    warehouse=None, freight=Decimal("0"), entry_date=None):
    """Enter a shipment (state draft) against `order`; entered by `actor`. Returns the shipment.

    Sale lines never exceed their order line's open quantity (ordered − closed-short − units on the line's
    sale shipments that are not rejected or cancelled, drafts included); the check runs under a lock on the
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
        closed = FINAL_ORDER_STATUSES if purpose == ShipmentPurpose.SALE \
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
            label = line_label(number, order_line)
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
                   .order_by("pk"))
    live = [s for s in earlier if s.state != S.REJECTED]
    if live:
        raise OutboundShipmentExists(_("This after-sales ticket already has its outbound shipment %(no)s.")
                                     % {"no": live[0].number})
    # The ticket's handler replaces it: the ticket is the authority, not the shipment's cancel permission.
    perform_many(earlier, "cancel", actor=actor, comment=_("Rejected and replaced by a new outbound shipment."),
                 update_fields=["cancel_reason"], check_permission=False)
    try:
        with transaction.atomic():
            shipment.save()
    except IntegrityError as exc:  # shipment_one_live_per_ticket: another one was saved first
        raise OutboundShipmentExists(_("This after-sales ticket already has its outbound shipment.")) from exc

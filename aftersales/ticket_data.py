"""What a ticket form or the API hands to register/update a ticket (TicketData), its validation and
normalisation (every field's refusal named, nothing written), and the fields an edit may change."""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.roles import Role
from core.parsing import parse_money

from .models import RETURN_TYPES, ReturnDestination, TicketLine, TicketReason, TicketType
from .selectors import default_charge_back_amount


@dataclass
class TicketData:
    """What the form and the API hand to register/update. `lines` is [(order_line, quantity)]."""

    type: str
    order: object
    handler: object
    reason: str
    lines: list
    supplier: object = None
    description: str = ""
    return_carrier: object = None
    return_tracking_no: str = ""
    return_destination: str = ""
    return_warehouse: object = None
    charge_back: bool = False
    charge_back_amount: Decimal | None = None
    compensate: bool = False
    manufacturer_amount: Decimal = Decimal("0")
    seller_amount: Decimal = Decimal("0")


def may_handle_tickets(user):
    """Who may be a ticket's handler: an active salesperson (or a superuser)."""
    return user.is_active and (user.has_role(Role.SALES) or user.is_superuser)


def money_or_error(value, field, errors, *, required=False):
    if value in (None, ""):
        if required:
            errors.setdefault(field, []).append(_("Enter an amount."))
        return None
    try:  # core.parsing.parse_money: the project's one money parser (never rounds)
        amount = parse_money(value)
    except ValidationError as exc:
        errors.setdefault(field, []).append(_("At most 2 decimal places and 10 digits.") if exc.code in (
            "max_digits", "max_decimal_places") else _("Enter a number."))
        return None
    if amount < 0:
        errors.setdefault(field, []).append(_("The amount must be 0 or more."))
        return None
    return amount


def validate_ticket_data(data, *, ticket=None):
    """Normalise `data` in place; raise ValidationError({field: [messages]}) when it is not valid."""
    errors = {}
    if data.type not in TicketType.values:
        errors["type"] = [_("Pick a ticket type.")]
    if data.reason not in TicketReason.values:
        errors["reason"] = [_("Pick a reason.")]
    if data.order is None:
        errors["order"] = [_("Pick the order.")]
    if data.handler is None:
        errors["handler"] = [_("Pick a handler.")]
    elif not may_handle_tickets(data.handler):
        errors["handler"] = [_("The handler must be an active salesperson.")]
    data.description = str(data.description or "").strip()
    data.return_tracking_no = " ".join(str(data.return_tracking_no or "").split())[:64]
    # lines
    line_errors = []
    seen = set()
    clean_lines = []
    for order_line, quantity in data.lines:
        if data.order is not None and order_line.order_id != data.order.pk:
            line_errors.append(_("A line does not belong to the order."))
            continue
        if order_line.pk in seen:
            line_errors.append(_("%(sku)s appears twice.") % {"sku": order_line.product.sku})
            continue
        seen.add(order_line.pk)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            line_errors.append(_("%(sku)s: the quantity must be a whole number above 0.")
                               % {"sku": order_line.product.sku})
        elif quantity > order_line.quantity:
            line_errors.append(_("%(sku)s: at most %(n)d (the ordered quantity).")
                               % {"sku": order_line.product.sku, "n": order_line.quantity})
        else:
            clean_lines.append((order_line, quantity))
    if data.type != TicketType.COMPENSATION and not data.lines and not line_errors:
        line_errors.append(_("Pick at least one product line of the order and its quantity."))
    if line_errors:
        errors["lines"] = line_errors
    data.lines = clean_lines
    # return logistics
    if data.type in RETURN_TYPES:
        if data.return_destination not in ReturnDestination.values:
            errors["return_destination"] = [_("Say where the returned goods go: a warehouse or the manufacturer.")]
        elif data.return_destination == ReturnDestination.WAREHOUSE and data.return_warehouse is None:
            errors["return_warehouse"] = [_("Pick the warehouse that receives the return.")]
    else:
        data.return_destination = ""
        data.return_warehouse = None
    if data.return_destination == ReturnDestination.MANUFACTURER:
        data.return_warehouse = None
    # money
    manufacturer = money_or_error(data.manufacturer_amount, "manufacturer_amount", errors) or Decimal("0.00")
    seller = money_or_error(data.seller_amount, "seller_amount", errors) or Decimal("0.00")
    if data.compensate:
        if not errors.get("manufacturer_amount") and not errors.get("seller_amount") and manufacturer + seller <= 0:
            errors["manufacturer_amount"] = [_("Enter the manufacturer amount, the seller amount or both.")]
    else:
        manufacturer = seller = Decimal("0.00")
    data.manufacturer_amount, data.seller_amount = manufacturer, seller
    if data.charge_back:
        amount = money_or_error(data.charge_back_amount, "charge_back_amount", errors)
        if amount is None and not errors.get("charge_back_amount"):
            amount = default_charge_back_amount(clean_lines)
        if amount is not None and amount <= 0 and not errors.get("charge_back_amount"):
            errors["charge_back_amount"] = [_("A charge-back needs an amount above 0.")]
        data.charge_back_amount = amount
    else:
        data.charge_back_amount = Decimal("0.00")
    if (data.charge_back or (data.compensate and manufacturer > 0)) and data.supplier is None:
        errors["supplier"] = [_("Pick the supplier that is charged back or compensates.")]
    if data.type == TicketType.COMPENSATION and not data.compensate:
        errors["compensate"] = [_("A compensation ticket compensates: tick it and enter the amounts.")]
    if errors:
        raise ValidationError(errors)


def apply_ticket_data(ticket, data):
    """Copy every field of `data` but its lines onto the ticket; the store follows the order, the total
    is the two compensation amounts."""
    for f in fields(TicketData):
        if f.name != "lines":
            setattr(ticket, f.name, getattr(data, f.name))
    ticket.store_id = data.order.store_id
    ticket.total_amount = data.manufacturer_amount + data.seller_amount


EDITABLE_FIELDS = ["type", "order", "store", "handler", "supplier", "reason", "description", "return_carrier",
                   "return_tracking_no", "return_destination", "return_warehouse", "charge_back",
                   "charge_back_amount", "compensate", "manufacturer_amount", "seller_amount", "total_amount"]


def edit_snapshot(ticket):
    """{field: value} of what an edit may change, the lines as {order line id: quantity}: the audit row of an
    edit names the fields that differ."""
    values = {name: getattr(ticket, ticket._meta.get_field(name).attname) for name in EDITABLE_FIELDS}
    values["lines"] = dict(TicketLine.objects.filter(ticket=ticket).values_list("order_line_id", "quantity"))
    return values

"""One drop-ship per supplier (DESIGN.md, "Shipment": a drop-ship is shipped by one supplier).

The lines of an order may come from several manufacturers: a drop-ship of them all would send every
line to one supplier (the entry form used to take the first line's). `supplier_groups` says which
supplier ships which of the lines — each product's default supplier —, and `create_drop_ships_by_supplier`
enters one drop-ship per supplier through `entry.create_shipment`, all or nothing."""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from orders.models import OrderLine

from .models import ShipmentKind


@dataclass
class SupplierGroup:
    """The lines one supplier ships (LineInput, in the order given), their positions in the list they were
    grouped from, and the freight of its drop-ship."""

    supplier: object
    lines: list = field(default_factory=list)
    freight: Decimal = Decimal("0")
    positions: list = field(default_factory=list)

    def add(self, line, position):
        self.lines.append(replace(line, position=position))  # refusals name the line as the person sent it
        self.positions.append(position)


def _line_id(line):
    return getattr(line.order_line, "pk", line.order_line)


def supplier_groups(order, lines):
    """The lines (entry.LineInput) of `order` grouped by the default supplier of their product, in the
    order each supplier first appears. A line that is not one of the order's goes with the first group
    (create_shipment refuses it there, naming it)."""
    ids = [_line_id(line) for line in lines]
    suppliers = {line.pk: line.product.default_supplier for line in OrderLine.objects.filter(
        order_id=order.pk, pk__in=[i for i in ids if isinstance(i, int)]).select_related("product__default_supplier")}
    groups = {}
    strays = []
    for position, (line, line_id) in enumerate(zip(lines, ids, strict=True)):
        supplier = suppliers.get(line_id)
        if supplier is None:
            strays.append((line, position))
            continue
        groups.setdefault(supplier.pk, SupplierGroup(supplier)).add(line, position)
    result = list(groups.values())
    if strays:
        if not result:
            result = [SupplierGroup(None)]
        for line, position in strays:
            result[0].add(line, position)
    return result


def create_drop_ships_by_supplier(*, order, groups, actor, submit=False):
    """Enter one drop-ship per SupplierGroup (each with its lines and freight) against `order` — and submit
    each when `submit` —, all or nothing: if any is refused, none is saved and the refusals of every
    group come back together in one ValidationError (each line's RowError kept, so a page marks the row;
    a supplier's own refusal — inactive, a bad freight — prefixed with its name). Returns the shipments."""
    from .approval import submit_shipment
    from .entry import create_shipment

    groups = [group for group in groups if group.lines]
    if not groups:
        raise ValidationError({"lines": [_("Ship at least one line.")]})
    if len(groups) > 20:
        raise ValidationError({"lines": [_("At most %(n)d suppliers at once.") % {"n": 20}]})
    errors = {}
    shipments = []
    with transaction.atomic():
        for group in groups:
            try:
                shipments.append(create_shipment(order=order, kind=ShipmentKind.DROP_SHIP, supplier=group.supplier,
                                                 lines=group.lines, freight=group.freight, actor=actor))
            except ValidationError as exc:
                for name, refusals in exc.error_dict.items():
                    if name == "lines":
                        errors.setdefault(name, []).extend(refusals)
                    else:
                        errors.setdefault(name, []).extend(
                            _("%(supplier)s: %(error)s") % {"supplier": group.supplier, "error": message}
                            if group.supplier is not None else message
                            for refusal in refusals for message in refusal)
        if errors:
            raise ValidationError(errors)
        if submit:
            shipments = [submit_shipment(shipment, actor=actor) for shipment in shipments]
    return shipments

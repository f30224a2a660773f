"""Reading the shipments a step acts on: the orders locked first where the step reads or writes them,
the shipments fresh (their own rows are guarded by the transition's conditional UPDATE), and their lines."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from orders.models import Order

from .models import Shipment, ShipmentLine


def lock_shipment(shipment, *, order=True, related=()):
    """`lock_shipments` for one shipment → (locked order or None, fresh shipment)."""
    orders, (fresh,) = lock_shipments([shipment], orders=order, related=related)
    return (orders[fresh.order_id] if order else None), fresh


def lock_shipments(shipments, *, orders=True, related=()):
    """Lock the orders' rows (unless `orders=False`) in pk order and read the shipments fresh, in one
    query each whatever their number; return ({order id: locked order}, fresh shipments in the given
    order). Raises Shipment.DoesNotExist for a shipment that is gone, ValidationError for one given twice.

    The order rows are locked where the order is read or written: the open quantity (create, reopen)
    and the derived status (dispatch, delivered, received, cancel). The shipment rows are not locked:
    every step moves its shipments with `core.transitions.perform(_many)`, whose conditional UPDATE on
    the state is the guard (two people approving, dispatching or cancelling one shipment at once: the
    first UPDATE wins, the second matches no row and raises ConcurrentTransition before anything of its
    own is kept). Submit, approve, reject and start picking change neither open quantity nor derived
    status, so they lock no order either; the shipment's `order` then loads on first use.

    `related` names the shipments' relations the step reads ("order", "supplier", "warehouse"). A
    relation the caller's instance already holds with the same id is reused (the order's descriptive
    fields and the master data are not locked by any step, so this reads nothing less current than a
    join would at the caller's moment); the others come in the same query by select_related."""
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
        queryset = queryset.select_related(*sorted(joined))
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


def lines_of(shipments):
    """The lines (with order line and product) of a shipment or of a list of shipments, by id."""
    ids = [s.pk for s in shipments] if isinstance(shipments, (list, tuple)) else [shipments.pk]
    return list(ShipmentLine.objects.filter(shipment__in=ids).select_related("order_line__product")
                .order_by("id"))


def line_rows(shipment):
    """The shipment's lines as a queryset (for a subquery: consume/release find their reservations by it)."""
    return ShipmentLine.objects.filter(shipment=shipment)


def group_lines(lines):
    """{shipment id: [its lines]}."""
    grouped = {}
    for line in lines:
        grouped.setdefault(line.shipment_id, []).append(line)
    return grouped

"""Moving shipments out and on (DESIGN.md, "Shipment"): start picking (one, or a print run's), dispatch
with carrier + tracking no. (one from its page or the API, many from a tracking file: a company dispatch
consumes its reservations into stock-out rows, a drop-ship posts its supplier account entries), then
delivered and received. After a dispatch is written, `signals.shipment_dispatched` is sent in the same
transaction (aftersales resolves the tickets of exchange/reship shipments from it)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Carrier
from core.parsing import check_outside_time, parse_id
from core.transitions import perform, perform_many
from inventory.services import consume
from reconciliation.models import EntryKind
from reconciliation.services import EntryDraft, post_supplier_entries

from .fulfilment import finish_transition, finish_transitions
from .locking import group_lines, lines_of, lock_shipment, lock_shipments
from .models import Shipment, ShipmentKind, ShipmentLine
from .signals import shipment_dispatched
from .summary import record_dispatched

CENT = Decimal("0.01")


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
        _none, shipments = lock_shipments(shipments, orders=False)
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
        orders, shipments = lock_shipments([shipment for shipment, _c, _t, _at in dispatches])
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
            lines = group_lines(lines_of(drop_ships))
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
        record_dispatched(shipments, orders)  # the dashboards' daily units, in the dispatch's transaction
        finish_transitions(orders, shipments, actor=actor)
        # Told after everything above is written, inside the same transaction (aftersales resolves the
        # ticket of a dispatched exchange/reship shipment: it commits or rolls back with the dispatch).
        shipment_dispatched.send(sender=Shipment, shipments=shipments, actor=actor)
        return shipments


def mark_delivered(shipment, *, actor, comment="", at=None):
    with transaction.atomic():
        order, shipment = lock_shipment(shipment)
        _check_times([shipment], {shipment.pk: at}, label=None,
                     previous=lambda s: (s.dispatched_at, _("its dispatch")))
        perform(shipment, "mark_delivered", actor=actor, comment=comment, update_fields=["delivered_at"], at=at)
        return finish_transition(order, shipment, actor=actor)


def mark_received(shipment, *, actor, comment="", at=None):
    with transaction.atomic():
        order, shipment = lock_shipment(shipment)
        _check_times([shipment], {shipment.pk: at}, label=None,
                     previous=lambda s: (s.delivered_at or s.dispatched_at, _("its delivery")))
        perform(shipment, "mark_received", actor=actor, comment=comment, update_fields=["received_at"], at=at)
        return finish_transition(order, shipment, actor=actor)

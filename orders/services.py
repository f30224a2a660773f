"""Every write to orders: taking an order in (form, import, API), cancelling it, its half of closing it
short (driven by shipments.closing), and the one function that writes its derived fulfilment status
(driven by the shipments app)."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from core.audit import record_event
from core.parsing import CLOCK_SKEW, parse_money
from core.transitions import perform
from notifications.services import notify

from .messages import NEW_ORDER, ORDERS_IMPORTED
from .models import AftersalesStatus, FulfilmentStatus, Order, OrderLine, OrderSource

MAX_LINES = 500


@dataclass
class LineData:
    product: object  # catalog.Product
    quantity: int
    unit_price: Decimal


@dataclass
class OrderData:
    """One order as the form, the importer and the API hand it to the services."""

    external_order_no: str
    recipient_name: str
    recipient_phone: str
    recipient_address: str
    ordered_at: datetime
    lines: list = field(default_factory=list)


def as_line(line):
    """A LineData from a LineData, a dict {product, quantity, unit_price} or a 3-tuple."""
    if isinstance(line, LineData):
        return line
    if isinstance(line, dict):
        return LineData(product=line.get("product"), quantity=line.get("quantity"),
                        unit_price=line.get("unit_price"))
    product, quantity, unit_price = line
    return LineData(product=product, quantity=quantity, unit_price=unit_price)


def _clean_text(value):
    return " ".join(str(value or "").split())


def validate_order_data(*, store, data):
    """Normalise `data` in place and raise ValidationError({field: [messages]}) when it is not valid.

    Line errors are keyed `lines` and name the line (1-based)."""
    errors = {}
    data.external_order_no = str(data.external_order_no or "").strip()
    data.recipient_name = _clean_text(data.recipient_name)
    data.recipient_phone = _clean_text(data.recipient_phone)
    data.recipient_address = _clean_text(data.recipient_address)
    if store is None:
        errors["store"] = [_("Pick a store.")]
    elif not store.is_active:
        errors["store"] = [_("Store %(store)s is inactive; it takes no orders.") % {"store": store}]
    limits = {"external_order_no": 64, "recipient_name": 100, "recipient_phone": 40, "recipient_address": 300}
    required = {
        "external_order_no": _("The order no. is required."),
        "recipient_name": _("The recipient name is required."),
        "recipient_phone": _("The recipient phone is required."),
        "recipient_address": _("The recipient address is required."),
    }
    for name, message in required.items():
        value = getattr(data, name)
        if not value:
            errors[name] = [message]
        elif len(value) > limits[name]:
            errors[name] = [_("At most %(n)d characters.") % {"n": limits[name]}]
    if not isinstance(data.ordered_at, datetime):
        errors["ordered_at"] = [_("The order date and time is required.")]
    else:
        if timezone.is_naive(data.ordered_at):  # typed on a page or read from a store's file: local time
            data.ordered_at = timezone.make_aware(data.ordered_at)
        if data.ordered_at > timezone.now() + CLOCK_SKEW:
            errors["ordered_at"] = [_("The order time cannot be in the future.")]
    line_errors = []
    if not data.lines:
        line_errors.append(_("An order needs at least one line."))
    elif len(data.lines) > MAX_LINES:
        line_errors.append(_("At most %(n)d lines per order.") % {"n": MAX_LINES})
    for number, line in enumerate(data.lines, start=1):
        if line.product is None:
            line_errors.append(_("Line %(n)d: pick a product.") % {"n": number})
        elif not line.product.is_active:
            line_errors.append(_("Line %(n)d: product %(sku)s is inactive.") % {"n": number, "sku": line.product.sku})
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or line.quantity <= 0:
            line_errors.append(_("Line %(n)d: the quantity must be a whole number above 0.") % {"n": number})
        try:  # core.parsing.parse_money: the project's one money parser (never rounds)
            price = parse_money(line.unit_price, minimum=Decimal("0"))
        except ValidationError as exc:
            if exc.code in ("max_digits", "max_decimal_places"):
                line_errors.append(_("Line %(n)d: the unit price has at most 2 decimal places and 10 digits.")
                                   % {"n": number})
            else:
                line_errors.append(_("Line %(n)d: the unit price must be 0 or more.") % {"n": number})
        else:
            line.unit_price = price
    if line_errors:
        errors["lines"] = line_errors
    if errors:
        raise ValidationError(errors)


def _check_may_add(actor):
    if actor is None or not actor.has_perm("orders.add_order"):
        raise PermissionDenied(_("You may not add orders."))


def _notify_salesperson(order):
    notify(
        recipients=[order.store.salesperson_id], message=NEW_ORDER,
        params={"no": order.external_order_no, "store": str(order.store), "name": order.recipient_name,
                "address": order.recipient_address},
        link=order.get_absolute_url(),
        event="order_created",
    )


def create_order(*, store, external_order_no, recipient_name, recipient_phone, recipient_address, ordered_at,
                 lines, actor, source=OrderSource.FORM):
    """Take in one order; idempotent on (store, external order no.). Returns (order, created).

    A retry (same store and order no.) returns the existing order unchanged with created=False, also
    when two requests race: the unique constraint decides, inside a savepoint. A new order notifies
    the store's responsible salesperson in the same transaction. Invalid data raises ValidationError
    and writes nothing; an actor without `orders.add_order` gets PermissionDenied."""
    _check_may_add(actor)
    data = OrderData(external_order_no=external_order_no, recipient_name=recipient_name,
                     recipient_phone=recipient_phone, recipient_address=recipient_address,
                     ordered_at=ordered_at, lines=[as_line(line) for line in lines])
    validate_order_data(store=store, data=data)
    existing = Order.objects.filter(store=store, external_order_no=data.external_order_no).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            order = Order.objects.create(
                store=store, external_order_no=data.external_order_no, recipient_name=data.recipient_name,
                recipient_phone=data.recipient_phone, recipient_address=data.recipient_address,
                ordered_at=data.ordered_at, source=source, created_by=actor,
            )
            OrderLine.objects.bulk_create(
                OrderLine(order=order, product=line.product, quantity=line.quantity, unit_price=line.unit_price)
                for line in data.lines
            )
            _notify_salesperson(order)
    except IntegrityError:
        # Someone else took the same key in between: theirs stands, ours is a retry.
        existing = Order.objects.filter(store=store, external_order_no=data.external_order_no).first()
        if existing is None:
            raise
        return existing, False
    return order, True


@dataclass
class BulkResult:
    created: list = field(default_factory=list)  # Order instances
    skipped: list = field(default_factory=list)  # external order numbers that already existed


def create_orders_in_bulk(*, store, orders, actor, source=OrderSource.IMPORT):
    """Take in many orders of one store at once (an imported file): all or nothing.

    Orders whose (store, order no.) exists are skipped, never changed. Every order is validated first;
    the first invalid one raises ValidationError (keyed by order no.) and nothing is written. The
    salesperson gets one notification for the batch instead of one per order."""
    _check_may_add(actor)
    errors = {}
    for data in orders:
        try:
            validate_order_data(store=store, data=data)
        except ValidationError as exc:
            errors[data.external_order_no or "?"] = [m for ms in exc.message_dict.values() for m in ms]
    if errors:
        raise ValidationError(errors)
    numbers = [d.external_order_no for d in orders]
    if len(set(numbers)) != len(numbers):
        raise ValidationError(_("The same order no. appears twice in one batch."))
    result = BulkResult()
    with transaction.atomic():
        existing = set()
        for start in range(0, len(numbers), 500):
            existing.update(Order.objects.filter(store=store, external_order_no__in=numbers[start:start + 500])
                            .values_list("external_order_no", flat=True))
        new = [d for d in orders if d.external_order_no not in existing]
        result.skipped = [d.external_order_no for d in orders if d.external_order_no in existing]
        if not new:
            return result
        created = Order.objects.bulk_create(
            [Order(store=store, external_order_no=d.external_order_no, recipient_name=d.recipient_name,
                   recipient_phone=d.recipient_phone, recipient_address=d.recipient_address,
                   ordered_at=d.ordered_at, source=source, created_by=actor) for d in new],
            batch_size=1000,
        )
        OrderLine.objects.bulk_create(
            (OrderLine(order_id=order.pk, product=line.product, quantity=line.quantity,
                       unit_price=line.unit_price)
             for order, d in zip(created, new, strict=True) for line in d.lines),
            batch_size=2000,
        )
        result.created = created
        first = created[0]
        if len(created) > 1:
            notify(recipients=[store.salesperson_id], message=ORDERS_IMPORTED, event="order_created",
                   params={"count": len(created), "store": str(store), "numbers": ", ".join(
                       o.external_order_no for o in created[:20]) + (" …" if len(created) > 20 else "")})
        else:
            notify(recipients=[store.salesperson_id], message=NEW_ORDER, link=first.get_absolute_url(),
                   params={"no": first.external_order_no, "store": str(store), "name": first.recipient_name,
                           "address": first.recipient_address}, event="order_created")
    return result


class IntakeOutcome(StrEnum):
    CREATED = "created"
    ALREADY_PRESENT = "already_present"
    INVALID = "invalid"


@dataclass
class IntakeResult:
    """What became of one order of a batch (take_in_orders)."""

    outcome: str  # an IntakeOutcome
    order: object = None  # the Order created or already present
    errors: dict = field(default_factory=dict)  # {field: [messages]} when invalid


def take_in_orders(*, batch, actor, source=OrderSource.API, errors=None):
    """Take in a batch of orders of any stores (an integration's bulk call), each on its own: all or nothing
    per order, not per batch. `batch` is [(store, OrderData)]; `errors` maps a batch index to field errors
    already found by the caller (an unknown store or SKU). → [IntakeResult] in batch order.

    An invalid order is answered with its errors and written not; the valid ones go through
    create_orders_in_bulk, one call per store, so an order whose (store, order no.) exists — before or
    earlier in the same batch — is reported already present, never changed."""
    _check_may_add(actor)
    results = [None] * len(batch)
    valid = {}  # store id → {order no.: (store, data, [indexes])}
    for index, (store, data) in enumerate(batch):
        if errors and errors.get(index):
            results[index] = IntakeResult(IntakeOutcome.INVALID, errors=errors[index])
            continue
        try:
            validate_order_data(store=store, data=data)
        except ValidationError as exc:
            results[index] = IntakeResult(IntakeOutcome.INVALID, errors=exc.message_dict)
            continue
        per_store = valid.setdefault(store.pk, {})
        per_store.setdefault(data.external_order_no, (store, data, []))[2].append(index)
    for per_store in valid.values():
        store = next(iter(per_store.values()))[0]
        orders = [data for _store, data, _indexes in per_store.values()]
        try:
            created = create_orders_in_bulk(store=store, orders=orders, actor=actor, source=source).created
        except IntegrityError:  # a concurrent call took one of the numbers meanwhile: those now exist
            created = create_orders_in_bulk(store=store, orders=orders, actor=actor, source=source).created
        created_numbers = {order.external_order_no for order in created}
        present = {o.external_order_no: o for o in Order.objects.filter(
            store=store, external_order_no__in=list(per_store))}
        for number, (_store, _data, indexes) in per_store.items():
            first, *repeats = indexes
            outcome = IntakeOutcome.CREATED if number in created_numbers else IntakeOutcome.ALREADY_PRESENT
            results[first] = IntakeResult(outcome, order=present[number])
            for index in repeats:
                results[index] = IntakeResult(IntakeOutcome.ALREADY_PRESENT, order=present[number])
    return results


def live_ticket_refusal():
    """Why an order awaiting shipment cannot be cancelled while an after-sales ticket is live."""
    return _("The order has a live after-sales ticket: it cannot be cancelled until every ticket is resolved, "
             "closed or rejected.")


def cancel_refusal(order):
    """Why `order` cannot be cancelled although it awaits shipment (a sentence), or "": an after-sales
    ticket is live. (Once something is dispatched, the `cancel` transition itself refuses.)"""
    if order.has_live_aftersales_ticket and order.fulfilment_status == FulfilmentStatus.AWAITING_SHIPMENT:
        return live_ticket_refusal()
    return ""


def clean_cancel_reason(reason):
    """The reason an order is cancelled, normalised; ValidationError({"reason": …}) when it is missing."""
    reason = _clean_text(reason)
    if not reason:
        raise ValidationError({"reason": [_("Say why the order is cancelled.")]})
    return reason[:300]


def set_cancelled(order, *, actor, reason):
    """The orders half of cancelling `order`, called only by `shipments.cancelling.cancel_order` (which
    holds the order locked and then cancels its undispatched shipments): allowed while nothing is
    dispatched and no after-sales ticket is live (permission `orders.cancel_order`); the reason is kept
    and the `cancel` transition logged with it. Returns the order.

    Raises TransitionNotAllowed when the order is past awaiting shipment or has a live after-sales ticket
    (read from its after-sales status, which aftersales writes under this same order lock),
    PermissionDenied without the permission, ValidationError without a reason."""
    reason = clean_cancel_reason(reason)
    refusal = cancel_refusal(order)
    if refusal:
        raise TransitionNotAllowed(refusal, object=order)
    order.cancel_reason = reason
    return perform(order, "cancel", actor=actor, comment=reason, update_fields=["cancel_reason"])


# ---- close short 部分发货结案 (the whole action: shipments.closing.close_order_short) ---------------------


def close_short_refusal(order):
    """Why `order` cannot be closed short now (a sentence), or "" when its state allows it: only a
    partly shipped order is closed short (nothing dispatched → cancel it; all dispatched → nothing left)."""
    status = order.fulfilment_status
    if status == FulfilmentStatus.PARTIALLY_SHIPPED:
        return ""
    if status == FulfilmentStatus.AWAITING_SHIPMENT:
        return _("Nothing of this order was dispatched: cancel it instead of closing it short.")
    if status == FulfilmentStatus.CANCELLED:
        return _("The order is cancelled; there is nothing to close short.")
    return _("Every unit of this order was dispatched; there is nothing to close short.")


def clean_close_short_reason(reason):
    """The reason, normalised; ValidationError({"reason": …}) when it is missing or too long."""
    reason = _clean_text(reason)
    if not reason:
        raise ValidationError({"reason": [_("Say why the rest of the order will never ship.")]})
    if len(reason) > 300:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": 300}]})
    return reason


def check_may_close_short(order, *, actor):
    """Refuse before anything is written: TransitionNotAllowed (naming why) when the order's state does
    not allow it, PermissionDenied without `orders.close_order_short`."""
    refusal = close_short_refusal(order)
    if refusal:
        raise TransitionNotAllowed(refusal, object=order)
    if actor is None or not actor.has_perm("orders.close_order_short"):
        raise PermissionDenied(_("You may not close orders short."))


def set_closed_short(order, *, actor, reason, closed_short, status):
    """The orders half of closing `order` short, called only by `shipments.closing.close_order_short`
    (which holds the order locked, has cancelled its undispatched shipments and counted what was
    dispatched): each line's `closed_short[line id]` units become closed-short units, the reason is
    kept, and the order moves to `status` — derived over the units that remain — by the `close_short`
    transition (logged with the reason). Returns the order."""
    reason = clean_close_short_reason(reason)
    check_may_close_short(order, actor=actor)
    for line_id, units in closed_short.items():
        if units:
            OrderLine.objects.filter(pk=line_id, order_id=order.pk).update(closed_short_quantity=units)
    order.close_short_reason = reason
    return perform(order, "close_short", actor=actor, comment=reason, update_fields=["close_short_reason"],
                   status=status)


def set_fulfilment_status(order, *, status, actor=None, comment=""):
    """THE one writer of an order's derived fulfilment status (DESIGN.md, "Order").

    The shipments app calls this after each of its transitions with the status it derived from the
    order's sale shipments (and, later, the invoice). Cancelled and invoiced orders are final; an
    unchanged status writes nothing. Returns the order."""
    status = FulfilmentStatus(status)
    if status == FulfilmentStatus.CANCELLED:
        raise ValueError("use shipments.cancelling.cancel_order() to cancel an order")
    if order.fulfilment_status == status:
        return order
    return perform(order, "derive_fulfilment_status", actor=actor, comment=comment, status=status)


def set_aftersales_status(order, *, status):
    """THE one writer of an order's after-sales status (DESIGN.md, "Order"): the aftersales app calls it
    with the status it derived from the order's tickets (none / in_progress / resolved). Written with a
    plain UPDATE of that one column, so it never races the fulfilment status's concurrent-transition
    check, with an audit row on the order's timeline (from, to) in the same transaction. An unchanged status
    writes nothing. Returns the order."""
    status = AftersalesStatus(status)
    if order.aftersales_status != status:
        Order.objects.filter(pk=order.pk).update(aftersales_status=status)
        record_event(order, event="derive_aftersales_status", actor=None, source=order.aftersales_status,
                     target=status)
        order.aftersales_status = status
    return order

"""Telling people about dispatch deadlines (DESIGN.md, "Dispatch deadline"; the levels are derived by
orders/deadlines.py and shipments/deadlines.py).

- `send_deadline_notices` (the periodic task): each order that became at risk or overdue is announced to its
  store's responsible salesperson, each approved drop-ship to the supplier's portal users and that
  salesperson — once per (document, level). A DeadlineNotice row with a unique key is written in the
  transaction of the notifications, so running twice, or twice at once, sends nothing new (the loser's
  insert meets the key and its whole transaction rolls back). Set-based: a query per (kind, level), one
  insert of notices, one of notifications, one of audit rows per kind.
- `remind_supplier` (the monitoring dashboard's button): tells the supplier now, audited."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Supplier
from core.audit import record_event, record_events
from notifications.services import Notice, notify, notify_each
from orders import deadlines as order_deadlines
from orders.deadlines import DeadlineLevel
from orders.messages import (
    DROP_SHIP_AT_RISK,
    DROP_SHIP_OVERDUE,
    ORDER_AT_RISK,
    ORDER_OVERDUE,
    SUPPLIER_REMINDER,
    SUPPLIER_REMINDER_TO_PASS_ON,
)
from orders.models import Order

from . import deadlines
from .models import DeadlineDocument, DeadlineNotice, S, Shipment, ShipmentKind

# A document that became overdue longer ago than this (an old order imported late, the task stopped for
# days) is not announced any more: it is on the monitoring dashboard, and a flood of stale notices helps nobody.
NOTICE_LOOKBACK = timedelta(days=7)
MESSAGES = {
    (DeadlineDocument.ORDER, DeadlineLevel.AT_RISK): ORDER_AT_RISK,
    (DeadlineDocument.ORDER, DeadlineLevel.OVERDUE): ORDER_OVERDUE,
    (DeadlineDocument.SHIPMENT, DeadlineLevel.AT_RISK): DROP_SHIP_AT_RISK,
    (DeadlineDocument.SHIPMENT, DeadlineLevel.OVERDUE): DROP_SHIP_OVERDUE,
}


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _not_yet_told(document, level):
    return ~Exists(DeadlineNotice.objects.filter(document=document, level=level, document_id=OuterRef("pk")))


def _due(queryset, level, now):
    queryset = queryset.filter(deadline=level)
    if level == DeadlineLevel.OVERDUE:
        queryset = queryset.filter(dispatch_by__gte=now - NOTICE_LOOKBACK)
    return queryset.order_by("dispatch_by", "pk")


def _late_orders(level, now):
    return list(_due(order_deadlines.filter_deadline(Order.objects.select_related("store"), level, now=now)
                     .filter(_not_yet_told(DeadlineDocument.ORDER, level)), level, now))


def _late_drop_ships(level, now):
    approved = Shipment.objects.filter(kind=ShipmentKind.DROP_SHIP, state=S.APPROVED)
    return list(_due(deadlines.filter_deadline(approved.select_related("order", "order__store", "supplier"), level,
                                               now=now)
                     .filter(_not_yet_told(DeadlineDocument.SHIPMENT, level)), level, now))


def _portal_users_by_supplier(supplier_ids):
    """{supplier id: [active portal user ids]} in one query."""
    through = Supplier.portal_users.through
    found = {}
    for supplier_id, user_id in (through.objects.filter(supplier_id__in=supplier_ids, user__is_active=True)
                                 .order_by("user_id").values_list("supplier_id", "user_id")):
        found.setdefault(supplier_id, []).append(user_id)
    return found


def _contact(supplier):
    return ", ".join(x for x in (supplier.contact_name, supplier.contact_phone, supplier.contact_email) if x)


def send_deadline_notices(*, now=None):
    """Announce every order and approved drop-ship that became at risk or overdue and was not yet
    announced at that level. Returns {"order": n, "shipment": n} documents announced."""
    now = now or timezone.now()
    with transaction.atomic():
        found = {(DeadlineDocument.ORDER, level): _late_orders(level, now) for level in order_deadlines.LATE}
        found |= {(DeadlineDocument.SHIPMENT, level): _late_drop_ships(level, now) for level in order_deadlines.LATE}
        portal_users = _portal_users_by_supplier(
            {s.supplier_id for (kind, _level), rows in found.items() if kind == DeadlineDocument.SHIPMENT
             for s in rows})
        notices, messages = [], []
        for (kind, level), rows in found.items():
            message = MESSAGES[kind, level]
            for row in rows:
                notices.append(DeadlineNotice(document=kind, document_id=row.pk, level=level,
                                              dispatch_by=row.dispatch_by, created_at=now))
                if kind == DeadlineDocument.ORDER:
                    messages.append(Notice((row.store.salesperson_id,), message, link=row.get_absolute_url(), params={
                        "no": row.external_order_no, "store": str(row.store), "dispatch_by": _when(row.dispatch_by),
                        "hours": row.store.promised_dispatch_hours}))
                    continue
                suppliers_people = portal_users.get(row.supplier_id, [])
                messages.append(Notice((row.order.store.salesperson_id, *suppliers_people), message,
                                       link=row.get_absolute_url(), params={
                                           "no": row.number, "order": row.order.external_order_no,
                                           "supplier": str(row.supplier), "dispatch_by": _when(row.dispatch_by),
                                           "contact": "" if suppliers_people else _contact(row.supplier) or "—"}))
        if not notices:
            return {"order": 0, "shipment": 0}
        DeadlineNotice.objects.bulk_create(notices)  # a notice already written by a concurrent run: IntegrityError
        notify_each(messages, event="dispatch_deadline")
        for kind in DeadlineDocument:
            rows = [(row, level) for (k, level), found_rows in found.items() if k == kind for row in found_rows]
            for level in order_deadlines.LATE:
                record_events([row for row, lv in rows if lv == level], event=f"deadline_{level}", actor=None,
                              comment=lambda row: _("Dispatch by %(when)s") % {"when": _when(row.dispatch_by)})
        return {kind.value: sum(len(rows) for (k, _level), rows in found.items() if k == kind)
                for kind in DeadlineDocument}


def remind_supplier(shipment, *, actor, now=None):
    """Remind the supplier of an approved drop-ship to dispatch it now: its active portal users are
    notified (inbox and e-mail, in their language); a supplier without one is reached through the store's
    salesperson, who is given the contact to pass it on. Audited on the shipment's timeline. Who may press
    the button is the caller's decision (the monitoring dashboard: managers). Returns the rows written."""
    now = now or timezone.now()
    with transaction.atomic():
        try:
            shipment = deadlines.with_deadline(
                Shipment.objects.select_for_update(of=("self",)).select_related("order", "order__store", "supplier")
                .filter(pk=shipment.pk), now=now).get()
        except Shipment.DoesNotExist:
            raise ValidationError(_("This shipment no longer exists.")) from None
        if shipment.kind != ShipmentKind.DROP_SHIP or shipment.state != S.APPROVED:
            raise ValidationError(_("Only an approved drop-ship that is not yet dispatched can be reminded."))
        supplier, order = shipment.supplier, shipment.order
        params = {"no": shipment.number, "order": order.external_order_no, "supplier": str(supplier),
                  "dispatch_by": _when(shipment.dispatch_by), "name": order.recipient_name,
                  "address": order.recipient_address, "contact": _contact(supplier) or "—"}
        portal_users = _portal_users_by_supplier([supplier.pk]).get(supplier.pk, [])
        if portal_users:
            rows = notify(recipients=portal_users, message=SUPPLIER_REMINDER, params=params,
                          event="shipment.supplier_reminded")
            told = _("the supplier's portal users")
        else:
            rows = notify(recipients=[order.store.salesperson_id], message=SUPPLIER_REMINDER_TO_PASS_ON,
                          params=params, link=shipment.get_absolute_url(), event="shipment.supplier_reminded")
            told = _("the store's salesperson, to pass on (no portal user)")
        record_event(shipment, event="remind_supplier", actor=actor,
                     comment=_("Supplier reminded to dispatch by %(when)s; told: %(who)s.") % {
                         "when": _when(shipment.dispatch_by), "who": told})
        return rows

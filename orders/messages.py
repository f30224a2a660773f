"""Notifications the orders app sends (notifications/messages.py: rendered in each reader's language)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications.messages import Message

NEW_ORDER = Message("orders.new_order", _("New order %(no)s from %(store)s"), _("%(name)s, %(address)s"))
ORDERS_IMPORTED = Message("orders.imported", _("%(count)d new orders imported for %(store)s"), "%(numbers)s")

# Dispatch deadlines (orders/deadlines.py, shipments/deadlines.py; sent by shipments.deadline_notices).
ORDER_AT_RISK = Message("deadline.order_at_risk", _("Order %(no)s of %(store)s is at risk: dispatch by %(dispatch_by)s"),
                        _("75 %% of the store's %(hours)s-hour dispatch window has passed and it is not fully dispatched."))
ORDER_OVERDUE = Message("deadline.order_overdue", _("Order %(no)s of %(store)s is overdue: dispatch was due %(dispatch_by)s"),
                        _("The store's %(hours)s-hour dispatch window has passed and it is not fully dispatched."))


def _drop_ship_late(p):
    # Called in the reader's language; the contact is named only when the supplier has no portal user.
    text = gettext("Supplier %(supplier)s has not dispatched it yet.") % p
    if p.get("contact"):
        text += " " + gettext("No portal user; contact: %(contact)s.") % p
    return text


DROP_SHIP_AT_RISK = Message("deadline.drop_ship_at_risk",
                            _("Drop-ship %(no)s (order %(order)s) is at risk: dispatch by %(dispatch_by)s"),
                            _drop_ship_late)
DROP_SHIP_OVERDUE = Message("deadline.drop_ship_overdue",
                            _("Drop-ship %(no)s (order %(order)s) is overdue: dispatch was due %(dispatch_by)s"),
                            _drop_ship_late)
SUPPLIER_REMINDER = Message("deadline.supplier_reminder",
                            _("Reminder: please dispatch %(no)s (order %(order)s) by %(dispatch_by)s"),
                            _("Ship to %(name)s, %(address)s. Enter the carrier and tracking no. once dispatched."))
SUPPLIER_REMINDER_TO_PASS_ON = Message(
    "deadline.supplier_reminder_to_pass_on",
    _("Remind %(supplier)s to dispatch %(no)s by %(dispatch_by)s (no portal user)"),
    _("Contact: %(contact)s. Order %(order)s, ship to %(name)s, %(address)s."))

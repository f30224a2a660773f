"""Notifications the orders app sends (notifications/messages.py: rendered in each reader's language)."""

from django.utils.translation import gettext_lazy as _

from notifications.messages import Message

NEW_ORDER = Message("orders.new_order", _("New order %(no)s from %(store)s"), _("%(name)s, %(address)s"))
ORDERS_IMPORTED = Message("orders.imported", _("%(count)d new orders imported for %(store)s"), "%(numbers)s")

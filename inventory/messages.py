"""Notifications the stock app sends (notifications/messages.py: rendered in each reader's language)."""

from django.utils.translation import gettext_lazy as _

from notifications.messages import Message

LOW_STOCK = Message("inventory.low_stock",
                    _("Low stock: %(sku)s in %(warehouse)s (%(available)s available)"),
                    _("%(product)s: %(available)s available in %(warehouse)s, below the threshold of "
                      "%(threshold)s."))
STOCK_CHECK_FAILED = Message("inventory.stock_check_failed",
                             _("Stock check: %(count)s balance(s) disagree with the ledger"), "%(differences)s")

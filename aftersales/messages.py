"""Notifications the after-sales app sends (notifications/messages.py: rendered in each reader's language)."""

from django.utils.translation import gettext_lazy as _

from notifications.messages import Message

ASSIGNED = Message("aftersales.assigned", _("After-sales ticket %(no)s assigned to you"))
MANY_ASSIGNED = Message("aftersales.many_assigned", _("%(count)d after-sales ticket(s) assigned to you"),
                        "%(numbers)s")
SUBMITTED = Message("aftersales.submitted", _("After-sales ticket %(no)s waits for approval"),
                    "%(type)s · %(order)s")
APPROVED = Message("aftersales.approved", _("After-sales ticket %(no)s approved"), "%(comment)s")
RETURN_EXPECTED = Message("aftersales.return_expected",
                          _("Return of after-sales ticket %(no)s expected in %(warehouse)s"),
                          _("Order %(order)s. Confirm the return received when the goods arrive."))
RETURN_TO_MANUFACTURER = Message(
    "aftersales.return_to_manufacturer",
    _("After-sales ticket %(no)s: confirm the return once the manufacturer has the goods"))
REJECTED = Message("aftersales.rejected", _("After-sales ticket %(no)s rejected"), "%(reason)s")
RETURN_RECEIVED = Message("aftersales.return_received", _("Return of after-sales ticket %(no)s received"))
RESOLVED_BY_DISPATCH = Message("aftersales.resolved_by_dispatch",
                               _("After-sales ticket %(no)s resolved: shipment dispatched"))
# A new note in a ticket's thread, for the other side: the supplier's portal users, or the seller's handler.
NOTE_FOR_SUPPLIER = Message("aftersales.note_for_supplier", _("New note on after-sales ticket %(no)s"), "%(text)s")
NOTE_FROM_SUPPLIER = Message("aftersales.note_from_supplier",
                             _("%(supplier)s replied on after-sales ticket %(no)s"), "%(text)s")

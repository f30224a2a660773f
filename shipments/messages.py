"""Notifications the shipments app sends (notifications/messages.py: rendered in each reader's language).
Texts made of optional parts are functions of the parameters, called in the reader's language."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.messages import Message


def _lines(*parts):
    return "\n".join(str(part) for part in parts if part)


def _reason(p):
    return _("Reason: %(reason)s") % p if p.get("reason") else ""


def _contact(p):
    return _("Contact: %(contact)s.") % {"contact": p.get("contact") or _("none on file")}


def _ship_to(p):
    return _("Order %(order)s: %(lines)s. Ship to %(name)s, %(phone)s, %(address)s.") % p


SUPPLIER_ASKED = Message("shipments.supplier_asked", gettext_lazy("Please ship %(no)s (drop-ship approved)"),
                         _ship_to)
SUPPLIER_TO_TELL = Message("shipments.supplier_to_tell",
                           gettext_lazy("Tell %(supplier)s to ship %(no)s (no portal user)"),
                           lambda p: _lines(_contact(p), _ship_to(p)))
READY_TO_PICK = Message("shipments.ready_to_pick",
                        gettext_lazy("Shipment %(no)s approved: ready to pick in %(warehouse)s"),
                        gettext_lazy("Order %(order)s, %(n)d line(s)."))
REJECTED = Message("shipments.rejected", gettext_lazy("Shipment %(no)s rejected"), "%(reason)s")


def _cancel_details(p):
    return _("Order %(order)s, warehouse %(warehouse)s.") % p


CANCELLED_PRINTED = Message(
    "shipments.cancelled_printed", gettext_lazy("Shipment %(no)s cancelled: do not dispatch it"),
    lambda p: _lines(_cancel_details(p),
                     _("You hold its printed dispatch note: discard it and put any picked goods back."), _reason(p)))
CANCELLED = Message("shipments.cancelled", gettext_lazy("Shipment %(no)s cancelled: do not pick it"),
                    lambda p: _lines(_cancel_details(p), _reason(p)))


def _recipient_details(p):
    return _("Order %(order)s, recipient %(name)s.") % p


SUPPLIER_CANCELLED = Message("shipments.supplier_cancelled",
                             gettext_lazy("Do not ship %(no)s: the drop-ship is cancelled"),
                             lambda p: _lines(_recipient_details(p), _reason(p)))
SUPPLIER_CANCEL_TO_TELL = Message(
    "shipments.supplier_cancel_to_tell", gettext_lazy("Tell %(supplier)s not to ship %(no)s (drop-ship cancelled)"),
    lambda p: _lines(_contact(p), _recipient_details(p), _reason(p)))

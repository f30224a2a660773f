"""Dispatching many drop-ships by file (CSV/XLSX): shipment no., carrier code, tracking no. per row, through
core.importing (preview with row errors, all or nothing). Only the supplier's own approved drop-ships are
found: another supplier's shipment number reads as unknown, exactly like a made-up one. The rows are written
by portal.services.dispatch_drop_ships, the same path as the one-by-one form."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from catalog.models import Carrier
from core.import_files import ImportRefused
from core.importing import Column, Importer, ImportResult, register
from shipments.models import Shipment

from . import selectors, services


@register
class DropShipDispatchImporter(Importer):
    key = "portal.dispatch"
    verbose_name = gettext_lazy("drop-ship dispatches")
    unique_column = "shipment_no"
    columns = [
        Column("shipment_no", gettext_lazy("shipment no."), aliases=["shipment", "发货单号", "发货单"]),
        Column("carrier", gettext_lazy("carrier code"), aliases=["carrier", "物流公司", "物流公司编码"]),
        Column("tracking_number", gettext_lazy("tracking no."), aliases=["tracking", "物流单号", "运单号"]),
    ]

    def __init__(self, supplier=None):
        self.supplier = supplier

    def prepare(self, rows):
        ids = [pk for pk in {Shipment.pk_from_number(r.get("shipment_no")) for r in rows} if pk is not None]
        self.shipments = selectors.drop_ships(self.supplier).in_bulk(ids)
        self.carriers = {c.code.lower(): c for c in Carrier.objects.filter(is_active=True)}

    def clean_row(self, row):
        errors = {}
        number = str(row.get("shipment_no") or "").strip()
        shipment = self.shipments.get(Shipment.pk_from_number(number))
        if shipment is None:
            errors["shipment_no"] = _("You have no drop-ship no. '%(no)s'.") % {"no": number}
        elif shipment.state != "approved":
            errors["shipment_no"] = _("Drop-ship %(no)s is %(state)s; only approved drop-ships can be dispatched.") % {
                "no": shipment.number, "state": shipment.get_state_display()}
        code = str(row.get("carrier") or "").strip().lower()
        carrier = self.carriers.get(code)
        if carrier is None:
            errors["carrier"] = _("No carrier has code '%(code)s'.") % {"code": code}
        tracking, error = self.text(row.get("tracking_number"), max_length=64)
        if error:
            errors["tracking_number"] = error
        if errors:
            return None, errors
        return {"shipment_id": shipment.pk, "carrier_id": carrier.pk, "tracking_number": tracking}, {}

    def write(self, rows, actor):
        carriers = Carrier.objects.in_bulk({row["carrier_id"] for row in rows})
        try:
            services.dispatch_drop_ships(
                self.supplier, [(row["shipment_id"], carriers[row["carrier_id"]], row["tracking_number"])
                                for row in rows], actor=actor)
        except Http404 as exc:
            raise ImportRefused(_("A drop-ship of the file is no longer yours to dispatch. Nothing was imported.")) from exc
        except (ValidationError, PermissionDenied, TransitionNotAllowed, ConcurrentTransition) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise ImportRefused(_("%(error)s Nothing was imported.") % {"error": " ".join(messages)}) from exc
        return ImportResult(updated=len(rows))

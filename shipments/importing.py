"""Bulk tracking and delivery by file, through core.importing (preview with row errors; all or
nothing). Tracking: shipment no., carrier code, tracking no. → dispatches each shipment. Status:
shipment no., status (delivered / received) and optionally when (`at`: ISO 8601 with its timezone, between the
previous step and now — the tracking file's `at` is the dispatch time, after the approval) → marks each one; a shipment already there is skipped (a file
sent twice imports cleanly), and "received" for a shipment only dispatched marks it delivered first — the
same rules as the delivery webhooks of shipments/api.py. The same services as the pages."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from catalog.models import Carrier
from core.import_files import ImportRefused
from core.importing import Column, Importer, ImportResult, SkipRow, register
from core.parsing import parse_outside_time

from .dispatching import dispatch_shipments, mark_delivered, mark_received
from .models import Shipment, ShipmentState


class _ShipmentRows(Importer):
    unique_column = "shipment_no"

    def prepare(self, rows):
        ids = {Shipment.pk_from_number(r.get("shipment_no")) for r in rows} - {None}
        self.shipments = {}
        ids = list(ids)
        for start in range(0, len(ids), 5000):
            self.shipments.update(Shipment.objects.in_bulk(ids[start:start + 5000]))

    def shipment_for(self, row, errors):
        value = str(row.get("shipment_no") or "").strip()
        shipment = self.shipments.get(Shipment.pk_from_number(value))
        if shipment is None:
            errors["shipment_no"] = _("No shipment has no. '%(no)s'.") % {"no": value}
        return shipment

    def time_for(self, row, errors, *, after, after_label):
        """The row's optional `at` (ISO 8601 with its timezone, between the shipment's previous step and now) as
        text for the stored batch, None when the cell is empty; a refusal is the row's error on `at`."""
        value = row.get("at")
        if value in ("", None):
            return None
        try:
            return parse_outside_time(str(value), after=after, after_label=after_label).isoformat()
        except ValidationError as exc:
            errors["at"] = exc.messages[0]
            return None

    def run(self, rows, actor, step):
        done = 0
        for number, row in enumerate(rows, start=2):
            shipment = Shipment.objects.get(pk=row["shipment_id"])
            try:
                step(shipment, row)
            except (ValidationError, PermissionDenied, TransitionNotAllowed, ConcurrentTransition) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                raise ImportRefused(_("Row %(row)d (%(no)s): %(error)s Nothing was imported.")
                                    % {"row": number, "no": shipment.number, "error": " ".join(messages)}) from exc
            done += 1
        return ImportResult(updated=done)


@register
class TrackingImporter(_ShipmentRows):
    DISPATCH_CHUNK = 200  # shipments per dispatch_shipments call (its statement lists grow with the chunk)
    key = "shipments.tracking"
    verbose_name = gettext_lazy("tracking numbers")
    permission = "shipments.view_shipment"
    success_url_name = "shipments:shipment_list"
    columns = [
        Column("shipment_no", gettext_lazy("shipment no."), aliases=["shipment", "发货单号", "发货单"]),
        Column("carrier", gettext_lazy("carrier code"), aliases=["carrier", "物流公司", "物流公司编码"]),
        Column("tracking_number", gettext_lazy("tracking no."), aliases=["tracking", "物流单号", "运单号"]),
        Column("at", gettext_lazy("dispatched at"), required=False, aliases=["time", "发货时间"]),
    ]

    def prepare(self, rows):
        super().prepare(rows)
        self.carriers = {c.code.lower(): c for c in Carrier.objects.all()}

    def clean_row(self, row):
        errors = {}
        shipment = self.shipment_for(row, errors)
        code = str(row.get("carrier") or "").strip().lower()
        carrier = self.carriers.get(code)
        if carrier is None:
            errors["carrier"] = _("No carrier has code '%(code)s'.") % {"code": code}
        tracking, error = self.text(row.get("tracking_number"), max_length=64)
        if error:
            errors["tracking_number"] = error
        if shipment is not None and shipment.state not in (ShipmentState.APPROVED, ShipmentState.PICKING):
            errors["shipment_no"] = _("Shipment %(no)s is %(state)s; only approved or picking shipments can be "
                                      "dispatched.") % {"no": shipment.number,
                                                        "state": shipment.get_state_display()}
        at = self.time_for(row, errors, after=shipment.approved_at if shipment else None,
                           after_label=_("its approval"))
        if errors:
            return None, errors
        return {"shipment_id": shipment.pk, "carrier_id": carrier.pk, "tracking_number": tracking, "at": at}, {}

    def write(self, rows, actor):
        """Every row's shipment dispatched by one call of the bulk service (one statement per kind for the
        transitions, one consume, one supplier-entry insert), in chunks; a refusal names the shipment and
        nothing is imported."""
        carriers = Carrier.objects.in_bulk({row["carrier_id"] for row in rows})
        done = 0
        for start in range(0, len(rows), self.DISPATCH_CHUNK):
            chunk = rows[start:start + self.DISPATCH_CHUNK]
            shipments = Shipment.objects.in_bulk([row["shipment_id"] for row in chunk])
            try:
                dispatch_shipments(
                    [(shipments[row["shipment_id"]], carriers[row["carrier_id"]], row["tracking_number"],
                      _time(row.get("at"))) for row in chunk], actor=actor)
            except (ValidationError, PermissionDenied, TransitionNotAllowed, ConcurrentTransition) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                raise ImportRefused(_("%(error)s Nothing was imported.") % {"error": " ".join(messages)}) from exc
            done += len(chunk)
        return ImportResult(updated=done)


def _time(text):
    return datetime.fromisoformat(text) if text else None


STATUS_WORDS = {
    "delivered": ShipmentState.DELIVERED, "已送达": ShipmentState.DELIVERED, "送达": ShipmentState.DELIVERED,
    "received": ShipmentState.RECEIVED, "已签收": ShipmentState.RECEIVED, "签收": ShipmentState.RECEIVED,
}


@register
class DeliveryStatusImporter(_ShipmentRows):
    key = "shipments.delivery_status"
    verbose_name = gettext_lazy("delivery statuses")
    permission = "shipments.view_shipment"
    success_url_name = "shipments:shipment_list"
    columns = [
        Column("shipment_no", gettext_lazy("shipment no."), aliases=["shipment", "发货单号", "发货单"]),
        Column("status", gettext_lazy("status"), aliases=["状态"]),
        Column("at", gettext_lazy("time"), required=False, aliases=["时间", "送达时间", "签收时间"]),
    ]

    def clean_row(self, row):
        errors = {}
        shipment = self.shipment_for(row, errors)
        status = STATUS_WORDS.get(str(row.get("status") or "").strip().lower())
        if status is None:
            errors["status"] = _("Status must be delivered or received.")
        elif shipment is not None:
            reached = (ShipmentState.DELIVERED, ShipmentState.RECEIVED) if status == ShipmentState.DELIVERED \
                else (ShipmentState.RECEIVED,)
            if shipment.state in reached:  # a file sent again (or a carrier's repeated event): as the API
                raise SkipRow(_("Shipment %(no)s is already %(state)s; it is left unchanged.")
                              % {"no": shipment.number, "state": shipment.get_state_display()})
            # received straight from dispatched: delivered first (the delivery event may be missing)
            allowed_from = (ShipmentState.DISPATCHED,) if status == ShipmentState.DELIVERED \
                else (ShipmentState.DISPATCHED, ShipmentState.DELIVERED)
            if shipment.state not in allowed_from:
                errors["status"] = _("Shipment %(no)s is %(state)s; it cannot become %(target)s.") % {
                    "no": shipment.number, "state": shipment.get_state_display(),
                    "target": ShipmentState(status).label}
        after = None
        if shipment is not None:
            after = shipment.dispatched_at if status == ShipmentState.DELIVERED else (
                shipment.delivered_at or shipment.dispatched_at)
        at = self.time_for(row, errors, after=after, after_label=_("its dispatch") if status ==
                           ShipmentState.DELIVERED else _("its delivery"))
        if errors:
            return None, errors
        return {"shipment_id": shipment.pk, "status": str(status), "at": at}, {}

    def write(self, rows, actor):
        def step(shipment, row):
            if shipment.state == ShipmentState.RECEIVED or shipment.state == row["status"]:
                return  # got there since the preview (another file, the API): nothing to do
            at = _time(row.get("at"))
            if row["status"] == ShipmentState.DELIVERED or shipment.state == ShipmentState.DISPATCHED:
                shipment = mark_delivered(shipment, actor=actor, at=at)
            if row["status"] == ShipmentState.RECEIVED:
                mark_received(shipment, actor=actor, at=at)
        return self.run(rows, actor, step)

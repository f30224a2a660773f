"""aftersales learns of the dispatch of its exchange/reship shipments from the explicit signal the
shipments dispatch service sends after it has written the dispatch (`shipments.signals.shipment_dispatched`),
so shipments never imports aftersales (DESIGN.md, layering). The receiver runs inside the dispatch's
transaction: the ticket is resolved (and its supplier entries posted) together with the dispatch, or not
at all."""

from django.dispatch import receiver

from shipments.models import ShipmentPurpose
from shipments.signals import shipment_dispatched


@receiver(shipment_dispatched, dispatch_uid="aftersales.resolve_on_dispatch")
def resolve_on_dispatch(sender, shipments, actor=None, **kwargs):
    outbound = {shipment.pk: shipment for shipment in shipments if shipment.purpose != ShipmentPurpose.SALE}
    if not outbound:
        return
    from .models import Ticket
    from .outbound import resolve_by_dispatch

    for ticket in Ticket.objects.filter(outbound_shipment_id__in=list(outbound)).order_by("pk"):
        resolve_by_dispatch(ticket, shipment=outbound[ticket.outbound_shipment_id], actor=None)

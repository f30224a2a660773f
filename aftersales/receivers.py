"""aftersales listens for the dispatch of its exchange/reship shipments itself: shipments never imports
aftersales (DESIGN.md, layering). The receiver runs inside the shipment's dispatch transaction, so the
ticket is resolved (and its supplier entries posted) together with the dispatch, or not at all."""

from django.dispatch import receiver
from django_fsm.signals import post_transition

from shipments.models import Shipment, ShipmentPurpose

DISPATCH_TRANSITIONS = ("dispatch", "dispatch_dropship")


@receiver(post_transition, sender=Shipment, dispatch_uid="aftersales.resolve_on_dispatch")
def resolve_on_dispatch(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    if name not in DISPATCH_TRANSITIONS or instance.purpose == ShipmentPurpose.SALE:
        return
    from .models import Ticket
    from .outbound import resolve_by_dispatch

    for ticket in Ticket.objects.filter(outbound_shipment_id=instance.pk):
        resolve_by_dispatch(ticket, shipment=instance, actor=None)

"""What a supplier user does in the portal, through the same services the seller's pages call: each
action finds its document through portal.selectors (the user's own supplier only) and then hands it to the
lower app's service, so a dispatch from the portal posts the same supplier account entries as one by sales."""

from shipments.dispatching import dispatch_shipments

from . import selectors


def dispatch_drop_ships(supplier, dispatches, *, actor):
    """Dispatch the supplier's approved drop-ships, each with carrier + tracking no. — `dispatches` is
    [(shipment pk, carrier, tracking number)] —, all or nothing. Another supplier's shipment is not found
    (Http404) before anything is written."""
    shipments = [selectors.drop_ship(supplier, pk) for pk, _carrier, _tracking in dispatches]
    return dispatch_shipments([(shipment, carrier, tracking)
                               for shipment, (_pk, carrier, tracking) in zip(shipments, dispatches, strict=True)],
                              actor=actor)

"""Signals the shipments services send, so that higher layers learn of a step without shipments importing
them (DESIGN.md, layering).

`shipment_dispatched` (sender: the Shipment model; `shipments`: the shipments just dispatched, `actor`):
sent by `shipments.dispatching.dispatch_shipments` after it has written the dispatch (state, stock-out
rows or supplier entries, the order's status), inside the same transaction — a receiver's writes commit
or roll back with the dispatch."""

from django.dispatch import Signal

shipment_dispatched = Signal()

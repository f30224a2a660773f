"""Supplier users and the drop-ships they see, for the portal's tests."""

from decimal import Decimal

from shipments.approval import approve_shipment, submit_shipment
from shipments.models import Shipment
from tests.factories import UserFactory
from tests.shipments.factories import make_world


def supplier_user(supplier, **kwargs):
    """An active supplier login tied to `supplier` (password 'demo')."""
    user = UserFactory(roles=("supplier",), **kwargs)
    supplier.portal_users.add(user)
    return user


def approved_drop_ship(*, freight="5.00", price="12.50", quantity=2):
    """An approved drop-ship of a fresh one-line order; `.world` holds the people, `.supplier` its supplier."""
    world = make_world(quantity=quantity, stock=0)
    shipment = world.ship("drop_ship", prices=[Decimal(price)], freight=freight)
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    shipment = Shipment.objects.get(pk=shipment.pk)  # a protected state field: read afresh, not refreshed
    shipment.world = world
    return shipment

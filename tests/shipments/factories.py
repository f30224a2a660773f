"""Factories and a small story-builder for shipment tests."""

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from inventory.models import MoveKind
from inventory.services import StockMove, move_stock
from shipments.entry import LineInput, create_shipment
from tests.factories import CarrierFactory, ProductFactory, StoreFactory, UserFactory, WarehouseFactory
from tests.orders.factories import OrderFactory, OrderLineFactory

# exchange/reship shipments name the after-sales ticket they serve (a plain id, one live shipment each)
_ticket_refs = itertools.count(1_000_000)


def stock_in(product, warehouse, quantity):
    """Put `quantity` units of `product` on hand in `warehouse` (a purchase receipt row)."""
    move_stock(moves=[StockMove(product_id=product.pk, warehouse_id=warehouse.pk, direction="in",
                                quantity=quantity, kind=MoveKind.PURCHASE_RECEIPT)])


@dataclass
class World:
    """An order with `lines` lines (quantities `quantity` each), the people of every role, a warehouse
    with stock for all of it, and a carrier."""

    sales: object
    approver: object
    warehouse_user: object
    finance: object
    manager: object
    order: object
    lines: list
    warehouse: object
    carrier: object
    other_sales: object = None
    extra: dict = field(default_factory=dict)

    def ship(self, kind="company_dispatch", *, quantities=None, actor=None, purpose="sale", freight="0",
             prices=None, ticket_ref=None):
        """A draft shipment; an exchange/reship one names a fresh ticket id unless `ticket_ref` is given."""
        if purpose != "sale" and ticket_ref is None:
            ticket_ref = next(_ticket_refs)
        quantities = quantities or [line.quantity for line in self.lines]
        lines = [LineInput(order_line=line, quantity=q,
                           supplier_unit_price=(prices[i] if prices else None))
                 for i, (line, q) in enumerate(zip(self.lines, quantities, strict=False)) if q]
        kwargs = {"warehouse": self.warehouse} if kind == "company_dispatch" else {
            "supplier": self.lines[0].product.default_supplier}
        return create_shipment(order=self.order, kind=kind, lines=lines, actor=actor or self.sales,
                               purpose=purpose, ticket_ref=ticket_ref, freight=Decimal(freight), **kwargs)


def make_world(*, lines=1, quantity=2, stock=100):
    sales = UserFactory(roles=("sales",))
    store = StoreFactory(salesperson=sales)
    order = OrderFactory(store=store)
    warehouse = WarehouseFactory()
    order_lines = []
    for _ in range(lines):
        product = ProductFactory()
        order_lines.append(OrderLineFactory(order=order, product=product, quantity=quantity))
        if stock:
            stock_in(product, warehouse, stock)
    return World(
        sales=sales, approver=UserFactory(roles=("approver",)), warehouse_user=UserFactory(roles=("warehouse",)),
        finance=UserFactory(roles=("finance",)), manager=UserFactory(roles=("manager",)), order=order,
        lines=order_lines, warehouse=warehouse, carrier=CarrierFactory(),
        other_sales=UserFactory(roles=("sales",)),
    )


def a_shipment(kind="company_dispatch"):
    """A draft shipment of a fresh one-line order (for pages that need one)."""
    return make_world().ship(kind)

"""A busy office for page tests: `rows` of everything the work pages list — orders, shipments waiting for
approval, company dispatches in the warehouse queue, after-sales tickets — entered through the services
by the role that does each step, plus the people who open the pages. `lines` sets how many lines the one
detailed order (and its shipment and ticket) carries, for the detail pages."""

from dataclasses import dataclass

from aftersales.models import TicketReason, TicketType
from aftersales.services import register_ticket
from aftersales.ticket_data import TicketData
from shipments.approval import approve_shipment, submit_shipment
from shipments.dispatching import dispatch_shipment, start_picking
from shipments.entry import LineInput, create_shipment
from tests.aftersales.factories import make_ticket
from tests.factories import CarrierFactory, ProductFactory, StoreFactory, UserFactory, WarehouseFactory
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.shipments.factories import stock_in


@dataclass
class Office:
    sales: object
    approver: object
    warehouse_user: object
    manager: object
    order: object  # the detailed order: `lines` lines, a dispatched drop-ship, a ticket
    shipment: object
    ticket: object


def busy_office(*, rows, lines=1):
    sales = UserFactory(roles=("sales",))
    approver = UserFactory(roles=("approver",))
    warehouse_user = UserFactory(roles=("warehouse",))
    store = StoreFactory(salesperson=sales)
    warehouse = WarehouseFactory()
    product = ProductFactory()
    stock_in(product, warehouse, rows * 4)
    carrier = CarrierFactory()
    for n in range(rows):
        order_line = OrderLineFactory(order=OrderFactory(store=store), product=product, quantity=4)
        waiting = create_shipment(order=order_line.order, kind="company_dispatch", warehouse=warehouse,
                                  lines=[LineInput(order_line=order_line, quantity=1)], actor=sales)
        submit_shipment(waiting, actor=sales)
        queued = create_shipment(order=order_line.order, kind="company_dispatch", warehouse=warehouse,
                                 lines=[LineInput(order_line=order_line, quantity=1)], actor=sales)
        submit_shipment(queued, actor=sales)
        approve_shipment(queued, actor=approver)
        if n % 2:
            start_picking(queued, actor=warehouse_user)
        make_ticket(type=TicketType.REFUND_ONLY, order_line=order_line, registered_by=sales, dispatch=False)
    order = OrderFactory(store=store)
    order_lines = [OrderLineFactory(order=order, quantity=2) for _ in range(lines)]
    shipment = create_shipment(order=order, kind="drop_ship", supplier=order_lines[0].product.default_supplier,
                               lines=[LineInput(order_line=line, quantity=2) for line in order_lines], actor=sales)
    submit_shipment(shipment, actor=sales)
    approve_shipment(shipment, actor=approver)
    shipment = dispatch_shipment(shipment, actor=sales, carrier=carrier, tracking_number="SF1")
    ticket = register_ticket(data=TicketData(
        type=TicketType.REFUND_ONLY, order=order, handler=sales, reason=TicketReason.QUALITY,
        supplier=order_lines[0].product.default_supplier, lines=[(line, 1) for line in order_lines]), actor=sales)
    return Office(sales=sales, approver=approver, warehouse_user=warehouse_user,
                  manager=UserFactory(roles=("manager",)), order=order, shipment=shipment, ticket=ticket)

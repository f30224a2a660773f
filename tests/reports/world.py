"""A small world for the figure-by-figure test of the dashboards (issue 13, item 7), made THROUGH THE
SERVICES by the role that does each step, as the pages would: goods receipts, a transfer and a stocktake;
orders in two stores (promising 48 and 24 hours); company dispatches and drop-ships (full, partial,
cancelled, closed short, one awaiting approval, one approved and waiting on its supplier, one rejected);
orders on time, at risk and overdue; a cancelled order; after-sales tickets of every kind (return and
refund, exchange with its outbound shipment, refund only, compensation, a rejected reship); statements
(approved and partly paid; submitted; approved and waiting for the supplier) and payments.

Nothing here computes a figure: tests/reports/test_figures.py computes each one on its own, in plain
Python over the rows this world wrote, and compares it with the dashboard's."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from aftersales import services as tickets
from aftersales.models import ReturnDestination, TicketReason, TicketType
from aftersales.outbound import create_outbound_shipment
from aftersales.ticket_data import TicketData
from inventory import documents
from orders.services import create_order
from reconciliation import statements
from reconciliation.models import PaymentMethod, SupplierAccountEntry
from shipments.approval import approve_shipment, reject_shipment, submit_shipment
from shipments.cancelling import cancel_order, cancel_shipment
from shipments.closing import close_order_short
from shipments.dispatching import dispatch_shipment, mark_delivered, mark_received, start_picking
from shipments.entry import LineInput, create_shipment
from tests.factories import (
    CarrierFactory,
    ProductFactory,
    StoreFactory,
    SupplierFactory,
    UserFactory,
    WarehouseFactory,
)


@dataclass
class World:
    people: dict
    stores: list
    suppliers: list
    products: list
    warehouses: list
    orders: dict = field(default_factory=dict)
    shipments: dict = field(default_factory=dict)
    tickets: dict = field(default_factory=dict)
    statements: dict = field(default_factory=dict)
    started: object = None


def _order(world, key, store, lines, *, hours_ago):
    order, _created = create_order(
        store=store, external_order_no=f"W-{key}", recipient_name="李四", recipient_phone="13900139000",
        recipient_address="杭州市西湖区文三路 1 号", ordered_at=timezone.now() - timedelta(hours=hours_ago),
        lines=[{"product": product, "quantity": quantity, "unit_price": Decimal(price)}
               for product, quantity, price in lines],
        actor=world.people["sales"])
    world.orders[key] = order
    return order


def _ship(world, key, order, kind, quantities, *, steps, freight="0", prices=None, warehouse=None, supplier=None):
    """A sale shipment of `quantities` (one per order line, 0 skips a line) taken through `steps`."""
    p = world.people
    lines = [LineInput(order_line=line, quantity=q, supplier_unit_price=(Decimal(prices[i]) if prices else None))
             for i, (line, q) in enumerate(zip(order.lines.order_by("pk"), quantities, strict=True)) if q]
    shipment = create_shipment(order=order, kind=kind, lines=lines, actor=p["sales"], freight=Decimal(freight),
                               warehouse=warehouse if kind == "company_dispatch" else None,
                               supplier=supplier if kind == "drop_ship" else None)
    shipment = _steps(world, shipment, steps)
    world.shipments[key] = shipment
    return shipment


def _steps(world, shipment, steps):
    p = world.people
    for step in steps:
        if step == "submit":
            shipment = submit_shipment(shipment, actor=p["sales"])
        elif step == "approve":
            shipment = approve_shipment(shipment, actor=p["approver"])
        elif step == "reject":
            shipment = reject_shipment(shipment, actor=p["approver"], reason="价格不对 wrong price")
        elif step == "pick":
            shipment = start_picking(shipment, actor=p["warehouse"])
        elif step == "dispatch":
            by = p["warehouse"] if shipment.kind == "company_dispatch" else p["sales"]
            shipment = dispatch_shipment(shipment, actor=by, carrier=world.carrier,
                                         tracking_number=f"SF{shipment.pk:010d}")
        elif step == "deliver":
            shipment = mark_delivered(shipment, actor=p["sales"])
        elif step == "receive":
            shipment = mark_received(shipment, actor=p["sales"])
        elif step == "cancel":
            shipment = cancel_shipment(shipment, actor=p["approver"] if shipment.state == "approved" else p["sales"],
                                       reason="客户取消 customer cancelled")
        else:
            raise ValueError(step)
    return shipment


def _ticket(world, key, ticket_type, order, line_index, quantity, *, steps, destination="", warehouse=None,
            manufacturer="0", seller="0", charge_back=False, refund=None, reason=TicketReason.QUALITY):
    p = world.people
    line = order.lines.order_by("pk")[line_index]
    data = TicketData(type=ticket_type, order=order, handler=p["sales"], reason=reason, lines=[(line, quantity)],
                      supplier=line.product.default_supplier, return_destination=destination,
                      return_warehouse=warehouse, charge_back=charge_back,
                      compensate=bool(Decimal(manufacturer) or Decimal(seller)),
                      manufacturer_amount=Decimal(manufacturer), seller_amount=Decimal(seller))
    ticket = tickets.register_ticket(data=data, actor=p["sales"])
    for step in steps:
        if step == "submit":
            ticket = tickets.submit_ticket(ticket, actor=p["sales"])
        elif step == "approve":
            ticket = tickets.approve_ticket(ticket, actor=p["approver"])
        elif step == "reject":
            ticket = tickets.reject_ticket(ticket, actor=p["approver"], reason="证据不足 not enough evidence")
        elif step == "receive_return":
            ticket = tickets.confirm_return_received(ticket, actor=p["warehouse"])
        elif step == "resolve":
            money = None if refund is None else tickets.Refund(amount=Decimal(refund), date=timezone.localdate(),
                                                                reference=f"RF-{key}")
            ticket = tickets.resolve_ticket(ticket, actor=p["sales"], refund=money)
        elif step == "close":
            ticket = tickets.close_ticket(ticket, actor=p["sales"])
        else:
            raise ValueError(step)
    world.tickets[key] = ticket
    return ticket


def build_world():
    """The world; see the module docstring. Returns a World."""
    people = {
        "sales": UserFactory(username="w-sales", roles=("sales",)),
        "approver": UserFactory(username="w-approver", roles=("approver",)),
        "warehouse": UserFactory(username="w-warehouse", roles=("warehouse",)),
        "finance": UserFactory(username="w-finance", roles=("finance",)),
        "supervisor": UserFactory(username="w-supervisor", roles=("finance_supervisor",)),
        "manager": UserFactory(username="w-manager", roles=("manager",)),
    }
    s1, s2 = SupplierFactory(name="杭州丝绸 Silk"), SupplierFactory(name="深圳电子 Electronics")
    products = [
        ProductFactory(sku="W-SCARF", default_supplier=s1, supplier_unit_cost=Decimal("10.00"), low_stock_threshold=5),
        ProductFactory(sku="W-PILLOW", default_supplier=s1, supplier_unit_cost=Decimal("20.00"),
                       low_stock_threshold=40),
        ProductFactory(sku="W-BUDS", default_supplier=s2, supplier_unit_cost=Decimal("7.50"), low_stock_threshold=0),
        ProductFactory(sku="W-IDLE", default_supplier=s2, supplier_unit_cost=Decimal("3.25"), low_stock_threshold=2),
    ]
    w1, w2 = WarehouseFactory(name="上海主仓 Shanghai"), WarehouseFactory(name="广州仓 Guangzhou")
    # store B's platform promises dispatch within 24 hours; store A's the default 48
    world = World(people=people, stores=[StoreFactory(salesperson=people["sales"]),
                                         StoreFactory(salesperson=people["sales"], promised_dispatch_hours=24)],
                  suppliers=[s1, s2], products=products, warehouses=[w1, w2], started=timezone.now())
    world.carrier = CarrierFactory()
    scarf, pillow, buds, idle = products
    store_a, store_b = world.stores
    wh = people["warehouse"]

    # ---- stock: receipts (supplier entries), a transfer, a stocktake --------------------------------------
    for supplier, warehouse, lines in [
        (s1, w1, [(scarf, 40, "10.00"), (pillow, 30, "20.00")]),
        (s2, w2, [(buds, 15, "7.50"), (idle, 6, "3.25")]),
        (s1, w2, [(scarf, 3, "10.50")]),
    ]:
        receipt = documents.create_goods_receipt(
            supplier=supplier, warehouse=warehouse, actor=wh,
            lines=[documents.ReceiptLineData(p.pk, q, Decimal(c)) for p, q, c in lines])
        documents.post_goods_receipt(receipt, actor=wh)
    transfer = documents.create_transfer(from_warehouse=w1, to_warehouse=w2, actor=wh,
                                         lines=[documents.TransferLineData(scarf.pk, 5)])
    documents.post_transfer(transfer, actor=wh)
    stocktake = documents.create_stocktake(warehouse=w1, reason="月度盘点", actor=wh,
                                           counts=[documents.CountData(pillow.pk, 28)])
    documents.post_stocktake(stocktake, actor=wh)

    # ---- orders and shipments --------------------------------------------------------------------------
    full = ["submit", "approve", "pick", "dispatch"]
    o1 = _order(world, "o1", store_a, [(scarf, 3, "39.00")], hours_ago=30)
    _ship(world, "o1-cd", o1, "company_dispatch", [3], warehouse=w1, steps=[*full, "deliver", "receive"])

    o2 = _order(world, "o2", store_a, [(pillow, 4, "59.00")], hours_ago=60)
    _ship(world, "o2-cd", o2, "company_dispatch", [2], warehouse=w1, steps=full)
    _ship(world, "o2-cancelled", o2, "company_dispatch", [2], warehouse=w1, steps=["submit", "approve", "cancel"])
    close_order_short(o2, actor=people["sales"], reason="缺货 out of stock for good")

    o3 = _order(world, "o3", store_b, [(buds, 5, "19.90")], hours_ago=10)
    _ship(world, "o3-ds", o3, "drop_ship", [5], supplier=s2, freight="6.00", prices=["7.00"],
          steps=["submit", "approve", "dispatch", "deliver"])

    o4 = _order(world, "o4", store_b, [(scarf, 2, "39.00"), (buds, 1, "19.90")], hours_ago=5)
    _ship(world, "o4-draft", o4, "company_dispatch", [2, 0], warehouse=w1, steps=[])
    cancel_order(o4, actor=people["sales"], reason="客户取消 customer cancelled")

    o5 = _order(world, "o5", store_a, [(pillow, 2, "59.00"), (scarf, 1, "39.00")], hours_ago=80)
    _ship(world, "o5-ds", o5, "drop_ship", [1, 1], supplier=s1, prices=["18.00", "9.50"], freight="4.00",
          steps=["submit", "approve", "dispatch"])

    o6 = _order(world, "o6", store_b, [(scarf, 1, "39.00")], hours_ago=2)
    _ship(world, "o6-cd", o6, "company_dispatch", [1], warehouse=w2, steps=["submit"])

    o7 = _order(world, "o7", store_b, [(buds, 2, "19.90")], hours_ago=20)
    _ship(world, "o7-rejected", o7, "drop_ship", [2], supplier=s2, steps=["submit", "reject"])

    # approved, waiting on its supplier; its order (store A, 48 h) is past 75 % of its window: at risk
    o8 = _order(world, "o8", store_a, [(buds, 1, "19.90")], hours_ago=40)
    _ship(world, "o8-ds", o8, "drop_ship", [1], supplier=s2, steps=["submit", "approve"])

    # ---- after-sales ------------------------------------------------------------------------------------
    _ticket(world, "t-return", TicketType.RETURN_REFUND, o1, 0, 1, destination=ReturnDestination.WAREHOUSE,
            warehouse=w1, charge_back=True, refund="39.00",
            steps=["submit", "approve", "receive_return", "resolve", "close"])
    exchange = _ticket(world, "t-exchange", TicketType.EXCHANGE, o3, 0, 1, reason=TicketReason.DAMAGED,
                       destination=ReturnDestination.MANUFACTURER, steps=["submit", "approve"])
    if exchange.state == "awaiting_return":
        exchange = tickets.confirm_return_received(exchange, actor=people["sales"])
    outbound = create_outbound_shipment(exchange, kind="drop_ship", actor=people["sales"], supplier=s2)
    world.shipments["t-exchange-out"] = _steps(world, outbound, ["submit", "approve", "dispatch"])
    _ticket(world, "t-refund", TicketType.REFUND_ONLY, o2, 0, 1, refund="10.00", reason=TicketReason.LATE_DELIVERY,
            steps=["submit", "approve", "resolve"])
    _ticket(world, "t-compensation", TicketType.COMPENSATION, o5, 0, 1, manufacturer="15.00", seller="5.50",
            reason=TicketReason.DAMAGED, steps=["submit", "approve", "resolve"])
    _ticket(world, "t-reship-rejected", TicketType.RESHIP, o5, 1, 1, reason=TicketReason.MISSING_ITEM,
            steps=["submit", "reject"])
    _ticket(world, "t-open", TicketType.REFUND_ONLY, o3, 0, 2, reason=TicketReason.NOT_AS_DESCRIBED, steps=[])

    # ---- statements and payments ------------------------------------------------------------------------
    today = timezone.localdate()
    period = (today - timedelta(days=60), today + timedelta(days=1))
    fin, sup = people["finance"], people["supervisor"]
    s1_entries = list(SupplierAccountEntry.objects.filter(supplier=s1).order_by("pk"))
    paid = statements.build_statement(supplier=s1, period_from=period[0], period_to=period[1], actor=fin,
                                      entry_ids=[e.pk for e in s1_entries[:-1]], note="approved, partly paid")
    statements.submit_statement(paid, actor=fin)
    paid = statements.approve_statement(paid, actor=sup)
    statements.record_payment(paid, amount=Decimal("100.00"), paid_on=today, method=PaymentMethod.BANK_TRANSFER,
                              reference="PAY-1", actor=fin)
    world.statements["s1-paid"] = paid
    s2_entries = list(SupplierAccountEntry.objects.filter(supplier=s2).order_by("pk"))
    submitted = statements.build_statement(supplier=s2, period_from=period[0], period_to=period[1], actor=fin,
                                           entry_ids=[s2_entries[0].pk], note="awaiting approval")
    world.statements["s2-submitted"] = statements.submit_statement(submitted, actor=fin)
    approved = statements.build_statement(supplier=s2, period_from=period[0], period_to=period[1], actor=fin,
                                          entry_ids=[s2_entries[1].pk], note="awaiting the supplier")
    statements.submit_statement(approved, actor=fin)
    world.statements["s2-approved"] = statements.approve_statement(approved, actor=sup)
    return world

"""Orders, their shipments and their after-sales tickets for `seed_volume` (reports/volume.py).

Each document walks its states through time from its start and stops where "now" is: a step happens
when its time has come (the durations drawn per document), so recent documents are still on their way
and old ones finished. Each step writes what its service writes: the transition log row, stock events
(reports/volume_books.Stock), supplier account entries (reports/volume_books.Books)."""

import datetime
from bisect import bisect
from decimal import Decimal

from aftersales.models import (
    RETURN_TYPES,
    ReceiptStatus,
    ReturnDestination,
    Ticket,
    TicketLine,
    TicketReason,
    TicketType,
)
from aftersales.services import derive_aftersales_status
from inventory.models import MoveKind, StockReservation
from orders.models import FulfilmentStatus, Order, OrderLine
from reconciliation.models import EntryKind
from shipments.fulfilment import status_from_totals
from shipments.models import DELIVERED_OR_LATER, DISPATCHED_OR_LATER, S, Shipment, ShipmentKind, ShipmentLine

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
CENT = Decimal("0.01")
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴霞", "Alice Chen", "Bob Li"]
CITIES = ["上海市浦东新区", "北京市朝阳区", "广州市天河区", "深圳市南山区", "杭州市西湖区", "成都市武侯区"]
TICKET_TYPES = [TicketType.REFUND_ONLY] * 3 + [TicketType.RETURN_REFUND] * 3 + [TicketType.EXCHANGE,
                TicketType.RESHIP] + [TicketType.COMPENSATION] * 2
TICKET_RATE = 0.033  # of dispatched sale lines: ~3 % of all lines


class Orders:
    """Builds one order at a time into the current chunk; `remaining` counts the shipment lines still
    to make (the budget of `--shipment-lines`)."""

    def __init__(self, world, rng, ids, stock, books, budget):
        self.world, self.rng, self.ids, self.stock, self.books = world, rng, ids, stock, books
        self.remaining = budget
        self.orders = self.shipments = self.tickets = 0

    def h(self, low, high):
        return HOUR * self.rng.uniform(low, high)

    # ---- orders ---------------------------------------------------------------------------------------
    def build(self, chunk, at, *, orders_left):
        world, rng = self.world, self.rng
        order_id = self.ids.take(Order)
        store_id, salesperson = world.stores[bisect(world.store_weights, rng.random() * world.store_weights[-1])]
        mean = min(7.0, max(1.0, self.remaining / orders_left))
        count = min(self.remaining, max(1, min(7, round(rng.gauss(mean, 1.6)))))
        products = {}
        while len(products) < count:
            p = world.products[bisect(world.product_weights, rng.random() * world.product_weights[-1])]
            products[p.id] = p
        order = {"id": order_id, "store_id": store_id, "external_order_no": f"VOL{order_id:010d}",
                 "recipient_name": rng.choice(NAMES), "recipient_phone": f"13{rng.randint(100000000, 999999999)}",
                 "recipient_address": f"{rng.choice(CITIES)}某某路 {rng.randint(1, 999)} 号",
                 "ordered_at": at, "source": "api" if rng.random() < 0.7 else "import", "created_by_id": None,
                 "created_at": at + self.h(0, 0.2), "updated_at": at, "cancel_reason": "",
                 "close_short_reason": "", "salesperson": salesperson}
        lines = []
        for p in products.values():
            quantity = rng.choice((1, 1, 1, 1, 2, 2, 3, 5))
            price = (p.price * Decimal(rng.uniform(0.8, 1.0))).quantize(CENT)
            lines.append({"id": self.ids.take(OrderLine), "order_id": order_id, "product_id": p.id,
                          "quantity": quantity, "unit_price": price, "closed_short_quantity": 0})
        chunk[OrderLine].extend(lines)
        self.orders += 1
        # an order is cancelled with its shipments (all cancelled within two days of it): only older ones
        cancelled = at < world.now - 2 * DAY and rng.random() < 0.02
        totals = {line["id"]: [line["quantity"], 0, 0, 0] for line in lines}
        warehouse_id = rng.choice(world.warehouses)
        groups = {}
        for line in lines:
            p = world.products_by_id[line["product_id"]]
            groups.setdefault(("company", warehouse_id) if p.stocked else ("drop", p.supplier_id), []).append(line)
        made = []
        for (kind, place), group in groups.items():
            parts = [group]
            if len(group) > 1 and rng.random() < 0.05:
                cut = rng.randint(1, len(group) - 1)
                parts = [group[:cut], group[cut:]]
            for n, part in enumerate(parts):
                start = at + self.h(0.2, 8) + (self.h(24, 120) if n else datetime.timedelta())
                pairs = [(line, line["quantity"]) for line in part]
                if cancelled:
                    made.append(self.shipment(chunk, order, kind, place, pairs, start,
                                              cancel=rng.choice(("before", "after"))))
                    continue
                if self.remaining > 40 and rng.random() < 0.015:  # cancelled, then entered again
                    first = self.shipment(chunk, order, kind, place, pairs, start, cancel="after")
                    if first is None or first["state"] != S.CANCELLED:  # now came before the cancellation
                        made.append(first)
                        continue
                    start = first["updated_at"] + self.h(1, 24)
                made.append(self.shipment(chunk, order, kind, place, pairs, start))
        for shipment in made:
            if shipment is None or shipment["state"] not in DISPATCHED_OR_LATER:
                continue
            for line_row, order_line in shipment["lines"]:
                t = totals[order_line["id"]]
                t[1] += line_row["quantity"]
                t[2] += line_row["quantity"] if shipment["state"] in DELIVERED_OR_LATER else 0
                t[3] += line_row["quantity"] if shipment["state"] == S.RECEIVED else 0
        ticket_states = []
        for shipment in made:
            if shipment is None or shipment["state"] not in DISPATCHED_OR_LATER:
                continue
            for line_row, order_line in shipment["lines"]:
                if self.remaining > 40 and rng.random() < TICKET_RATE:
                    state = self.ticket(chunk, order, shipment, line_row, order_line)
                    if state:
                        ticket_states.append(state)
        self._finish_order(chunk, order, cancelled, list(totals.values()), made, ticket_states)

    def _finish_order(self, chunk, order, cancelled, totals, made, ticket_states):
        world = self.world
        salesperson = order.pop("salesperson")
        if cancelled:
            status = FulfilmentStatus.CANCELLED
            order["cancel_reason"] = "客户取消 Customer cancelled"
            at = max(s["updated_at"] for s in made if s is not None) + self.h(0, 0.2)
            order["updated_at"] = at
            world.log(chunk, Order, order["id"], "cancel", FulfilmentStatus.AWAITING_SHIPMENT, status, salesperson, at)
        else:
            status = status_from_totals(totals)
            if status != FulfilmentStatus.AWAITING_SHIPMENT:
                last = max(s["updated_at"] for s in made if s is not None)
                world.log(chunk, Order, order["id"], "derive_fulfilment_status", FulfilmentStatus.AWAITING_SHIPMENT,
                          status, None, last)
                order["updated_at"] = last
        order["fulfilment_status"] = status
        order["aftersales_status"] = derive_aftersales_status(ticket_states)
        chunk[Order].append(order)

    # ---- shipments ------------------------------------------------------------------------------------
    def shipment(self, chunk, order, kind, place, pairs, start, *, cancel=None, purpose="sale", ticket_ref=None):
        """One shipment of `pairs` (order line, quantity) walked from `start` to now; None if not entered yet."""
        world, rng, now = self.world, self.rng, self.world.now
        if start > now:
            return None
        sid = self.ids.take(Shipment)
        company = kind == "company"
        salesperson = order["salesperson"]
        approver = rng.choice(world.approvers)
        row = {"id": sid, "order_id": order["id"], "purpose": purpose, "ticket_ref": ticket_ref,
               "kind": ShipmentKind.COMPANY_DISPATCH if company else ShipmentKind.DROP_SHIP,
               "supplier_id": None if company else place, "warehouse_id": place if company else None,
               "freight": Decimal("0.00") if company or rng.random() < 0.5 else Decimal(rng.randint(5, 25)),
               "carrier_id": None, "tracking_number": "", "entered_by_id": salesperson,
               "entry_date": world.local_date(start), "state": S.DRAFT, "rejection_reason": "", "cancel_reason": "",
               "approved_by_id": None, "created_at": start, "updated_at": start, "approved_at": None,
               "dispatched_at": None, "delivered_at": None, "received_at": None}
        lines = []
        for order_line, quantity in pairs:
            p = world.products_by_id[order_line["product_id"]]
            lines.append(({"id": self.ids.take(ShipmentLine), "shipment_id": sid, "order_line_id": order_line["id"],
                           "quantity": quantity, "supplier_unit_price": None if company else p.cost}, order_line))
        self.remaining -= len(lines)
        self.shipments += 1

        def step(name, target, at, actor, comment=""):
            world.log(chunk, Shipment, sid, name, row["state"], target, actor, at, comment)
            row["state"], row["updated_at"] = target, at

        t = start + self.h(0, 1)
        if t <= now:
            step("submit", S.SUBMITTED, t, salesperson)
            if cancel == "before":
                t += self.h(0.2, 5)
                if t <= now:
                    row["cancel_reason"] = "客户改单 Order changed"
                    step("cancel", S.CANCELLED, t, salesperson, row["cancel_reason"])
            else:
                self._walk(chunk, row, lines, t, approver, cancel, step)
        chunk[Shipment].append(row)
        chunk[ShipmentLine].extend(line for line, _o in lines)
        row["lines"] = lines
        return row

    def _walk(self, chunk, row, lines, t, approver, cancel, step):
        world, rng, now, stock = self.world, self.rng, self.world.now, self.stock
        company = row["kind"] == ShipmentKind.COMPANY_DISPATCH
        t += self.h(0.5, 12)
        if t > now:
            return
        row["approved_by_id"], row["approved_at"] = approver, t
        step("approve", S.APPROVED, t, approver)
        approved = t
        if cancel == "after":
            t += self.h(1, 10)
            if t <= now:
                row["cancel_reason"] = "客户取消 Customer cancelled"
                step("cancel", S.CANCELLED, t, approver, row["cancel_reason"])
                return
        clerk = rng.choice(world.warehouse_staff)
        if company:
            t += self.h(1, 10)
            if t <= now:
                step("start_picking", S.PICKING, t, clerk)
                t += self.h(1, 30)
        else:
            t += HOUR * rng.lognormvariate(0, 0.5) * world.supplier_speed[row["supplier_id"]]
        if t > now:
            if company:  # approved or picking: the stock stays reserved
                for line, order_line in lines:
                    stock.add(approved, order_line["product_id"], row["warehouse_id"], line["quantity"], "reserve")
                    chunk[StockReservation].append({
                        "id": self.ids.take(StockReservation), "product_id": order_line["product_id"],
                        "warehouse_id": row["warehouse_id"], "quantity": line["quantity"], "status": "open",
                        "source_type_id": world.ct[ShipmentLine], "source_id": line["id"], "actor_id": approver,
                        "created_at": approved, "closed_at": None})
            return
        carrier_id, code = rng.choice(world.carriers)
        row["carrier_id"], row["tracking_number"] = carrier_id, f"{code[4:].upper()}{row['id']:012d}"
        row["dispatched_at"] = t
        if company:
            step("dispatch", S.DISPATCHED, t, clerk)
            for line, order_line in lines:
                stock.add(t, order_line["product_id"], row["warehouse_id"], -line["quantity"], MoveKind.DISPATCH,
                          source_type_id=world.ct[Shipment], source_id=row["id"], actor_id=clerk)
        else:
            step("dispatch_dropship", S.DISPATCHED, t, row["entered_by_id"])
            number = f"SH{row['id']:07d}"
            for line, _order_line in lines:
                self.books.entry(chunk, supplier_id=row["supplier_id"], kind=EntryKind.DROP_SHIP_GOODS,
                                 amount=line["quantity"] * line["supplier_unit_price"],
                                 source_type_id=world.ct[ShipmentLine], source_id=line["id"], at=t,
                                 actor_id=row["entered_by_id"], description=f"{number} × {line['quantity']}")
            if row["freight"] > 0:
                self.books.entry(chunk, supplier_id=row["supplier_id"], kind=EntryKind.FREIGHT, amount=row["freight"],
                                 source_type_id=world.ct[Shipment], source_id=row["id"], at=t,
                                 actor_id=row["entered_by_id"], description=number)
        t += self.h(20, 96)
        if t > now or rng.random() < 0.03:
            return
        row["delivered_at"] = t
        step("mark_delivered", S.DELIVERED, t, None)
        t += self.h(24, 240)
        if t > now or rng.random() < 0.08:
            return
        row["received_at"] = t
        step("mark_received", S.RECEIVED, t, None)

    # ---- after-sales tickets --------------------------------------------------------------------------
    def ticket(self, chunk, order, shipment, line, order_line):
        """A ticket on one dispatched line (its state returned), or None when it would lie in the future."""
        world, rng, now = self.world, self.rng, self.world.now
        t = (shipment["delivered_at"] or shipment["dispatched_at"]) + self.h(24, 240)
        if t > now:
            return None
        tid = self.ids.take(Ticket)
        kind = rng.choice(TICKET_TYPES)
        quantity = rng.randint(1, line["quantity"])
        product = world.products_by_id[order_line["product_id"]]
        handler = order["salesperson"]
        approver = rng.choice(world.approvers)
        drop_ship = shipment["kind"] == ShipmentKind.DROP_SHIP
        row = {"id": tid, "number": f"AS{tid:07d}", "type": kind, "handler_id": handler, "registered_by_id": handler,
               "store_id": order["store_id"], "order_id": order["id"],
               "supplier_id": shipment["supplier_id"] or product.supplier_id, "reason": rng.choice(TicketReason.values),
               "description": "", "return_carrier_id": None, "return_tracking_no": "", "return_destination": "",
               "return_warehouse_id": None, "charge_back": False, "charge_back_amount": Decimal("0.00"),
               "compensate": False, "manufacturer_amount": Decimal("0.00"), "seller_amount": Decimal("0.00"),
               "total_amount": Decimal("0.00"), "refund_amount": None, "refund_date": None, "refund_reference": "",
               "outbound_shipment_id": None, "receipt_status": ReceiptStatus.NOT_RECEIVED, "state": "registered",
               "reject_reason": "", "approved_by_id": None, "created_at": t, "updated_at": t, "resolved_at": None}
        if kind in RETURN_TYPES:
            to_warehouse = rng.random() < 0.6
            row["return_destination"] = ReturnDestination.WAREHOUSE if to_warehouse else ReturnDestination.MANUFACTURER
            row["return_warehouse_id"] = (shipment["warehouse_id"] or rng.choice(world.warehouses)) if to_warehouse else None
        if kind == TicketType.RETURN_REFUND and drop_ship and rng.random() < 0.4:
            row["charge_back"], row["charge_back_amount"] = True, (quantity * line["supplier_unit_price"]).quantize(CENT)
        if kind == TicketType.COMPENSATION:
            # whole yuan, as shops offer them (and SQLite's REAL arithmetic checks total = sum exactly)
            total = Decimal(max(1, int(order_line["unit_price"] * quantity * Decimal(rng.uniform(0.1, 0.5)))))
            maker = Decimal(int(total * rng.choice((Decimal(0), Decimal("0.5"), Decimal(1)))))
            row.update(compensate=True, manufacturer_amount=maker, seller_amount=total - maker, total_amount=total)
        chunk[TicketLine].append({"id": self.ids.take(TicketLine), "ticket_id": tid, "order_line_id": order_line["id"],
                                  "quantity": quantity})
        self.tickets += 1

        def step(name, target, at, actor, comment=""):
            world.log(chunk, Ticket, tid, name, row["state"], target, actor, at, comment)
            row["state"], row["updated_at"] = target, at

        chunk[Ticket].append(row)
        t += self.h(0.1, 4)
        if t > now:
            return row["state"]
        step("submit", "submitted", t, handler)
        t += self.h(1, 24)
        if t > now:
            return row["state"]
        if rng.random() < 0.08:
            row["reject_reason"] = "不符合售后政策 Outside the after-sales policy"
            step("reject", "rejected", t, approver, row["reject_reason"])
            return row["state"]
        row["approved_by_id"] = approver
        step("approve", "approved", t, approver)
        if kind in RETURN_TYPES:
            step("expect_return", "awaiting_return", t, approver)
            t += self.h(72, 240)
            if t > now:
                return row["state"]
            row["receipt_status"] = ReceiptStatus.RECEIVED
            step("receive_return", "return_received", t, rng.choice(world.warehouse_staff))
            if row["return_warehouse_id"]:
                self.stock.add(t, product.id, row["return_warehouse_id"], quantity, MoveKind.RETURN,
                               source_type_id=world.ct[Ticket], source_id=tid, actor_id=handler,
                               reason=f"Return of after-sales ticket {row['number']}")
        if kind in (TicketType.EXCHANGE, TicketType.RESHIP):
            kind_name = "company" if shipment["kind"] == ShipmentKind.COMPANY_DISPATCH else "drop"
            place = shipment["warehouse_id"] if kind_name == "company" else shipment["supplier_id"]
            outbound = self.shipment(chunk, order, kind_name, place, [(order_line, quantity)], t + self.h(1, 12),
                                     purpose=kind, ticket_ref=tid)
            if outbound is None:
                return row["state"]
            row["outbound_shipment_id"] = outbound["id"]
            if outbound["state"] not in DISPATCHED_OR_LATER:
                return row["state"]
            t = outbound["dispatched_at"]
            row["resolved_at"] = t
            step("resolve_by_dispatch", "resolved", t, None)
        else:
            t += self.h(12, 72)
            if t > now:
                return row["state"]
            if kind in (TicketType.REFUND_ONLY, TicketType.RETURN_REFUND):
                row.update(refund_amount=(order_line["unit_price"] * quantity).quantize(CENT),
                           refund_date=world.local_date(t), refund_reference=f"RF{tid:09d}")
            row["resolved_at"] = t
            step("resolve", "resolved", t, handler)
            self._ticket_entries(chunk, row, t, handler)
        t += self.h(24, 240)
        if t <= now and rng.random() < 0.6:
            step("close", "closed", t, handler)
        return row["state"]

    def _ticket_entries(self, chunk, row, at, actor):
        ct = self.world.ct[Ticket]
        if row["compensate"] and row["manufacturer_amount"] > 0:
            self.books.entry(chunk, supplier_id=row["supplier_id"], kind=EntryKind.MANUFACTURER_COMPENSATION,
                             amount=-row["manufacturer_amount"], source_type_id=ct, source_id=row["id"], at=at,
                             actor_id=actor, description=f"Manufacturer compensation, ticket {row['number']}")
        if row["charge_back"] and row["charge_back_amount"] > 0:
            self.books.entry(chunk, supplier_id=row["supplier_id"], kind=EntryKind.CHARGE_BACK,
                             amount=-row["charge_back_amount"], source_type_id=ct, source_id=row["id"], at=at,
                             actor_id=actor, description=f"Charge-back, ticket {row['number']}")

"""The books of `seed_volume` (reports/volume.py): stock and the supplier account, kept as a real run
of the services would leave them.

- Stock: every change of on hand of a chunk is an event (dispatch out, return in, reservation held);
  at the chunk's end they are sorted by time and each (product, warehouse) runs its balance. When an out
  row or a reservation would take the available quantity below zero, a goods receipt (document, line,
  in row and its supplier account entry) is posted just before it, as the buyer would have. So every
  ledger row's balance_after is the sum of the rows before it, never negative, and at the end the
  balances hold the sums (on hand) and the open reservations (reserved).
- Supplier account: entries of months old enough (their month ended 60+ days ago) are put on that
  supplier's statement of the month, approved (so reconciled on the approval date), then confirmed and
  paid as their age says. A statement row is written when its first entry is, its totals at the end."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from catalog.models import Product
from inventory.models import (
    Direction,
    GoodsReceipt,
    GoodsReceiptLine,
    MoveKind,
    StockBalance,
    StockLedgerEntry,
)
from reconciliation.models import (
    EntryKind,
    PaymentDirection,
    PaymentMethod,
    Statement,
    StatementPayment,
    StatementState,
    SupplierAccountEntry,
)

from .volume_write import insert_rows

DAY = datetime.timedelta(days=1)


@dataclass(order=True)
class StockEvent:
    at: datetime.datetime
    seq: int
    product_id: int = field(compare=False)
    warehouse_id: int = field(compare=False)
    quantity: int = field(compare=False)  # > 0 in, < 0 out
    kind: str = field(compare=False)      # a MoveKind, or "reserve" (an open reservation, no ledger row)
    source_type_id: int | None = field(compare=False, default=None)
    source_id: int | None = field(compare=False, default=None)
    actor_id: int | None = field(compare=False, default=None)
    reason: str = field(compare=False, default="")


class Stock:
    """Running balances per (product, warehouse) across chunks, and the receipts that keep them ≥ 0."""

    def __init__(self, world, rng, ids):
        self.world, self.rng, self.ids = world, rng, ids
        self.on_hand, self.reserved = {}, {}
        self.seq = 0
        self.events = []
        self.receipts = 0

    def load_existing(self):
        for b in StockBalance.objects.values("product_id", "warehouse_id", "on_hand", "reserved"):
            key = (b["product_id"], b["warehouse_id"])
            self.on_hand[key], self.reserved[key] = b["on_hand"], b["reserved"]
        self.existing = set(self.on_hand)

    def add(self, at, product_id, warehouse_id, quantity, kind, **source):
        self.seq += 1
        self.events.append(StockEvent(at, self.seq, product_id, warehouse_id, quantity, kind, **source))

    def flush(self, chunk, books):
        """Turn the chunk's events into ledger rows (and receipts where stock ran short)."""
        self.events.sort()
        for event in self.events:
            key = (event.product_id, event.warehouse_id)
            on_hand, reserved = self.on_hand.get(key, 0), self.reserved.get(key, 0)
            if event.quantity < 0 or event.kind == "reserve":
                need = abs(event.quantity) - (on_hand - reserved)
                if need > 0:
                    on_hand += self._receive(chunk, books, event, need)
            if event.kind == "reserve":
                self.reserved[key] = reserved + event.quantity
                self.on_hand[key] = on_hand
                continue
            on_hand += event.quantity
            self.on_hand[key] = on_hand
            chunk[StockLedgerEntry].append({
                "id": self.ids.take(StockLedgerEntry), "product_id": event.product_id,
                "warehouse_id": event.warehouse_id,
                "direction": Direction.IN if event.quantity > 0 else Direction.OUT, "kind": event.kind,
                "quantity": abs(event.quantity), "balance_after": on_hand,
                "source_type_id": event.source_type_id, "source_id": event.source_id, "reason": event.reason,
                "actor_id": event.actor_id, "created_at": event.at})
        self.events = []

    def _receive(self, chunk, books, event, need):
        world = self.world
        product = world.products_by_id[event.product_id]
        quantity = need + self.rng.randint(40, 300)
        at = event.at - datetime.timedelta(hours=self.rng.uniform(6, 72))
        receipt_id, line_id = self.ids.take(GoodsReceipt), self.ids.take(GoodsReceiptLine)
        clerk = self.rng.choice(world.warehouse_staff)
        chunk[GoodsReceipt].append({
            "id": receipt_id, "state": "posted", "note": "", "created_by_id": clerk, "created_at": at,
            "posted_at": at, "updated_at": at, "supplier_id": product.supplier_id,
            "warehouse_id": event.warehouse_id})
        chunk[GoodsReceiptLine].append({"id": line_id, "receipt_id": receipt_id, "product_id": product.id,
                                        "quantity": quantity, "unit_cost": product.cost})
        key = (product.id, event.warehouse_id)
        balance = self.on_hand.get(key, 0) + quantity
        chunk[StockLedgerEntry].append({
            "id": self.ids.take(StockLedgerEntry), "product_id": product.id, "warehouse_id": event.warehouse_id,
            "direction": Direction.IN, "kind": MoveKind.PURCHASE_RECEIPT, "quantity": quantity,
            "balance_after": balance, "source_type_id": world.ct[GoodsReceipt], "source_id": receipt_id,
            "reason": "", "actor_id": clerk, "created_at": at})
        world.log(chunk, GoodsReceipt, receipt_id, "post", "draft", "posted", clerk, at)
        books.entry(chunk, supplier_id=product.supplier_id, kind=EntryKind.GOODS_RECEIPT,
                    amount=product.cost * quantity, source_type_id=world.ct[GoodsReceiptLine], source_id=line_id,
                    at=at, actor_id=clerk, description=f"GR-{receipt_id:06d} · {product.sku} × {quantity}")
        self.receipts += 1
        return quantity

    def write_balances(self):
        """The balances the ledger sums to (new pairs inserted, existing ones moved by the difference)."""
        rows = []
        for key, on_hand in self.on_hand.items():
            if key in self.existing:
                StockBalance.objects.filter(product_id=key[0], warehouse_id=key[1]).update(
                    on_hand=on_hand, reserved=self.reserved.get(key, 0))
            else:
                rows.append({"id": self.ids.take(StockBalance), "product_id": key[0], "warehouse_id": key[1],
                             "on_hand": on_hand, "reserved": self.reserved.get(key, 0)})
        return rows


class Books:
    """Supplier account entries, and the monthly statements that settle the old ones."""

    def __init__(self, world, rng, ids, today):
        self.world, self.rng, self.ids, self.today = world, rng, ids, today
        self.statements = {}   # (supplier id, year, month) → dict (the row) plus running totals
        self.entries = 0

    def _statement(self, chunk, supplier_id, day):
        month_start = day.replace(day=1)
        month_end = (month_start + datetime.timedelta(days=32)).replace(day=1) - DAY
        age = (self.today - month_end).days
        if age < 60:
            return None
        key = (supplier_id, month_start.year, month_start.month)
        statement = self.statements.get(key)
        if statement is None:
            world, rng = self.world, self.rng
            built = world.aware(month_end + datetime.timedelta(days=rng.randint(3, 8)), 10)
            approved = built + datetime.timedelta(days=rng.randint(1, 5))
            state = StatementState.PAID if age > 120 else rng.choice(
                [StatementState.APPROVED, StatementState.SUPPLIER_CONFIRMED, StatementState.PARTIALLY_PAID])
            clerk, supervisor = rng.choice(world.finance), world.finance_supervisor
            statement = {
                "id": self.ids.take(Statement), "supplier_id": supplier_id, "period_from": month_start,
                "period_to": month_end, "kinds": [], "state": state, "total": Decimal("0.00"), "entry_count": 0,
                "paid": Decimal("0.00"), "note": "", "created_by_id": clerk, "created_at": built,
                "updated_at": approved, "submitted_by_id": clerk, "submitted_at": built,
                "approved_by_id": supervisor, "approved_at": approved,
                "confirmed_by_id": clerk if state != StatementState.APPROVED else None,
                "confirmed_at": approved + 2 * DAY if state != StatementState.APPROVED else None,
                "confirmation_method": "email" if state != StatementState.APPROVED else "",
            }
            self.statements[key] = statement
            chunk[Statement].append(statement)
        return statement

    def entry(self, chunk, *, supplier_id, kind, amount, source_type_id, source_id, at, actor_id,
              description=""):
        amount = Decimal(amount).quantize(Decimal("0.01"))
        day = self.world.local_date(at)
        statement = self._statement(chunk, supplier_id, day)
        if statement is not None:
            statement["total"] += amount
            statement["entry_count"] += 1
        self.entries += 1
        chunk[SupplierAccountEntry].append({
            "id": self.ids.take(SupplierAccountEntry), "supplier_id": supplier_id, "kind": kind, "amount": amount,
            "description": description[:255], "source_type_id": source_type_id, "source_id": source_id,
            "entry_date": day, "statement_id": statement["id"] if statement else None,
            "reconciled_on": statement["approved_at"].date() if statement else None, "actor_id": actor_id,
            "created_at": at, "updated_at": at})

    def finish(self, use_copy):
        """Each statement's totals and payments, and its log rows (build → submit → approve → …)."""
        world, rng = self.world, self.rng
        payments, logs = [], []
        chunk = {Statement: [], StatementPayment: payments, "log": logs}
        changed, by_state = [], {}
        for s in self.statements.values():
            total = s["total"]
            state = s["state"]
            if total == 0:
                state = StatementState.PAID
            elif state == StatementState.PARTIALLY_PAID and abs(total) < Decimal("0.02"):
                state = StatementState.SUPPLIER_CONFIRMED
            paid = Decimal("0.00")
            if state == StatementState.PAID:
                paid = abs(total)
            elif state == StatementState.PARTIALLY_PAID:
                paid = (abs(total) / 2).quantize(Decimal("0.01"))
            changed.append(Statement(pk=s["id"], total=total, entry_count=s["entry_count"], paid=paid,
                                     updated_at=s["approved_at"]))
            by_state.setdefault(state, []).append(s["id"])
            steps = [("build", "", "draft"), ("submit", "draft", "submitted"), ("approve", "submitted", "approved")]
            if state in (StatementState.SUPPLIER_CONFIRMED, StatementState.PARTIALLY_PAID) or (
                    state == StatementState.PAID and s["confirmed_at"]):
                steps.append(("confirm", "approved", "supplier_confirmed"))
            if paid > 0:
                paid_at = s["approved_at"] + datetime.timedelta(days=rng.randint(5, 25))
                payments.append({
                    "id": self.ids.take(StatementPayment), "statement_id": s["id"], "amount": paid,
                    "direction": PaymentDirection.FROM_SUPPLIER if total < 0 else PaymentDirection.TO_SUPPLIER,
                    "paid_on": paid_at.date(), "method": PaymentMethod.BANK_TRANSFER,
                    "reference": f"BANK-{s['id']:06d}", "recorded_by_id": s["created_by_id"], "created_at": paid_at})
                steps.append(("pay", steps[-1][2], state))
            elif state == StatementState.PAID:
                steps.append(("settle", "approved", "paid"))
            at = s["created_at"]
            for name, source, target in steps:
                world.log(chunk, Statement, s["id"], name, source, target,
                          s["approved_by_id"] if name == "approve" else s["created_by_id"], at)
                at = s["approved_at"] if name == "submit" else at + DAY
        Statement.objects.bulk_update(changed, ["total", "entry_count", "paid", "updated_at"], batch_size=500)
        for state, pks in by_state.items():  # the state is protected on instances: set it set-based
            Statement.objects.filter(pk__in=pks).update(state=state)
        insert_rows(StatementPayment, payments, use_copy=use_copy)
        return logs


def product_weights(products):
    """A long tail: a few products sell most (Zipf-like), as in any shop."""
    return [1 / (rank + 1) ** 0.8 for rank in range(len(products))]


def shuffled_products(rng):
    products = list(Product.objects.order_by("pk"))
    rng.shuffle(products)
    return products

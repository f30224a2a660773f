"""`seed_volume`: a realistic history at volume, for the report dashboards and their benchmark
(benchmarks/reports.py). Run by `python manage.py seed_volume --shipment-lines N`.

What it builds (18 months ending now, deterministic for a given `--seed`):
- master data: 12 stores on the platforms, 40 suppliers (each with its own dispatch speed), 600 products
  (a long tail of sales; 40 % stocked in our 4 warehouses and sent by company dispatch, the rest drop-
  shipped by their supplier), 6 carriers, the staff of every role;
- orders (about N / 4 of them: 1–7 lines) over the period, busier lately and at the 618 and 11.11 peaks;
  each order's lines go out in a drop-ship per supplier and a company dispatch for the stocked ones,
  sometimes split in two, sometimes cancelled and entered again; 2 % of orders are cancelled. Each
  shipment walks its states through time (entered, approved, picking, dispatched, delivered, received)
  and stops where "now" is, so recent ones are still in draft … picking and old ones are received;
- after-sales tickets on ~3 % of the dispatched lines, of every type, with their returns (return-in rows),
  exchange/reship shipments, refunds, compensation and charge-backs;
- the books (reports/volume_books.py): stock ledger rows and balances (ledger sum = on hand), goods
  receipts where stock ran short, supplier account entries for dispatched drop-ships, receipts and
  tickets, monthly statements (approved, confirmed, paid) over entries older than two months;
- every order's fulfilment and after-sales status derived from its documents by the same rules as the
  services (shipments.fulfilment.status_from_totals, aftersales.services.derive_aftersales_status);
- the transition log row of every step;
- the daily shipment summary (shipments.summary.rebuild), as the dispatch service would have kept it.

Rows are written set-based by reports/volume_write.insert_rows, one transaction per chunk of orders.
Volume data is recognised by its stores' name prefix; a second run refuses unless `append=True`."""

import datetime
import queue
import random
import sys
import threading
import time
from bisect import bisect
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, transaction
from django.utils import timezone

from accounts.models import User
from aftersales.models import Ticket, TicketLine
from catalog.models import Carrier, Platform, Product, Store, Supplier, Warehouse
from core.models import TransitionLog
from inventory.models import GoodsReceipt, GoodsReceiptLine, StockBalance, StockLedgerEntry, StockReservation
from orders.models import Order, OrderLine
from reconciliation.models import Statement, StatementPayment, SupplierAccountEntry
from shipments import summary as shipment_summary
from shipments.models import Shipment, ShipmentLine

from .volume_books import Books, Stock, product_weights
from .volume_shipping import Orders
from .volume_write import Ids, analyze, insert_rows, reset_sequences

PREFIX = "量 Volume"
DAYS = 548
ORDERS_PER_CHUNK = 2000
# Parents before children: each chunk is one transaction and the foreign keys hold at its end.
WRITE_ORDER = [GoodsReceipt, GoodsReceiptLine, Statement, Order, OrderLine, Shipment, ShipmentLine, Ticket,
               TicketLine, StockLedgerEntry, StockReservation, SupplierAccountEntry]


class VolumeExists(Exception):
    pass


class World:
    """Master data as plain values, the content types, and the clock."""

    def __init__(self, rng, now, ids):
        self.rng, self.now, self.ids = rng, now, ids
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.ct = {model: ContentType.objects.get_for_model(model).pk
                   for model in (Order, Shipment, ShipmentLine, Ticket, GoodsReceipt, GoodsReceiptLine, Statement)}

    def local_date(self, at):
        return at.astimezone(self.tz).date()

    def aware(self, day, hour):
        return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=self.tz)

    def log(self, chunk, model, object_id, name, source, target, actor_id, at, comment=""):
        chunk["log"].append({"id": self.ids.take(TransitionLog), "content_type_id": self.ct[model], "object_id": str(object_id),
                             "transition": name, "source": source, "target": target, "actor_id": actor_id,
                             "comment": comment, "created_at": at})


def has_volume_data():
    return Store.objects.filter(name__startswith=PREFIX).exists()


def _users(rng):
    staff = {}
    for role, count in (("sales", 8), ("approver", 3), ("warehouse", 4), ("finance", 3),
                        ("finance supervisor", 1), ("manager", 2)):
        group = Group.objects.filter(name=role).first()
        people = []
        for i in range(count):
            username = f"vol-{role.replace(' ', '-')}-{i}"
            user, created = User.objects.get_or_create(username=username,
                                                       defaults={"email": f"{username}@volume.example"})
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                if group:
                    user.groups.add(group)
            people.append(user.pk)
        staff[role] = people
    return staff


def _master_data(rng, staff):
    """The stores, suppliers, products, warehouses and carriers of the volume world (made once)."""
    if not has_volume_data():
        platforms = Platform.values
        Store.objects.bulk_create([Store(name=f"{PREFIX} store {i:02d}", platform=platforms[i % len(platforms)],
                                         salesperson_id=staff["sales"][i % len(staff["sales"])]) for i in range(12)])
        Supplier.objects.bulk_create([Supplier(
            name=f"{PREFIX} supplier {i:02d}", code=f"vol-sup-{i:02d}", contact_email=f"sup{i}@volume.example",
            promised_dispatch_hours=rng.choice([24, 48, 48, 48, 72])) for i in range(40)])
        suppliers = list(Supplier.objects.filter(code__startswith="vol-sup-").order_by("pk"))
        from decimal import Decimal
        products = []
        for i in range(600):
            cost = Decimal(rng.randint(500, 40000)) / 100
            products.append(Product(sku=f"VOL-{i:05d}", name=f"量产品 Volume product {i}",
                                    default_supplier=suppliers[i % len(suppliers)], supplier_unit_cost=cost,
                                    list_price=(cost * Decimal(rng.uniform(1.3, 2.5))).quantize(Decimal("0.01")),
                                    low_stock_threshold=rng.choice([0, 5, 10, 20])))
        Product.objects.bulk_create(products)
        Warehouse.objects.bulk_create([Warehouse(code=f"vol-wh-{i}", name=f"{PREFIX} warehouse {i}")
                                       for i in range(4)])
        Carrier.objects.bulk_create([Carrier(code=f"vol-{c}", name=f"{PREFIX} carrier {c.upper()}")
                                     for c in ("sf", "yto", "zto", "sto", "yd", "jd")])


class _Product:
    __slots__ = ("id", "sku", "supplier_id", "cost", "price", "stocked")

    def __init__(self, product, stocked):
        self.id, self.sku, self.supplier_id = product.pk, product.sku, product.default_supplier_id
        self.cost, self.price, self.stocked = product.supplier_unit_cost, product.list_price, stocked


def _load_world(world, staff):
    rng = world.rng
    world.stores = list(Store.objects.filter(name__startswith=PREFIX).order_by("pk").values_list("pk", "salesperson_id"))
    world.store_weights = list(accumulate(rng.uniform(0.3, 3) for _ in world.stores))
    suppliers = Supplier.objects.filter(code__startswith="vol-sup-").order_by("pk")
    # each supplier's usual hours from approval to dispatch: most keep their promise, a few are slow
    world.supplier_speed = {s.pk: rng.choice([8, 12, 18, 24, 30, 40, 60]) for s in suppliers}
    products = list(Product.objects.filter(sku__startswith="VOL-").order_by("pk"))
    rng.shuffle(products)
    world.products = [_Product(p, stocked=rng.random() < 0.4) for p in products]
    world.products_by_id = {p.id: p for p in world.products}
    world.product_weights = list(accumulate(product_weights(world.products)))
    world.warehouses = list(Warehouse.objects.filter(code__startswith="vol-wh-").order_by("pk").values_list("pk", flat=True))
    world.carriers = list(Carrier.objects.filter(code__startswith="vol-").order_by("pk").values_list("pk", "code"))
    world.approvers, world.warehouse_staff = staff["approver"], staff["warehouse"]
    world.finance, world.finance_supervisor = staff["finance"], staff["finance supervisor"][0]
    world.sales = staff["sales"]


def _order_times(rng, now, count):
    """`count` order times over the last DAYS days, sorted: twice as busy at the end as at the start,
    and three times as busy on the days around 18 June and 11 November."""
    weights = []
    start = now - datetime.timedelta(days=DAYS)
    for d in range(DAYS):
        day = (start + datetime.timedelta(days=d)).date()
        w = 1 + d / DAYS
        if (day.month, day.day) in ((11, 9), (11, 10), (11, 11), (11, 12), (6, 16), (6, 17), (6, 18)):
            w *= 3
        weights.append(w)
    cumulative = list(accumulate(weights))
    times = []
    for _ in range(count):
        d = bisect(cumulative, rng.random() * cumulative[-1])
        at = start + datetime.timedelta(days=d, seconds=rng.uniform(0, 86400))
        times.append(min(at, now - datetime.timedelta(minutes=5)))
    times.sort()
    return times


def _progress(out, done, total, started):
    if out is None:
        return
    share = done / total if total else 1
    bar = "#" * int(30 * share)
    out.write(f"\rseed_volume [{bar:<30}] {done:,}/{total:,} shipment lines ({share:.0%}) "
              f"{time.perf_counter() - started:.0f} s")
    out.flush()


def seed_volume(*, shipment_lines, seed=1, append=False, use_copy=True, out=sys.stderr, now=None):
    """Build the history (see the module docstring). Returns the counts and the seconds it took. The same
    `seed` and `now` (the end of the history; default: now) make the same history."""
    started = time.perf_counter()
    if has_volume_data() and not append:
        raise VolumeExists("This database has volume data already (stores named "
                           f"'{PREFIX} …'): run with --append to add more.")
    rng = random.Random(seed)
    now = now or timezone.now()
    ids = Ids()
    world = World(rng, now, ids)
    with transaction.atomic():
        staff = _users(rng)
        _master_data(rng, staff)
    _load_world(world, staff)
    stock = Stock(world, rng, ids)
    stock.load_existing()
    books = Books(world, rng, ids, world.local_date(now))
    orders = Orders(world, rng, ids, stock, books, shipment_lines)
    n_orders = max(1, round(shipment_lines / 4.15))
    times = _order_times(rng, now, n_orders)
    position = 0
    writer = ChunkWriter(use_copy)
    while orders.remaining > 0:
        batch_times = times[position:position + ORDERS_PER_CHUNK]
        if not batch_times:  # the budget outlived the planned orders: more in the last day
            batch_times = sorted(now - datetime.timedelta(hours=rng.uniform(0.2, 24)) for _ in range(200))
        position += len(batch_times)
        chunk = {model: [] for model in WRITE_ORDER}
        chunk["log"] = []
        for i, at in enumerate(batch_times):
            orders.build(chunk, at, orders_left=max(1, n_orders - position + len(batch_times) - i))
            if orders.remaining <= 0:
                break
        stock.flush(chunk, books)
        writer.put(chunk)
        _progress(out, shipment_lines - orders.remaining, shipment_lines, started)
    writer.close()
    with transaction.atomic():
        insert_rows(StockBalance, stock.write_balances(), use_copy=use_copy)
        insert_rows(TransitionLog, books.finish(use_copy), use_copy=use_copy)
    reset_sequences([*WRITE_ORDER, StockBalance, StatementPayment, TransitionLog])
    summary_rows = shipment_summary.rebuild()  # the services keep it as they dispatch; this bulk load did not
    analyze()
    if out is not None:
        out.write("\n")
    return {"shipment_lines": shipment_lines - orders.remaining, "orders": orders.orders,
            "shipments": orders.shipments, "tickets": orders.tickets, "receipts": stock.receipts,
            "supplier_entries": books.entries, "statements": len(books.statements),
            "shipment_summary_rows": summary_rows,
            "seconds": round(time.perf_counter() - started, 1), "vendor": connection.vendor,
            "copy": use_copy and connection.vendor == "postgresql"}


def _write(chunk, use_copy):
    with transaction.atomic():
        for model in WRITE_ORDER:
            insert_rows(model, chunk[model], use_copy=use_copy)
        insert_rows(TransitionLog, chunk["log"], use_copy=use_copy)


class ChunkWriter:
    """Writes the chunks in order on a thread of its own (its own connection), so the database works on
    one chunk while this process draws the next: most of a chunk's time is the server's (inserts,
    foreign-key checks, indexes), and the thread waits on it without holding the GIL. One chunk queued
    at most; a failure is raised here, at the next put or at close."""

    def __init__(self, use_copy):
        self.use_copy = use_copy
        self.queue = queue.Queue(maxsize=1)
        self.error = None
        # Inside a caller's transaction (a test) or on SQLite, another connection would not see this one's
        # uncommitted master data: write inline there.
        self.thread = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.thread = threading.Thread(target=self._run, name="seed_volume-writer", daemon=True)
            self.thread.start()

    def _run(self):
        try:
            while (chunk := self.queue.get()) is not None:
                if self.error is None:
                    _write(chunk, self.use_copy)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            self.error = exc
            while self.queue.get() is not None:
                pass
        finally:
            connections.close_all()

    def _raise(self):
        if self.error is not None:
            raise self.error

    def put(self, chunk):
        if self.thread is None:
            return _write(chunk, self.use_copy)
        self._raise()
        self.queue.put(chunk)

    def close(self):
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self._raise()

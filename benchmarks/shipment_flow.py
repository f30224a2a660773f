"""Shipments from submit to dispatched on PostgreSQL, durable commits, notifications written, PDF tasks
queued but not run.

Creates its own database (`consign_bench_shipments`, dropped first and afterwards), migrates it, enters
N company-dispatch shipments of L lines each (not timed: `create_seconds` is reported beside), then
times them through the services as the people would run them, each service call its own durable
transaction (autocommit between calls, so each ends in its own COMMIT, synchronous_commit as the server
has it). Two ways, both timed and reported (`--mode` picks one):

- one_by_one: every shipment alone, four calls each — submit (sales) → approve (approver: reserves
  stock, writes the warehouse's notifications) → start picking (warehouse, from the shipment page) →
  dispatch with carrier + tracking no. (warehouse: stock-out rows).
- batched: how the work goes at volume — sales submit each shipment alone (they enter them one by
  one); the approver ticks a page of the approval queue (`--batch`, 50) and approves it
  (approve_shipments); the warehouse ticks the same page of its queue and prints the dispatch notes
  (print_dispatch_notes: start picking for each + one PDF job queued to the broker, not run); the
  carrier's tracking file for those shipments is imported (dispatch_shipments, the service the tracking
  import calls; the file's parsing is not timed).

The notifications' e-mail tasks and the PDF jobs are queued to a Redis broker (db 7 by default;
BENCH_BROKER_URL) on commit and not run; the queue is emptied afterwards. Queries per shipment are
counted for shipments of 1, 3 and 20 lines, both ways (batched: one batch's queries / batch size).

The other parts of issue 5's benchmark: benchmarks/order_list.py (the order list over 1M orders),
benchmarks/order_import.py (the 100k-row XLSX import of orders), benchmarks/dispatch_notes.py (PDFs).
`--server-side-binding` runs with DB_SERVER_SIDE_BINDING=1 (psycopg server-side binding and prepared
statements; off by default in the settings). `--profile FILE` writes a cProfile of the timed loop(s).

Run alone: `.venv/bin/python benchmarks/shipment_flow.py [--shipments 5000] [--lines 3] [--batch 50]
[--mode both|one_by_one|batched] [--keep]`. PG_URL (default postgres://postgres@127.0.0.1:5432/postgres)
names the server. Last line: JSON."""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BENCH_DB = "consign_bench_shipments"
SERVER = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/7")
STEPS = ("submit", "approve", "start_picking", "dispatch")
BATCH_STEPS = ("submit", "approve_ticked", "print_run", "tracking_file")
LOAD_BEFORE = None  # 1-minute load average when the timed part starts (other people share the machine)


def server_url(dbname):
    return SERVER.rsplit("/", 1)[0] + "/" + dbname


def recreate_database():
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def drop_database():
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shipments", type=int, default=5_000)
    parser.add_argument("--lines", type=int, default=3)
    parser.add_argument("--batch", type=int, default=50, help="shipments per ticked page / tracking file")
    parser.add_argument("--mode", choices=("both", "one_by_one", "batched"), default="both")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-broker", action="store_true", help="run Celery eagerly instead of queueing")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the timed loop into FILE (pstats)")
    parser.add_argument("--show-sql", action="store_true", help="print the statements of one 3-line shipment")
    parser.add_argument("--server-side-binding", action="store_true",
                        help="DB_SERVER_SIDE_BINDING=1: psycopg server-side binding + prepared statements")
    args = parser.parse_args()

    recreate_database()
    os.environ["DATABASE_URL"] = server_url(BENCH_DB)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    if args.server_side_binding:
        os.environ["DB_SERVER_SIDE_BINDING"] = "1"
    if not args.no_broker:
        os.environ["CELERY_BROKER_URL"] = BROKER
    import django

    django.setup()
    try:
        result = run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database()
        if not args.no_broker:
            purge_broker()
    print(json.dumps(result))


def purge_broker():
    try:
        import redis

        redis.Redis.from_url(BROKER).flushdb()
    except Exception as exc:  # noqa: BLE001 - a benchmark's clean-up must not hide its result
        print(f"could not empty the broker queue {BROKER}: {exc}", file=sys.stderr)


class World:
    """Master data, people and stock for the run."""

    def __init__(self, n_products):
        from decimal import Decimal

        from django.contrib.auth.models import Group

        from accounts.models import User
        from catalog.models import Carrier, Platform, Product, Store, Supplier, Warehouse
        from inventory.models import MoveKind
        from inventory.services import StockMove, move_stock

        def user(name, role):
            u = User.objects.create(username=name, email=f"{name}@bench.example")
            u.groups.add(Group.objects.get(name=role))
            return User.objects.get(pk=u.pk)

        self.sales = user("bench-sales", "sales")
        self.approver = user("bench-approver", "approver")
        self.warehouse_user = user("bench-warehouse", "warehouse")
        user("bench-warehouse-2", "warehouse")  # warehouse notifications go to two people
        supplier = Supplier.objects.create(name="Bench supplier", code="bench")
        self.store = Store.objects.create(name="Bench store", platform=Platform.TMALL, salesperson=self.sales)
        self.warehouse = Warehouse.objects.create(code="bench", name="Bench warehouse")
        self.carrier = Carrier.objects.create(code="sf", name="SF", tracking_url_pattern="https://t/{tracking_number}")
        self.products = [
            Product.objects.create(sku=f"BENCH-{i}", name=f"Bench {i}", default_supplier=supplier,
                                   supplier_unit_cost=Decimal("1"), list_price=Decimal("2"))
            for i in range(n_products)
        ]
        move_stock(moves=[StockMove(p.pk, self.warehouse.pk, "in", 10_000_000, MoveKind.PURCHASE_RECEIPT)
                          for p in self.products], actor=self.warehouse_user)

    def orders(self, count, lines, prefix):
        """`count` orders of `lines` lines (1 unit each), bulk-inserted (orders are not what is timed)."""
        from decimal import Decimal

        from django.utils import timezone

        from orders.models import Order, OrderLine

        now = timezone.now()
        orders = Order.objects.bulk_create([
            Order(store=self.store, external_order_no=f"{prefix}{i:07d}", recipient_name="张三",
                  recipient_phone="13800138000", recipient_address="上海市浦东新区世纪大道 100 号", ordered_at=now)
            for i in range(count)], batch_size=2000)
        OrderLine.objects.bulk_create([
            OrderLine(order=o, product=self.products[j % len(self.products)], quantity=1,
                      unit_price=Decimal("2.00"))
            for o in orders for j in range(lines)], batch_size=5000)
        return orders

    def enter(self, order):
        from shipments.services import LineInput, create_shipment

        return create_shipment(order=order, kind="company_dispatch", warehouse=self.warehouse, actor=self.sales,
                               lines=[LineInput(line.pk, 1) for line in order.lines.all()])

    def flow(self, shipment, number, timings=None):
        """The four timed steps, each its own durable transaction (the services' atomic blocks)."""
        from shipments import services

        steps = (
            lambda: services.submit_shipment(shipment, actor=self.sales),
            lambda: services.approve_shipment(shipment, actor=self.approver),
            lambda: services.start_picking(shipment, actor=self.warehouse_user),
            lambda: services.dispatch_shipment(shipment, actor=self.warehouse_user, carrier=self.carrier,
                                               tracking_number=f"SF{number:010d}"),
        )
        for name, step in zip(STEPS, steps, strict=True):
            started = time.perf_counter()
            step()
            if timings is not None:
                timings[name] += time.perf_counter() - started


    def flow_batch(self, shipments, first_number, timings=None):
        """The batched way: submit each, approve the page, print it, import its tracking file."""
        from shipments import services
        from shipments.dispatch_notes import print_dispatch_notes

        def submit_each():
            for shipment in shipments:
                services.submit_shipment(shipment, actor=self.sales)

        steps = (
            submit_each,
            lambda: services.approve_shipments(shipments, actor=self.approver),
            lambda: print_dispatch_notes(shipment_ids=[s.pk for s in shipments], actor=self.warehouse_user),
            lambda: services.dispatch_shipments(
                [(s, self.carrier, f"SF{first_number + i:010d}") for i, s in enumerate(shipments)],
                actor=self.warehouse_user),
        )
        for name, step in zip(BATCH_STEPS, steps, strict=True):
            started = time.perf_counter()
            step()
            if timings is not None:
                timings[name] += time.perf_counter() - started


def run(args):
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.models import PdfJob
    from inventory.models import StockBalance, StockLedgerEntry
    from notifications.models import Notification
    from shipments.models import Shipment, ShipmentState

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        synchronous_commit = cursor.fetchone()[0]
        cursor.execute("SHOW fsync")
        fsync = cursor.fetchone()[0]
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]

    def analyze():
        """Fresh planner statistics after the untimed bulk setup, as autovacuum gives a production
        server: this machine's server runs with autovacuum off, and with the statistics of empty tables
        the open-quantity and reservation lookups pick plans that scan every shipment (they got slower
        with every shipment entered: 6 ms → 25 ms per entry over 4,000)."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    world = World(n_products=20)
    analyze()
    modes = ("one_by_one", "batched") if args.mode == "both" else (args.mode,)
    batch = args.batch

    # Queries per shipment at 1, 3 and 20 lines, after a warm-up: one by one (the four steps of one
    # shipment) and batched (one batch's queries / batch size).
    queries, queries_batched, kinds = {}, {}, {}
    for lines in (1, 3, 20):
        warm, measured = world.orders(2, lines, prefix=f"Q{lines}-")
        world.flow(world.enter(warm), 0)
        shipment = world.enter(measured)
        with CaptureQueriesContext(connection) as captured:
            world.flow(shipment, 1)
        queries[str(lines)] = len(captured)
        if lines == 3:
            if args.show_sql:
                for query in captured.captured_queries:
                    print(query["sql"][:300], file=sys.stderr)
            for query in captured.captured_queries:
                word = query["sql"].split(None, 1)[0].upper()
                kinds[word] = kinds.get(word, 0) + 1
        if "batched" in modes:
            warm = [world.enter(o) for o in world.orders(batch, lines, prefix=f"W{lines}-")]
            world.flow_batch(warm, 0)
            measured = [world.enter(o) for o in world.orders(batch, lines, prefix=f"M{lines}-")]
            with CaptureQueriesContext(connection) as captured:
                world.flow_batch(measured, 0)
            queries_batched[str(lines)] = round(len(captured) / batch, 2)

    n = args.shipments
    global LOAD_BEFORE
    LOAD_BEFORE = round(os.getloadavg()[0], 2)
    notifications_before = Notification.objects.count()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    results = {}
    all_shipments = []
    for mode in modes:
        orders = world.orders(n, args.lines, prefix=f"{mode[0].upper()}-")
        started = time.perf_counter()
        shipments = [world.enter(order) for order in orders]
        create_seconds = time.perf_counter() - started
        all_shipments += shipments
        analyze()
        notifications_at_start = Notification.objects.count()
        steps = STEPS if mode == "one_by_one" else BATCH_STEPS
        timings = dict.fromkeys(steps, 0.0)
        if profiler is not None:
            profiler.enable()
        started = time.perf_counter()
        if mode == "one_by_one":
            for number, shipment in enumerate(shipments, start=1):
                world.flow(shipment, number, timings)
        else:
            for start in range(0, n, batch):
                world.flow_batch(shipments[start:start + batch], start + 1, timings)
        seconds = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
        results[mode] = {
            "seconds": round(seconds, 3),
            "shipments_per_second": round(n / seconds, 1),
            "ms_per_shipment_per_step": {name: round(1000 * t / n, 2) for name, t in timings.items()},
            "create_seconds_untimed_part": round(create_seconds, 3),
            "notifications_written": Notification.objects.count() - notifications_at_start,
        }
        if mode == "batched":
            results[mode]["batch_size"] = batch
    if profiler is not None:
        profiler.dump_stats(args.profile)

    dispatched = Shipment.objects.filter(pk__in=[s.pk for s in all_shipments], state=ShipmentState.DISPATCHED).count()
    pdf_jobs = PdfJob.objects.count()
    return {
        "benchmark": "shipment_flow",
        "shipments": n,
        "lines_per_shipment": args.lines,
        "target_shipments_per_second": 100,
        **{f"shipments_per_second_{mode}": results[mode]["shipments_per_second"] for mode in modes},
        "runs": results,
        "queries_per_shipment_one_by_one": queries,
        "queries_per_shipment_batched": queries_batched,
        "statement_kinds_one_by_one_at_3_lines": kinds,
        "dispatched": dispatched,
        "expected_dispatched": n * len(modes),
        "stock_out_rows": StockLedgerEntry.objects.filter(direction="out").count(),
        "reserved_left": sum(StockBalance.objects.values_list("reserved", flat=True)),
        "notifications_written": Notification.objects.count() - notifications_before,
        "pdf_jobs_queued_not_run": pdf_jobs,
        "tasks": "queued to " + BROKER if not args.no_broker else "eager",
        "server_side_binding": bool(connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")),
        "load_average_before_after": [LOAD_BEFORE, round(os.getloadavg()[0], 2)],
        "synchronous_commit": synchronous_commit,
        "fsync": fsync,
        "autovacuum": autovacuum,
        "analyzed_after_setup": True,
        "measured_elsewhere": {"order list over 1M orders": "benchmarks/order_list.py",
                               "100k-row XLSX import": "benchmarks/order_import.py",
                               "dispatch-note PDFs": "benchmarks/dispatch_notes.py"},
    }


if __name__ == "__main__":
    main()

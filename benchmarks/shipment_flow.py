"""Shipments from submit to dispatched on PostgreSQL, through the services, beside a raw-SQL baseline.

Runnable beside other work: the database is `BENCH_DB_NAME` (default `consign_bench_shipments_<pid>`, created
here, refused if it exists, dropped afterwards unless `--keep`) on the server of PG_URL; Redis is
`BENCH_REDIS_URL` (required for the batched part: a db of your own). Nothing with a fixed shared name
is ever dropped or flushed: only this run's database and its clone, and the Celery queue key of this
run's Redis db. Seeding is set-based, then `ANALYZE`. Every service call gets a cold copy of its user
(permission cache empty), as a request has. `os.getloadavg()` is printed beside each figure.

1. Statements per shipment at 1, 3 and 20 lines (one by one: the four steps of one shipment; batched:
   one page's statements / page size) — pinned by tests/shipments/test_query_counts.py.
2. One by one (`--one-by-one`, 200): each shipment alone, four calls, each its own durable transaction —
   submit (sales) → approve (approver: reserves stock, notifies the warehouse) → start picking
   (warehouse) → dispatch with carrier + tracking no. (stock-out rows, the order's status). The baseline
   is the same statements on the same kind of connection with the same transaction boundaries: the
   database is cloned (CREATE DATABASE … TEMPLATE) after seeding, the service run records every statement
   with its parameters (`connection.execute_wrapper`, grouped by service call), and the recording is
   replayed with psycopg on the clone — identical rows and ids — one transaction per service call.
   Both end states are compared (states, ledger, log rows, notifications). Reported: shipments/s of
   each, the ratio (target ≤ 3).
3. Batched (`--batched`, 500 in pages of `--batch` 50), end to end: enter each shipment, submit each,
   approve the page (approve_shipments), print it (print_dispatch_notes: start picking + a PDF job), import
   its tracking file (dispatch_shipments), and wait until a real `celery worker` (started here on
   BENCH_REDIS_URL, pointed at this database) has rendered every print run's PDF. Seconds reported (target
   < 60 s).

Run alone: `BENCH_REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python benchmarks/shipment_flow.py
[--one-by-one 200] [--batched 500] [--batch 50] [--lines 3] [--keep]`. Last line: JSON."""

import argparse
import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
SERVER = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BENCH_DB = os.environ.get("BENCH_DB_NAME") or f"consign_bench_shipments_{os.getpid()}"
CLONE_DB = f"{BENCH_DB}_raw"
REDIS = os.environ.get("BENCH_REDIS_URL", "")
STEPS = ("submit", "approve", "start_picking", "dispatch")


def load():
    return round(os.getloadavg()[0], 2)


def server_url(dbname):
    return SERVER.rsplit("/", 1)[0] + "/" + dbname


def admin(sql):
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(sql)


def create_database():
    with psycopg.connect(SERVER, autocommit=True) as conn:
        for name in (BENCH_DB, CLONE_DB):
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                sys.exit(f"database {name} exists: name another with BENCH_DB_NAME (nothing is dropped here)")
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def drop_databases():
    for name in (CLONE_DB, BENCH_DB):
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--one-by-one", type=int, default=200, help="shipments timed one by one")
    parser.add_argument("--batched", type=int, default=500, help="shipments timed batched, end to end")
    parser.add_argument("--batch", type=int, default=50, help="shipments per ticked page / tracking file")
    parser.add_argument("--lines", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    if args.batched and not REDIS:
        sys.exit("set BENCH_REDIS_URL=redis://127.0.0.1:6379/<a db of your own> (or --batched 0)")

    create_database()
    os.environ["DATABASE_URL"] = server_url(BENCH_DB)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    if REDIS:
        os.environ["CELERY_BROKER_URL"] = REDIS
    import django

    django.setup()
    worker = None
    try:
        result, worker = run(args)
    finally:
        from django.db import connections

        connections.close_all()
        stop_worker(worker)
        if REDIS:
            drop_queue()
        if not args.keep:
            drop_databases()
    print(json.dumps(result))


def drop_queue():
    """Empty this run's Celery queue (the `celery` key of BENCH_REDIS_URL's db only: never FLUSHDB)."""
    try:
        import redis

        redis.Redis.from_url(REDIS).delete("celery")
    except Exception as exc:  # noqa: BLE001 - a benchmark's clean-up must not hide its result
        print(f"could not empty the queue of {REDIS}: {exc}", file=sys.stderr)


def start_worker():
    env = {**os.environ, "DATABASE_URL": server_url(BENCH_DB), "CELERY_BROKER_URL": REDIS,
           "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONUNBUFFERED": "1"}
    log = open(f"/tmp/{BENCH_DB}-worker.log", "w")  # noqa: SIM115 - closed with the worker
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", "celery", "--loglevel=INFO",
         "-n", f"{BENCH_DB}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log_path = log.name
    process.log_file = log
    deadline = time.monotonic() + 60
    while " ready." not in Path(log.name).read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the celery worker did not start:\n" + Path(log.name).read_text()[-2000:])
        time.sleep(0.2)
    return process


def stop_worker(process):
    if process is None:
        return
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    process.log_file.close()


class World:
    """Master data, people and stock for the run (set-based), and the steps as people run them."""

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
            return User.objects.get(pk=u.pk)  # never asked a permission: copies of it are cold

        self._sales = user("bench-sales", "sales")
        self._approver = user("bench-approver", "approver")
        self._warehouse = user("bench-warehouse", "warehouse")
        user("bench-warehouse-2", "warehouse")  # warehouse notifications go to two people
        supplier = Supplier.objects.create(name="Bench supplier", code="bench")
        self.store = Store.objects.create(name="Bench store", platform=Platform.TMALL, salesperson=self._sales)
        self.warehouse = Warehouse.objects.create(code="bench", name="Bench warehouse")
        self.carrier = Carrier.objects.create(code="sf", name="SF", tracking_url_pattern="https://t/{tracking_number}")
        self.products = Product.objects.bulk_create([
            Product(sku=f"BENCH-{i}", name=f"Bench {i}", default_supplier=supplier,
                    supplier_unit_cost=Decimal("1"), list_price=Decimal("2")) for i in range(n_products)])
        move_stock(moves=[StockMove(p.pk, self.warehouse.pk, "in", 10_000_000, MoveKind.PURCHASE_RECEIPT)
                          for p in self.products], actor=self._warehouse)

    # Cold users, as a request loads them: a copy of an instance that never cached a permission.
    sales = property(lambda self: copy.copy(self._sales))
    approver = property(lambda self: copy.copy(self._approver))
    warehouse_user = property(lambda self: copy.copy(self._warehouse))

    def orders(self, count, lines, prefix):
        """`count` orders of `lines` lines (1 unit each), bulk-inserted."""
        from decimal import Decimal

        from django.utils import timezone

        from orders.models import Order, OrderLine

        now = timezone.now()
        orders = Order.objects.bulk_create([
            Order(store=self.store, external_order_no=f"{prefix}{i:07d}", recipient_name="张三",
                  recipient_phone="13800138000", recipient_address="上海市浦东新区世纪大道 100 号", ordered_at=now)
            for i in range(count)], batch_size=2000)
        OrderLine.objects.bulk_create([
            OrderLine(order=o, product=self.products[j % len(self.products)], quantity=1, unit_price=Decimal("2.00"))
            for o in orders for j in range(lines)], batch_size=5000)
        return orders

    def enter(self, order):
        from shipments.entry import LineInput, create_shipment

        return create_shipment(order, kind="company_dispatch", warehouse=self.warehouse, actor=self.sales,
                               lines=[LineInput(line.pk, 1) for line in order.lines.all()])

    def steps(self, shipment, number):
        """The four steps of one shipment, each one service call (its own durable transaction)."""
        from shipments.approval import approve_shipment, submit_shipment
        from shipments.dispatching import dispatch_shipment, start_picking

        return (
            lambda: submit_shipment(shipment, actor=self.sales),
            lambda: approve_shipment(shipment, actor=self.approver),
            lambda: start_picking(shipment, actor=self.warehouse_user),
            lambda: dispatch_shipment(shipment, actor=self.warehouse_user, carrier=self.carrier,
                                      tracking_number=f"SF{number:010d}"),
        )

    def flow_batch(self, shipments, first_number):
        """The batched way: submit each, approve the page, print it, import its tracking file."""
        from shipments.approval import approve_shipments, submit_shipment
        from shipments.dispatch_notes import print_dispatch_notes
        from shipments.dispatching import dispatch_shipments

        for shipment in shipments:
            submit_shipment(shipment, actor=self.sales)
        approve_shipments(shipments, actor=self.approver)
        print_dispatch_notes(shipment_ids=[s.pk for s in shipments], actor=self.warehouse_user)
        dispatch_shipments([(s, self.carrier, f"SF{first_number + i:010d}") for i, s in enumerate(shipments)],
                           actor=self.warehouse_user)


class Recorder:
    """Every statement the services send, with its parameters, grouped by service call."""

    def __init__(self):
        self.calls = []

    def __call__(self, execute, sql, params, many, context):
        self.calls[-1].append((sql, params, many))
        return execute(sql, params, many, context)


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def statements_per_shipment(world, batch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one, batched, kinds = {}, {}, {}
    for lines in (1, 3, 20):
        warm, measured = world.orders(2, lines, prefix=f"Q{lines}-")
        for step in world.steps(world.enter(warm), 0):
            step()
        shipment = world.enter(measured)
        with CaptureQueriesContext(connection) as captured:
            for step in world.steps(shipment, 1):
                step()
        # Statements the services send; the transactions' BEGIN/COMMIT (4, one per call) are not counted.
        one[str(lines)] = len([q for q in captured.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")])
        if lines == 3:
            for query in captured.captured_queries:
                word = query["sql"].split(None, 1)[0].upper()
                kinds[word] = kinds.get(word, 0) + 1
        shipments = [world.enter(o) for o in world.orders(batch, lines, prefix=f"B{lines}-")]
        with CaptureQueriesContext(connection) as captured:
            world.flow_batch(shipments, 0)
        statements = [q for q in captured.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
        batched[str(lines)] = round(len(statements) / batch, 2)
    return one, batched, kinds


def end_state(cursor, shipment_ids):
    """What the flow left, for comparing the service run and the replay."""
    ids = list(shipment_ids)
    queries = {
        "dispatched": "SELECT count(*) FROM shipments_shipment WHERE id = ANY(%s) AND state = 'dispatched'",
        "log_rows": "SELECT count(*) FROM core_transitionlog WHERE object_id = ANY(%s::text[])",
        "stock_out_rows": "SELECT count(*) FROM inventory_stockledgerentry WHERE direction = 'out'",
        "reserved": "SELECT coalesce(sum(reserved), 0) FROM inventory_stockbalance",
        "on_hand": "SELECT coalesce(sum(on_hand), 0) FROM inventory_stockbalance",
        "notifications": "SELECT count(*) FROM notifications_notification",
        "orders_shipped": "SELECT count(*) FROM orders_order WHERE fulfilment_status = 'shipped'",
    }
    state = {}
    for name, sql in queries.items():
        cursor.execute(sql, [[str(i) for i in ids] if "::text[]" in sql else ids] if "%s" in sql else [])
        state[name] = int(cursor.fetchone()[0])
    return state


def one_by_one(world, n, lines):
    """The service path on the seeded database, recorded; then the recording replayed on its clone."""
    from django.db import connection, connections

    shipments = [world.enter(order) for order in world.orders(n, lines, prefix="O-")]
    analyze()
    connections.close_all()
    drop_queue()  # the entries' notifications: not part of what is timed
    admin(f'CREATE DATABASE "{CLONE_DB}" TEMPLATE "{BENCH_DB}"')
    recorder = Recorder()
    load_before = load()
    started = time.perf_counter()
    with connection.execute_wrapper(recorder):
        for number, shipment in enumerate(shipments, start=1):
            for step in world.steps(shipment, number):
                recorder.calls.append([])
                step()
    service_seconds = time.perf_counter() - started
    load_service = load()
    with connection.cursor() as cursor:
        service_state = end_state(cursor, [s.pk for s in shipments])
    connections.close_all()

    statements = sum(len(call) for call in recorder.calls)
    with psycopg.connect(server_url(CLONE_DB), autocommit=True, cursor_factory=psycopg.ClientCursor) as raw:
        cursor = raw.cursor()
        started = time.perf_counter()
        for call in recorder.calls:
            with raw.transaction():
                for sql, params, many in call:
                    if many:
                        cursor.executemany(sql, params)
                    else:
                        cursor.execute(sql, params)
        raw_seconds = time.perf_counter() - started
        raw_state = end_state(cursor, [s.pk for s in shipments])
    drop_queue()  # the approvals' notification tasks: no worker ran them
    return {
        "shipments": n,
        "lines_per_shipment": lines,
        "service_seconds": round(service_seconds, 3),
        "service_shipments_per_second": round(n / service_seconds, 1),
        "service_load_average_before_after": [load_before, load_service],
        "raw_sql_seconds": round(raw_seconds, 3),
        "raw_sql_shipments_per_second": round(n / raw_seconds, 1),
        "raw_sql_load_average_after": load(),
        "ratio_service_to_raw_sql": round(service_seconds / raw_seconds, 2),
        "target_ratio": 3,
        "statements_per_shipment": round(statements / n, 2),
        "transactions_per_shipment": len(recorder.calls) / n,
        "same_end_state": service_state == raw_state,
        "end_state": service_state,
        "end_state_raw_sql": raw_state,
    }


def batched(world, n, batch, lines):
    """Enter, submit, approve by page, print by page, tracking file by page; every PDF rendered by the worker."""
    from django.db import connections

    from core.models import PdfJob, PdfJobState
    from shipments.models import Shipment, ShipmentState

    orders = world.orders(n, lines, prefix="P-")
    analyze()
    jobs_before = set(PdfJob.objects.values_list("pk", flat=True))
    connections.close_all()
    drop_queue()
    worker = start_worker()
    load_before = load()
    started = time.perf_counter()
    shipments = [world.enter(order) for order in orders]
    entered = time.perf_counter() - started
    for start in range(0, n, batch):
        world.flow_batch(shipments[start:start + batch], start + 1)
    dispatched_at = time.perf_counter() - started
    jobs = PdfJob.objects.exclude(pk__in=jobs_before)
    deadline = time.monotonic() + 600
    while jobs.exclude(state__in=[PdfJobState.DONE, PdfJobState.FAILED]).exists():
        if time.monotonic() > deadline or worker.poll() is not None:
            break
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    return {
        "shipments": n,
        "page": batch,
        "lines_per_shipment": lines,
        "seconds_end_to_end": round(seconds, 2),
        "target_seconds": 60,
        "seconds_entering": round(entered, 2),
        "seconds_until_all_dispatched": round(dispatched_at, 2),
        "seconds_waiting_for_pdfs_after_dispatch": round(seconds - dispatched_at, 2),
        "shipments_per_second_end_to_end": round(n / seconds, 1),
        "dispatched": Shipment.objects.filter(pk__in=[s.pk for s in shipments],
                                              state=ShipmentState.DISPATCHED).count(),
        "pdf_jobs": jobs.count(),
        "pdf_jobs_done": jobs.filter(state=PdfJobState.DONE).count(),
        "pdf_pages_bytes": sum(job.file.size for job in jobs.filter(state=PdfJobState.DONE) if job.file),
        "load_average_before_after": [load_before, load()],
    }, worker


def run(args):
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        settings = {}
        for name in ("synchronous_commit", "fsync", "autovacuum"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    world = World(n_products=20)
    analyze()
    load_start = load()
    one, per_page, kinds = statements_per_shipment(world, args.batch)
    result = {
        "benchmark": "shipment_flow",
        "database": BENCH_DB,
        "statements_per_shipment_one_by_one": one,
        "statements_per_shipment_batched": per_page,
        "statement_kinds_one_by_one_at_3_lines": kinds,
        "statements_target": 20,
        "statements_load_average": [load_start, load()],
    }
    worker = None
    if args.one_by_one:
        result["one_by_one"] = one_by_one(world, args.one_by_one, args.lines)
    if args.batched:
        result["batched"], worker = batched(world, args.batched, args.batch, args.lines)
    result.update(settings)
    result["cold_users"] = True
    result["analyzed_after_seeding"] = True
    return result, worker


if __name__ == "__main__":
    main()

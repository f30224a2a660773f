"""The order list over 1M orders on PostgreSQL: first-page server time per view (target < 300 ms).

Creates its own database (benchmarks/_support.py: BENCH_DB_NAME or a per-run name, dropped afterwards
unless --keep, and only because this run created it), migrates it, and fills it set-based (INSERT … SELECT generate_series): N orders over 50 stores and two years,
1–3 lines each, statuses spread like a live shop (most received, a tail awaiting shipment), then
VACUUM ANALYZE and ANALYZE. Then it asks the real page (`orders:order_list`, Django test client, logged in as a
manager) for the first page of the default view, each filter alone and each sortable column both ways,
three times each, and reports the best and median server time (the whole request: view, queries,
template). Each request loads its user from the session afresh (AuthenticationMiddleware): a cold
permission cache, as in production. The SQL of every request is captured: no statement may count the
whole table (the list uses LazyPaginator), and the slowest statement of each view is reported with its
time. Baseline, same run: the very statements of each view's request replayed as raw SQL on the same
connection (autocommit, as the request ran them), `repeat` times; the page's median beside theirs. The
load average is printed beside every figure.

Run alone: `.venv/bin/python benchmarks/order_list.py [--orders 1000000] [--keep] [--reuse]`
(--reuse with BENCH_DB_NAME naming a database that --keep left filled: no fill, never dropped). PG_URL
names the server. Last line: JSON."""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import BenchDatabase, analyze, emit, figure, load  # noqa: E402

STORES = 50
TARGET_MS = 300


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the kept database BENCH_DB_NAME as it is (no fill)")
    args = parser.parse_args()

    with BenchDatabase("orders", keep=args.keep, reuse=args.reuse) as db:
        import django

        django.setup()
        result = run(args, reuse=not db.created)
        result["database_name"] = db.name
    emit(result)


def fill(n):
    """Master data through the ORM, the orders and their lines set-based in SQL."""
    from decimal import Decimal

    from accounts.models import User
    from catalog.models import Platform, Product, Store, Supplier

    salesperson = User.objects.create(username="bench-sales", email="s@bench.example")
    supplier = Supplier.objects.create(name="Bench supplier", code="bench")
    platforms = [p for p, _label in Platform.choices]
    Store.objects.bulk_create([Store(name=f"店铺 Store {i:02d}", platform=platforms[i % len(platforms)],
                                     salesperson=salesperson) for i in range(STORES)])
    Product.objects.bulk_create([Product(sku=f"SKU-{i:04d}", name=f"Product {i}", default_supplier=supplier,
                                         supplier_unit_cost=Decimal("5"), list_price=Decimal("9.90"))
                                 for i in range(200)])
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM catalog_store")
        store_min, store_max = cursor.fetchone()
        cursor.execute("SELECT min(id), max(id) FROM catalog_product")
        product_min, product_max = cursor.fetchone()
        # Statuses: 70 % received, 10 % delivered, 8 % shipped, 2 % partially shipped, 6 % awaiting
        # shipment (the most recent orders), 2 % cancelled, 2 % invoiced. Ordered over two years,
        # newest last; a few recent ones waiting for days.
        cursor.execute(
            """
            INSERT INTO orders_order (store_id, external_order_no, recipient_name, recipient_phone,
                recipient_address, ordered_at, source, created_by_id, created_at, fulfilment_status,
                aftersales_status, cancel_reason, close_short_reason, updated_at)
            SELECT %(store_min)s + (g %% %(stores)s),
                   'EXT' || lpad(g::text, 9, '0'),
                   (ARRAY['张三', '李四', '王五', '赵六', 'Alice Chen', 'Bob Li'])[1 + g %% 6] || ' ' || (g %% 997),
                   '138' || lpad((g %% 100000000)::text, 8, '0'),
                   '上海市浦东新区世纪大道 ' || (g %% 2000) || ' 号',
                   now() - interval '730 days' * (1 - g::float / %(n)s) - interval '1 minute' * (g %% 7),
                   'import', NULL, now(),
                   CASE WHEN g > %(n)s * 0.94 THEN 'awaiting_shipment'
                        WHEN g %% 50 = 0 THEN 'cancelled'
                        WHEN g %% 50 = 1 THEN 'invoiced'
                        WHEN g %% 50 = 2 THEN 'partially_shipped'
                        WHEN g %% 10 = 3 THEN 'shipped'
                        WHEN g %% 10 = 4 THEN 'delivered'
                        ELSE 'received' END,
                   CASE WHEN g %% 40 = 0 THEN 'resolved' WHEN g %% 97 = 0 THEN 'in_progress' ELSE 'none' END,
                   '', '', now()
            FROM generate_series(1, %(n)s) AS g
            """,
            {"store_min": store_min, "stores": store_max - store_min + 1, "n": n},
        )
        cursor.execute(
            """
            INSERT INTO orders_orderline (order_id, product_id, quantity, unit_price, closed_short_quantity)
            SELECT o.id, %(product_min)s + ((o.id * 7 + k) %% %(products)s), 1 + (o.id + k) %% 3, 9.90, 0
            FROM orders_order o CROSS JOIN LATERAL generate_series(1, 1 + o.id %% 3) AS k
            """,
            {"product_min": product_min, "products": product_max - product_min + 1},
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE orders_order")
        cursor.execute("VACUUM ANALYZE orders_orderline")
    analyze(connection)
    return time.perf_counter() - started


def views():
    """(name, query string): the default view, each filter alone, each sortable column both ways."""
    from datetime import timedelta

    from django.utils import timezone

    from catalog.models import Store
    from orders.models import Order
    from orders.tables import OrderTable

    store = Store.objects.order_by("id")[STORES // 2]
    some = Order.objects.order_by().filter(pk__gte=500_000).values_list("external_order_no", flat=True).first() \
        or Order.objects.order_by().values_list("external_order_no", flat=True).first()
    today = timezone.localdate()
    rows = [
        ("default", ""),
        ("filter q (order no.)", f"q={some}"),
        ("filter store", f"store={store.pk}"),
        ("filter status awaiting_shipment", "fulfilment_status=awaiting_shipment"),
        ("filter status partially_shipped", "fulfilment_status=partially_shipped"),
        ("filter ordered_from (last 7 days)", f"ordered_from={today - timedelta(days=7)}"),
        ("filter ordered_to (a year ago)", f"ordered_to={today.replace(year=today.year - 1)}"),
        ("filter waiting_hours=48", "waiting_hours=48"),
        ("filter store + status + waiting_hours", f"store={store.pk}&fulfilment_status=awaiting_shipment"
                                                  f"&waiting_hours=24"),
    ]
    table = OrderTable([])
    for column in table.columns:
        if column.orderable:
            rows.append((f"sort {column.name}", f"sort={column.name}"))
            rows.append((f"sort -{column.name}", f"sort=-{column.name}"))
    return rows


def run(args, reuse):
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from accounts.models import User
    from orders.models import Order

    fill_seconds = None
    call_command("migrate", verbosity=0)  # on a reused database: just the newer migrations
    if not reuse:
        fill_seconds = fill(args.orders)
    setup_test_environment()
    user, _created = User.objects.get_or_create(username="bench-manager", defaults={"email": "m@bench.example"})
    user.groups.add(Group.objects.get(name="manager"))
    client = Client()
    client.force_login(user)
    client.get("/orders/")  # session, permissions, templates: what any later visit has warm

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'orders_order'")
        estimated_orders = cursor.fetchone()[0]
    results = {}
    failures = []
    for name, query in views():
        timings = []
        for _attempt in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(f"/orders/?{query}")
                elapsed = time.perf_counter() - started
            if response.status_code != 200:
                failures.append(f"{name}: HTTP {response.status_code}")
            timings.append(elapsed)
        replayed = []
        with connection.cursor() as cursor:  # the baseline: the same statements, raw, same connection
            for _attempt in range(args.repeat):
                started = time.perf_counter()
                for q in captured.captured_queries:
                    if not q["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
                        continue  # a server-side cursor's DECLARE is logged with its SELECT: run that once
                    cursor.execute(q["sql"])
                    if cursor.description:
                        cursor.fetchall()
                replayed.append(time.perf_counter() - started)
        statements = [q for q in captured.captured_queries if "orders_order" in q["sql"]]
        # A paginator's count is `SELECT COUNT(*) AS "__count" FROM …` (the line count per row is a
        # correlated subquery, bounded by the page).
        counts = [q["sql"] for q in captured.captured_queries
                  if '"__count"' in q["sql"] and 'FROM "orders_order"' in q["sql"]]
        slowest = max(statements, key=lambda q: float(q["time"]), default=None)
        results[name] = {
            "best_ms": round(1000 * min(timings), 1),
            "median_ms": round(1000 * statistics.median(timings), 1),
            "vs_raw_sql": figure(f"order list, {name}", statistics.median(timings), statistics.median(replayed),
                                 baseline="its statements replayed as raw SQL"),
            "queries": len(captured.captured_queries),
            "slowest_query_ms": round(1000 * float(slowest["time"]), 1) if slowest else None,
            "count_queries": len(counts),
        }
        if counts:
            failures.append(f"{name}: counts the table: {counts[0][:200]}")
    over = {name: r["median_ms"] for name, r in results.items() if r["median_ms"] >= TARGET_MS}
    return {
        "benchmark": "order_list",
        "loadavg": load(),
        "orders": Order.objects.order_by().count() if not reuse else estimated_orders,
        "fill_seconds": round(fill_seconds, 1) if fill_seconds is not None else "reused",
        "target_ms": TARGET_MS,
        "views": results,
        "worst_median_ms": max(r["median_ms"] for r in results.values()),
        "over_target": over,
        "failures": failures,
    }


if __name__ == "__main__":
    main()

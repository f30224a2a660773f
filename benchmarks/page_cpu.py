"""Server time of every list page at 50 rows, measured in-process as CPU time (issue 12: < 60 ms each).

HTTP timings on a shared two-core machine mostly measure the neighbours; this measures what one request
costs the Django process itself: `time.process_time()` around the test client's GET (the whole stack:
middleware, session and user load, the view, the template, the response), beside the wall time and the
database's share of it (statements and their time, from an execute wrapper). The same bare 50-row
django-tables2 page of the same orders as http_load's baseline is measured in the same run.

1. Its own database (BENCH_DB_NAME, see _support.py; --reuse runs on an existing one and never drops it),
   migrated, seeded by http_load.seed (orders, shipments, tickets) plus supplier entries, statements and
   stock documents, then ANALYZE.
2. Each page --repeat times after two warm-up visits (templates compiled, URL patterns loaded, as a
   running worker has them) by a user of the role that opens it; the user is loaded from the session on
   every request (cold permission cache). Median and best CPU ms, wall ms, statements, SQL ms.
3. `--profile PAGE` writes a cProfile of that page's requests to /tmp/page_cpu_<page>.prof and prints the
   top functions by cumulative and own time.

Run alone: `.venv/bin/python benchmarks/page_cpu.py [--repeat 20] [--keep] [--reuse] [--profile "order list"]`.
Last line: JSON."""

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import BenchDatabase, analyze, emit, load  # noqa: E402

TARGET_MS = 60
PAGES = {
    "baseline (bare tables2)": (None, "/bench/baseline/"),
    "warehouse queue": ("warehouse", "/shipments/queue/?per_page=50"),
    "approval queue": ("approver", "/shipments/approvals/?per_page=50"),
    "order list": ("manager", "/orders/?per_page=50"),
    "shipment list": ("manager", "/shipments/?per_page=50"),
    "ticket list": ("sales", "/after-sales/?per_page=50"),
    "statement list": ("finance", "/supplier-accounts/statements/?per_page=50"),
    "entry list": ("finance", "/supplier-accounts/accounts/{supplier}/?per_page=50"),
    "stock list": ("manager", "/stock/?per_page=50"),
    "stock ledger": ("manager", "/stock/products/{product}/ledger/?per_page=50"),
}


def seed_more(rows):
    """Supplier entries, statements and more stock rows, so every list has at least `rows` rows."""
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import User
    from catalog.models import Product, Supplier, Warehouse
    from inventory.models import MoveKind
    from inventory.services import StockMove, move_stock
    from orders.models import Order
    from reconciliation.services import EntryDraft, post_supplier_entries
    from reconciliation.statements import build_statement

    supplier = Supplier.objects.get(code="bench-sup")
    finance = User.objects.create_user("bench-finance-0", "bench-finance-0@example.com", "bench-http-1")
    finance.groups.add(Group.objects.get(name="finance"))
    warehouses = [Warehouse.objects.create(code=f"bench-wh-{n}", name=f"Bench warehouse {n}") for n in range(3)]
    products = list(Product.objects.order_by("pk"))
    move_stock(moves=[StockMove(product_id=p.pk, warehouse_id=w.pk, direction="in", quantity=10,
                                kind=MoveKind.PURCHASE_RECEIPT) for p in products for w in warehouses])
    for _ in range(rows):  # a ledger of more than `rows` moves for the first product
        move_stock(moves=[StockMove(product_id=products[0].pk, warehouse_id=warehouses[0].pk, direction="in",
                                    quantity=1, kind=MoveKind.PURCHASE_RECEIPT)])
    today = timezone.localdate()
    sources = list(Order.objects.order_by("pk")[: rows * 3])
    entries = post_supplier_entries(entries=[
        EntryDraft(supplier_id=supplier.pk, kind="drop_ship_goods", amount=Decimal("12.50"), source=order,
                   entry_date=today - timedelta(days=n % 60), description=f"Bench entry {n}")
        for n, order in enumerate(sources)], actor=finance)
    for n in range(rows):  # one statement per entry: `rows` statements, the other entries stay open
        day = today - timedelta(days=n % 60)
        build_statement(supplier=supplier, period_from=day, period_to=day, entry_ids=[entries[n].pk], actor=finance)
    return {"entries": len(entries), "statements": rows}


class SqlTimer:
    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


def measure(client, path, repeat, profiler=None):
    from django.db import connection

    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    cpu, wall, sql_ms, statements = [], [], [], []
    for _ in range(repeat):
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            if profiler:
                profiler.enable()
            started_cpu, started = time.process_time(), time.perf_counter()
            response = client.get(path)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            if profiler:
                profiler.disable()
        sql_ms.append(timer.seconds * 1000)
        statements.append(timer.count)
        assert response.status_code == 200
    return {"cpu_ms_median": round(statistics.median(cpu), 1), "cpu_ms_best": round(min(cpu), 1),
            "wall_ms_median": round(statistics.median(wall), 1), "sql_ms_median": round(statistics.median(sql_ms), 1),
            "statements": statements[-1], "rows": response.content.count(b"<tr "), "loadavg": load()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--profile", action="append", default=[], help="a page name to profile (repeatable)")
    parser.add_argument("--only", action="append", default=[], help="measure only these pages")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    with BenchDatabase("pages", keep=args.keep, reuse=args.reuse) as db:
        import os

        os.environ["DJANGO_SETTINGS_MODULE"] = "http_site.settings"
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from accounts.models import User
        from catalog.models import Product, Supplier

        if db.created:
            call_command("migrate", verbosity=0)
        if not User.objects.filter(username="bench-finance-0").exists():
            from http_load import seed

            started = time.perf_counter()
            seed(args.orders)
            seed_more(50)
            analyze()
            print(f"seeded in {time.perf_counter() - started:.1f} s, load {load()}", file=sys.stderr)
        keys = {"supplier": Supplier.objects.get(code="bench-sup").pk,
                "product": Product.objects.order_by("pk").first().pk}
        results = {}
        for page, (role, path) in PAGES.items():
            if args.only and page not in args.only:
                continue
            client = Client(HTTP_HOST="localhost")
            if role:
                client.force_login(User.objects.filter(groups__name=role).order_by("pk").first())
            profiler = cProfile.Profile(time.process_time) if page in args.profile else None
            results[page] = measure(client, path.format(**keys), args.repeat, profiler)
            print(f"{page}: {results[page]}", file=sys.stderr)
            if profiler:
                out = f"/tmp/page_cpu_{page.replace(' ', '_')}.prof"
                profiler.dump_stats(out)
                for sort in ("cumulative", "tottime"):
                    text = io.StringIO()
                    pstats.Stats(profiler, stream=text).sort_stats(sort).print_stats(40)
                    print(text.getvalue(), file=sys.stderr)
    emit({"benchmark": "page_cpu", "repeat": args.repeat, "target_ms": TARGET_MS, "pages": results,
          "target_met": all(r["cpu_ms_median"] < TARGET_MS for p, r in results.items() if not p.startswith("baseline"))})


if __name__ == "__main__":
    main()

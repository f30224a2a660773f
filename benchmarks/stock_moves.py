"""Stock moves through inventory.services.move_stock on PostgreSQL, durable commits.

Creates its own database (benchmarks/_support.py: BENCH_DB_NAME or a per-run name; dropped afterwards
unless --keep, and only because this run created it), migrates it, seeds, ANALYZEs, then runs N
single-unit out moves through the service, one transaction per move (autocommit between moves, so
every move ends in its own COMMIT, synchronous_commit as the server has it), and the same SQL
statements by hand on the same connection with the same transaction per move: the baseline.
The two loops alternate in chunks so drift (autovacuum, caches) hits both alike. Each service move gets
its actor fetched again first (untimed: an empty permission cache, as a request has). The load average
is printed beside the figures.

Run alone: `.venv/bin/python benchmarks/stock_moves.py [--moves 20000] [--keep]`
PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server. Last line: JSON."""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import BenchDatabase, analyze, cold, emit, figure, load  # noqa: E402

TX_CONTROL = {"BEGIN", "COMMIT"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--moves", type=int, default=20_000)
    parser.add_argument("--chunk", type=int, default=1_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's database afterwards")
    args = parser.parse_args()

    with BenchDatabase("stock", keep=args.keep) as db:
        import django

        django.setup()
        result = run(args)
        result["database_name"] = db.name
    emit(result)


def run(args):
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from catalog.models import Product, Supplier, Warehouse
    from inventory import services
    from inventory.models import Direction, MoveKind, StockBalance, StockLedgerEntry
    from inventory.services import StockMove

    call_command("migrate", verbosity=0)  # every app: the catalog's columns come from its later migrations

    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        synchronous_commit = cursor.fetchone()[0]
        cursor.execute("SHOW fsync")
        fsync = cursor.fetchone()[0]

    actor = User.objects.create(username="bench")
    supplier = Supplier.objects.create(name="Bench supplier", code="bench")
    wh = Warehouse.objects.create(code="bench", name="Bench warehouse")
    product = Product.objects.create(sku="BENCH-1", name="Bench", default_supplier=supplier,
                                     supplier_unit_cost=Decimal("1"), list_price=Decimal("2"))
    n = args.moves
    services.move_stock(moves=[StockMove(product.pk, wh.pk, Direction.IN, 2 * n + 500, MoveKind.PURCHASE_RECEIPT)],
                        actor=actor)
    take = StockMove(product.pk, wh.pk, Direction.OUT, 1, MoveKind.DISPATCH)
    analyze(connection)  # the seeded tables' statistics, as a live server has them

    # The baseline: the service's statements by hand. The SELECT is the service's own queryset compiled
    # (same columns, joins and FOR UPDATE OF); UPDATE and INSERT are the ones the service sends for one
    # line (a plain UPDATE of the one balance row, the INSERT … RETURNING id of bulk_create).
    lock_qs = (StockBalance.objects.filter(product_id=product.pk, warehouse_id=wh.pk)
               .select_related("product", "warehouse").order_by("pk").select_for_update(of=("self",)))
    with transaction.atomic():  # as_sql() refuses FOR UPDATE outside a transaction
        lock_sql, lock_params = lock_qs.query.get_compiler(connection=connection).as_sql()
    update_sql = ('UPDATE "inventory_stockbalance" SET "on_hand" = %s, "reserved" = %s '
                  'WHERE "inventory_stockbalance"."id" = %s')
    insert_sql = ('INSERT INTO "inventory_stockledgerentry" ("product_id", "warehouse_id", "direction", "kind", '
                  '"quantity", "balance_after", "source_type_id", "source_id", "reason", "actor_id", '
                  '"created_at") VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING '
                  '"inventory_stockledgerentry"."id"')

    def raw_move():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(lock_sql, lock_params)
            row = cursor.fetchone()
            balance_id, on_hand, reserved = row[0], row[3], row[4]
            if on_hand - 1 < reserved:
                raise RuntimeError("short")
            cursor.execute(update_sql, [on_hand - 1, reserved, balance_id])
            cursor.execute(insert_sql, [product.pk, wh.pk, "out", "dispatch", 1, on_hand - 1, None, None, "",
                                        actor.pk, timezone.now()])
            cursor.fetchone()

    def service_move(user=None):
        services.move_stock(moves=[take], actor=user or cold(actor))

    # Queries per move, measured (not assumed) at several sizes; the ones Django logs include COMMIT.
    def count(fn):
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return [q["sql"].split()[0].upper() for q in ctx.captured_queries]

    raw_statements = count(raw_move)
    counted_user = cold(actor)
    service_statements = count(lambda: service_move(counted_user))
    extra_products = [Product.objects.create(sku=f"BENCH-X{i}", name="x", default_supplier=supplier,
                                             supplier_unit_cost=Decimal("1"), list_price=Decimal("2"))
                      for i in range(20)]
    services.move_stock(moves=[StockMove(p.pk, wh.pk, Direction.IN, 100, MoveKind.ADJUSTMENT)
                               for p in extra_products], actor=actor)
    by_size = {}
    for size in (1, 3, 20):
        moves = [StockMove(p.pk, wh.pk, Direction.OUT, 1, MoveKind.ADJUSTMENT) for p in extra_products[:size]]
        statements = count(lambda moves=moves: services.move_stock(moves=moves, actor=actor))
        by_size[size] = len([q for q in statements if q not in TX_CONTROL])

    # Warm up both paths, then alternate chunks.
    for _ in range(50):
        service_move()
        raw_move()
    service_s = raw_s = 0.0
    done = 0
    while done < n:
        size = min(args.chunk, n - done)
        users = [cold(actor) for _ in range(size)]  # fetched before the clock starts: one per move
        start = time.perf_counter()
        for user in users:
            service_move(user)
        service_s += time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(size):
            raw_move()
        raw_s += time.perf_counter() - start
        done += size

    # Everything still adds up.
    b = StockBalance.objects.get(product=product, warehouse=wh)
    ledger_rows = StockLedgerEntry.objects.filter(product=product, warehouse=wh).count()
    from inventory.selectors import stock_differences

    consistent = not stock_differences()
    service_rate, raw_rate = n / service_s, n / raw_s
    return {
        "benchmark": "stock_moves",
        "service_vs_raw": figure(f"{n} moves", service_s, raw_s, baseline="the same statements as raw SQL", count=n),
        "loadavg": load(),
        "moves": n,
        "database": "postgresql",
        "synchronous_commit": synchronous_commit,
        "fsync": fsync,
        "service_moves_per_s": round(service_rate, 1),
        "raw_sql_moves_per_s": round(raw_rate, 1),
        "ratio_service_to_raw_time": round(raw_rate / service_rate, 3),
        "service_ms_per_move": round(1000 * service_s / n, 3),
        "raw_ms_per_move": round(1000 * raw_s / n, 3),
        # Data statements per move (BEGIN and COMMIT, which Django also logs, left out); constant in size.
        "queries_per_move": len([q for q in service_statements if q not in TX_CONTROL]),
        "statements_per_move_with_begin_commit": len(service_statements),
        "service_statements": service_statements,
        "raw_statements": raw_statements,
        "queries_by_lines": by_size,
        "final_on_hand": b.on_hand,
        "ledger_rows": ledger_rows,
        "ledger_consistent": consistent,
    }


if __name__ == "__main__":
    main()

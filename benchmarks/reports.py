"""The report dashboards at volume on PostgreSQL: server time of each dashboard (median of 5; target
< 300 ms) at its default filter and at one store (one warehouse for inventory, one supplier for
reconciliation and the scorecard, which have no store filter) and one month, beside its bare aggregate
SQL (target ≤ 2×), and the time of `seed_volume` itself.

Database (benchmarks/_support.py): its own, created and migrated, then filled by
`seed_volume --shipment-lines N` (timed; default 1 000 000), then ANALYZE. `--keep` leaves it; `--reuse`
with BENCH_DB_NAME naming a kept one skips the seeding (the seed time then comes from `--seed-report`,
the JSON line that the seeding run printed, when given). Wrap in `flock /tmp/h/heavy.lock` on shared
machines.

Each dashboard is asked for through the real page (Django test client, logged in as a manager, the user
loaded afresh by each request: a cold permission cache), 5 times; the median is its server time. The
SQL of the last request is captured; the baseline is the same statements replayed raw on the same
connection (autocommit, as the request ran them), 5 times, median — what the figures cost in the
database alone. The page's ratio to it is what Django, the filters, charts and template add. Its
slowest statement is reported too. The load average is printed beside every figure.

Run: `flock /tmp/h/heavy.lock .venv/bin/python benchmarks/reports.py [--shipment-lines 1000000] [--keep]`
or `BENCH_DB_NAME=consign_bench_reports … benchmarks/reports.py --reuse [--seed-report seed.json]`.
Last line: JSON."""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import BenchDatabase, analyze, emit, figure, load  # noqa: E402

TARGET_MS = 300
RATIO_TARGET = 2.0
REPEAT = 5
# URL name → the filter that stands for "one store" on that dashboard
DASHBOARDS = {"shipping": "store", "aftersales": "store", "scorecard": "supplier", "monitoring": "store",
              "inventory": "warehouse", "reconciliation": "supplier"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shipment-lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the kept database BENCH_DB_NAME as it is")
    parser.add_argument("--seed-report", help="with --reuse: the JSON line the seeding run printed")
    parser.add_argument("--only", choices=sorted(DASHBOARDS), action="append",
                        help="measure only this dashboard (repeatable); default: all")
    args = parser.parse_args()
    with BenchDatabase("reports", keep=args.keep, reuse=args.reuse) as db:
        import django

        django.setup()
        result = run(args, reuse=not db.created)
        result["database_name"] = db.name
    emit(result)


def seed(args):
    from django.core.management import call_command
    from django.db import connection

    from reports.volume import seed_volume

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    report = seed_volume(shipment_lines=args.shipment_lines, seed=args.seed, out=sys.stderr)
    seconds = time.perf_counter() - started  # seeding, ANALYZE included
    analyze(connection)
    return {**report, "wall_seconds": round(seconds, 1), "loadavg": load()}


def replay(statements):
    """The captured statements as raw SQL on the same connection, REPEAT times: each run's seconds."""
    from django.db import connection

    runs = []
    with connection.cursor() as cursor:
        for _attempt in range(REPEAT):
            started = time.perf_counter()
            for sql, params in statements:
                cursor.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()
            runs.append(time.perf_counter() - started)
    return runs


def measure(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, status = [], None
    for _attempt in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        status = response.status_code
    # the figures' statements: reads (the session's and the user's included; they are part of the page)
    statements = [(q["sql"], None) for q in captured.captured_queries
                  if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
    return timings, statements, status, slowest, len(captured.captured_queries)


def run(args, reuse):
    import datetime

    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from catalog.models import Store, Supplier, Warehouse
    from shipments.models import ShipmentLine

    seeded = None
    if reuse:
        call_command("migrate", verbosity=0)  # newer migrations only
        if args.seed_report:
            seeded = {"from": args.seed_report,
                      **json.loads(Path(args.seed_report).read_text().strip().splitlines()[-1])}
    else:
        seeded = seed(args)
    setup_test_environment()
    user, _created = User.objects.get_or_create(username="bench-manager", defaults={"email": "m@bench.example"})
    user.groups.add(Group.objects.get(name="manager"))
    client = Client()
    client.force_login(user)
    client.get(reverse("reports:index"))  # session, permissions, templates: what any later visit has warm

    last_month_end = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    month = {"period": "custom", "date_from": last_month_end.replace(day=1).isoformat(),
             "date_to": last_month_end.isoformat()}
    # the busiest store, a middle warehouse and supplier: a realistic "one of them", not an empty one
    one = {"store": Store.objects.filter(name__startswith="量 Volume").order_by("pk").first(),
           "warehouse": Warehouse.objects.filter(code__startswith="vol-wh-").order_by("pk").first(),
           "supplier": Supplier.objects.filter(code__startswith="vol-sup-").order_by("pk")[5:6].first()}
    results, failures = {}, []
    for name, field in DASHBOARDS.items():
        if args.only and name not in args.only:
            continue
        try:
            path = reverse(f"reports:{name}")
        except Exception:  # noqa: BLE001 - a dashboard not built yet is reported, not fatal
            failures.append(f"{name}: no URL reports:{name}")
            continue
        params = {**month, field: one[field].pk}
        for label, url in (("default", path), (f"one {field}, one month",
                                                f"{path}?{'&'.join(f'{k}={v}' for k, v in params.items())}")):
            timings, statements, status, slowest, queries = measure(client, url)
            if status != 200:
                failures.append(f"{name} {label}: HTTP {status}")
            baseline = replay(statements)
            median = statistics.median(timings)
            row = {
                "url": url,
                "median_ms": round(1000 * median, 1),
                "best_ms": round(1000 * min(timings), 1),
                "sql_median_ms": round(1000 * statistics.median(baseline), 1),
                "vs_bare_sql": figure(f"{name} ({label})", median, statistics.median(baseline),
                                      baseline="its statements as raw SQL", unit="s"),
                "queries": queries,
                "slowest_query_ms": round(1000 * float(slowest["time"]), 1) if slowest else None,
                "slowest_query": slowest["sql"][:300] if slowest else None,
                "loadavg": load(),
            }
            results[f"{name} · {label}"] = row
    over = {k: r["median_ms"] for k, r in results.items() if r["median_ms"] >= TARGET_MS}
    ratio_over = {k: r["vs_bare_sql"]["ratio_to_baseline"] for k, r in results.items()
                  if (r["vs_bare_sql"]["ratio_to_baseline"] or 0) > RATIO_TARGET}
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [ShipmentLine._meta.db_table])
        estimated_lines = cursor.fetchone()[0]
    return {
        "benchmark": "reports",
        "loadavg": load(),
        "shipment_lines": estimated_lines if reuse else ShipmentLine.objects.count(),
        "seed_volume": seeded if seeded is not None else "reused (no --seed-report)",
        "target_ms": TARGET_MS,
        "ratio_target": RATIO_TARGET,
        "dashboards": results,
        "worst_median_ms": max((r["median_ms"] for r in results.values()), default=None),
        "over_target_ms": over,
        "over_ratio_target": ratio_over,
        "failures": failures,
    }


if __name__ == "__main__":
    main()

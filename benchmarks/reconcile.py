"""Reconciliation statements on PostgreSQL: build and approve at 10, 1,000 and 10,000 entries.

Creates its own database (benchmarks/_support.py: BENCH_DB_NAME or a per-run name, dropped afterwards
only because this run created it), migrates it, posts a supplier with 50,000 open entries of mixed kinds (one multi-row INSERT per 5,000, as
post_supplier_entries does), then for each size builds a statement from that many open entries
(`reconciliation.statements.build_statement`: ONE conditional UPDATE), submits it, and approves it
(`approve_statement`: guarded state UPDATE, log row, ONE set-based UPDATE of the entries' reconciliation
date, the builder's notification), as real finance / finance-supervisor users (default grants), each
call in its own transaction (autocommit between calls), fresh user objects each time (cold permission
cache, as in a request).

Each run's entries are opened again by hand afterwards (untimed; `release`), so every size repeats on
the same 50,000 open entries; medians are reported.

Baseline for approval: another statement of the same size built and submitted the same way, then the
same UPDATE statements approval sends (the statement's guarded state UPDATE and the entries' UPDATE),
by hand on the same connection in one transaction — `ratio_approve_to_raw_updates`. A second baseline
adds approval's other writes by hand too (log row INSERT, the notification's SELECT + INSERT):
`ratio_approve_to_raw_writes`. Service and raw runs alternate per repetition.

Run alone: `.venv/bin/python benchmarks/reconcile.py [--open-entries 50000] [--sizes 10,1000,10000]
[--keep]`. PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server; BENCH_REDIS_URL
(default redis://127.0.0.1:6379/5) receives the notification tasks in a queue named for the run, whose
keys alone are deleted afterwards. The load average is printed beside every figure. Last line: JSON."""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import BenchBroker, BenchDatabase, analyze, cold, emit, figure, load  # noqa: E402

OPEN_ENTRIES = 50_000
SIZES = (10, 1_000, 10_000)
REPEATS = {10: 15, 1_000: 5, 10_000: 3}  # entries are released after each run (see `release`)
TX_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")


def main():
    global OPEN_ENTRIES, SIZES
    parser = argparse.ArgumentParser()
    parser.add_argument("--open-entries", type=int, default=OPEN_ENTRIES)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="statement sizes, comma-separated")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    OPEN_ENTRIES, SIZES = args.open_entries, tuple(int(n) for n in args.sizes.split(","))
    # Notifications are published to a broker on commit, as in production (not run eagerly inside the
    # measured call); nobody consumes them: the run's queue is deleted afterwards.
    with BenchDatabase("reconcile", keep=args.keep) as db, BenchBroker(5) as broker:
        import django

        django.setup()
        broker.configure()
        result = run()
        result.update(database_name=db.name, broker_queue=broker.queue, messages_queued=broker.pending())
    emit(result)


def run():
    import datetime
    from decimal import Decimal

    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from catalog.models import Supplier
    from reconciliation import statements
    from reconciliation.models import EntryKind, Statement, SupplierAccountEntry

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        synchronous_commit = cursor.fetchone()[0]

    supplier = Supplier.objects.create(name="Bench supplier", code="bench")
    builder = User.objects.create(username="bench-finance")
    builder.groups.add(Group.objects.get(name="finance"))
    approver = User.objects.create(username="bench-supervisor")
    approver.groups.add(Group.objects.get(name="finance_supervisor"))

    kinds = [(EntryKind.DROP_SHIP_GOODS, 1), (EntryKind.FREIGHT, 1), (EntryKind.GOODS_RECEIPT, 1),
             (EntryKind.MANUFACTURER_COMPENSATION, -1), (EntryKind.CHARGE_BACK, -1)]
    source_type = ContentType.objects.get_for_model(Supplier)  # any model: (kind, source) must be unique
    day0 = datetime.date(2026, 1, 1)
    start = time.perf_counter()
    batch = []
    for i in range(OPEN_ENTRIES):
        kind, sign = kinds[i % len(kinds)]
        batch.append(SupplierAccountEntry(
            supplier=supplier, kind=kind, amount=sign * Decimal(f"{(i % 997) + 1}.{i % 100:02d}"),
            description=f"bench entry {i}", source_type=source_type, source_id=i + 1,
            entry_date=day0 + datetime.timedelta(days=i % 360), actor=builder))
        if len(batch) == 5_000:
            SupplierAccountEntry.objects.bulk_create(batch)
            batch = []
    SupplierAccountEntry.objects.bulk_create(batch)  # the rest (a size not a multiple of 5,000)
    analyze(connection)
    setup_s = time.perf_counter() - start
    period = (day0, day0 + datetime.timedelta(days=400))

    fresh = cold  # a user fetched again: an empty permission cache, as a request has

    def open_ids(n):
        return list(SupplierAccountEntry.objects.filter(supplier=supplier, statement__isnull=True)
                    .order_by("id").values_list("id", flat=True)[:n])

    def measured(fn):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - t
        sql = [q["sql"] for q in ctx.captured_queries]
        return result, elapsed, len([s for s in sql if not s.upper().startswith(TX_CONTROL)]), sql

    def built_and_submitted(n):
        ids = open_ids(n)
        actor = fresh(builder)
        statement, build_s, build_q, _ = measured(lambda: statements.build_statement(
            supplier=supplier, period_from=period[0], period_to=period[1], entry_ids=ids, actor=actor))
        statements.submit_statement(Statement.objects.get(pk=statement.pk), actor=fresh(builder))
        assert Statement.objects.get(pk=statement.pk).entry_count == n
        return statement, build_s, build_q

    state_sql = ('UPDATE "reconciliation_statement" SET "state" = %s, "approved_by_id" = %s, "approved_at" = %s '
                 'WHERE ("reconciliation_statement"."id" = %s AND "reconciliation_statement"."state" = %s)')
    entries_sql = ('UPDATE "reconciliation_supplieraccountentry" SET "reconciled_on" = %s '
                   'WHERE "reconciliation_supplieraccountentry"."statement_id" = %s')
    log_sql = ('INSERT INTO "core_transitionlog" ("content_type_id", "object_id", "transition", "source", "target", '
               '"actor_id", "comment", "created_at") VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING "id"')
    user_sql = 'SELECT "accounts_user"."id" FROM "accounts_user" WHERE ("is_active" AND "id" IN (%s)) ORDER BY 1'
    note_sql = ('INSERT INTO "notifications_notification" ("recipient_id", "message", "params", "link", "event", '
                '"created_at", "read_at", "delivery_status", "claimed_at", "email_sent_at", "delivery_attempts", '
                '"last_error") VALUES (%s, %s, %s, %s, %s, %s, NULL, %s, NULL, NULL, 0, %s) RETURNING "id"')
    statement_ct = ContentType.objects.get_for_model(Statement).pk
    today = timezone.localdate()

    def raw_approve(statement, everything):
        with transaction.atomic(), connection.cursor() as cursor:
            now = timezone.now()
            cursor.execute(state_sql, ["approved", approver.pk, now, statement.pk, "submitted"])
            if cursor.rowcount != 1:
                raise RuntimeError("raw approve lost the state guard")
            if everything:
                cursor.execute(log_sql, [statement_ct, str(statement.pk), "approve", "submitted", "approved",
                                         approver.pk, "", now])
            cursor.execute(entries_sql, [today, statement.pk])
            if everything:
                cursor.execute(user_sql, [builder.pk])
                cursor.execute(note_sql, [builder.pk, "reconciliation.statement_approved",
                                          json.dumps({"statement": statement.number}),
                                          f"/statements/{statement.pk}/", "statement_approved", now, "pending", ""])

    def release(statement):
        """Benchmark only (untimed): open the entries again by hand, so each size can repeat on the
        same 50,000 entries. The trigger allows exactly these two columns to change."""
        with connection.cursor() as cursor:
            cursor.execute('UPDATE "reconciliation_supplieraccountentry" SET "statement_id" = NULL, '
                           '"reconciled_on" = NULL WHERE "statement_id" = %s', [statement.pk])
            cursor.execute("VACUUM ANALYZE reconciliation_supplieraccountentry")

    # Warm up both paths (plans, caches) on a few entries.
    for _ in range(3):
        st, _b, _q = built_and_submitted(5)
        statements.approve_statement(Statement.objects.get(pk=st.pk), actor=fresh(approver))
        st, _b, _q = built_and_submitted(5)
        raw_approve(st, everything=True)

    by_size = {}
    for n in SIZES:
        repeats = REPEATS.get(n, 3)
        rows = {"build_s": [], "approve_s": [], "raw_updates_s": [], "raw_writes_s": [], "build_queries": set(),
                "approve_queries": set()}
        for _rep in range(repeats):
            statement, build_s, build_q = built_and_submitted(n)
            rows["build_s"].append(build_s)
            rows["build_queries"].add(build_q)
            # The statement and the user are read first (a request's page/user lookups), then approval runs.
            loaded, actor = Statement.objects.get(pk=statement.pk), fresh(approver)
            _r, approve_s, approve_q, approve_sql = measured(lambda st=loaded, a=actor: statements.approve_statement(
                st, actor=a))
            rows["approve_sql"] = [s.split(" WHERE ")[0][:90] for s in approve_sql]
            rows["approve_s"].append(approve_s)
            rows["approve_queries"].add(approve_q)
            assert SupplierAccountEntry.objects.filter(statement=statement, reconciled_on=today).count() == n
            entry_updates = [s for s in approve_sql if s.startswith('UPDATE "reconciliation_supplieraccountentry"')]
            assert len(entry_updates) == 1, "one set-based UPDATE of the entries"
            release(statement)
            # Baselines on statements of the same size (alternating with the service).
            other, _b, _q = built_and_submitted(n)
            t = time.perf_counter()
            raw_approve(other, everything=False)
            rows["raw_updates_s"].append(time.perf_counter() - t)
            release(other)
            third, _b, _q = built_and_submitted(n)
            t = time.perf_counter()
            raw_approve(third, everything=True)
            rows["raw_writes_s"].append(time.perf_counter() - t)
            release(third)

        def med(values):
            values = sorted(values)
            return values[len(values) // 2] if values else None

        approve_s, raw_u, raw_w = med(rows["approve_s"]), med(rows["raw_updates_s"]), med(rows["raw_writes_s"])
        by_size[str(n)] = {
            "repeats": repeats,
            "approve": figure(f"approve {n} entries", approve_s, raw_w, baseline="its writes as raw SQL"),
            "build_s": round(med(rows["build_s"]), 4),
            "build_queries": sorted(rows["build_queries"]),
            "approve_s": round(approve_s, 4),
            "approve_queries": sorted(rows["approve_queries"]),
            "raw_updates_s": round(raw_u, 4) if raw_u else None,
            "raw_writes_s": round(raw_w, 4) if raw_w else None,
            "ratio_approve_to_raw_updates": round(approve_s / raw_u, 2) if raw_u else None,
            "ratio_approve_to_raw_writes": round(approve_s / raw_w, 2) if raw_w else None,
            "entries_per_s_approve": round(n / approve_s),
        }
        approve_statements = rows["approve_sql"]

    build_queries = {q for size in by_size.values() for q in size["build_queries"]}
    approve_queries = {q for size in by_size.values() for q in size["approve_queries"]}
    biggest = by_size[str(SIZES[-1])]
    return {
        "benchmark": "reconcile",
        "loadavg": load(),
        "database": "postgresql",
        "synchronous_commit": synchronous_commit,
        "open_entries_at_start": OPEN_ENTRIES,
        "setup_s": round(setup_s, 2),
        "sizes": by_size,
        "build_queries_same_at_every_size": len(build_queries) == 1,
        "approve_queries_same_at_every_size": len(approve_queries) == 1,
        "approve_queries_max": max(approve_queries),
        "approve_statements": approve_statements,
        "targets": {
            "build_under_2s": all(s["build_s"] < 2 for s in by_size.values()),
            "approve_under_2s": all(s["approve_s"] < 2 for s in by_size.values()),
            "approve_queries_at_most_10": max(approve_queries) <= 10,
            "ratio_at_10000_at_most_5": (biggest["ratio_approve_to_raw_updates"] or 99) <= 5,
        },
    }


if __name__ == "__main__":
    main()

"""notifications.role_insert: notify_role_many's rows written by the ORM (`with_orm`: one SELECT of the role's
holders, one bulk INSERT) beside the hand-written statement (`with_one_statement`: one INSERT … SELECT …
RETURNING), on PostgreSQL.

The project keeps raw SQL only where it buys ≥ 20 % on a path a person waits for: warehouse staff are told
of each approved company dispatch by this call, inside the approval request. This measures the call alone
(the most the raw statement could save), at 5 and 20 holders and 1 and 20 messages, then the path itself:
approving 1 and 20 submitted company dispatches with each (`run_path`). Both run on the same
connection with the same transaction boundaries: each call in its own transaction, rolled back (so no
delivery is queued and the table stays the same size for both); the two alternate in chunks so drift hits
both alike. Rows written are compared once per size (same recipients, keys, params, links, order).

Creates its own database (benchmarks/_support.py: BENCH_DB_NAME or a per-run name; dropped afterwards unless
--keep). Run alone: `.venv/bin/python benchmarks/notify_role.py [--calls 2000] [--approvals 30] [--keep]`. Last line: JSON."""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import BenchDatabase, analyze, cold, emit, figure, load  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000, help="calls per variant and size")
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--approvals", type=int, default=30, help="approvals timed per variant and size (path)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's database afterwards")
    args = parser.parse_args()

    with BenchDatabase("notify", keep=args.keep) as db:
        import django

        django.setup()
        result = run(args) if args.calls else {}
        if args.approvals:
            result["approve_path"] = run_path(args)
        result["database_name"] = db.name
    emit(result)


def run(args):
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from notifications import role_insert
    from notifications.models import Notification

    call_command("migrate", verbosity=0)
    result = {"calls": args.calls, "sizes": []}
    holders_max = 20
    users = User.objects.bulk_create([User(username=f"wh{i}", email=f"wh{i}@example.com") for i in range(200)])
    role = {}
    for holders in (5, holders_max):
        group = Group.objects.create(name=f"bench-{holders}")
        group.user_set.add(*users[:holders])
        role[holders] = group.name
    analyze()

    def messages_of(n):
        return [("shipments.ready_to_pick", {"no": f"SH{i:07d}", "warehouse": "北京仓", "order": f"TM-{i}", "n": 3},
                 f"/shipments/{i}/") for i in range(n)]

    def orm(group_name, messages):
        with transaction.atomic():
            rows = role_insert.with_orm(group_name, messages, event="shipment.approved", now=timezone.now())
            transaction.set_rollback(True)
        return rows

    def raw(group_name, messages):
        with transaction.atomic():
            rows = role_insert.with_one_statement(group_name, messages, event="shipment.approved", now=timezone.now())
            transaction.set_rollback(True)
        return rows

    for holders in (5, holders_max):
        for n_messages in (1, 20):
            messages = messages_of(n_messages)
            # same rows both ways (compared once, in a transaction kept open for the comparison)
            with transaction.atomic():
                orm_rows = [(r.recipient_id, r.message, r.params, r.link) for r in
                            role_insert.with_orm(role[holders], messages, event="", now=timezone.now())]
                first = max(r.pk for r in Notification.objects.all())
                raw_ids = [r.pk for r in role_insert.with_one_statement(role[holders], messages, event="",
                                                                        now=timezone.now())]
                raw_rows = list(Notification.objects.filter(pk__in=raw_ids).order_by("pk")
                                .values_list("recipient_id", "message", "params", "link"))
                assert orm_rows == raw_rows and min(raw_ids) > first, "the two ways wrote different rows"
                transaction.set_rollback(True)
            spent = {"orm": 0.0, "raw": 0.0}
            done = 0
            while done < args.calls:
                chunk = min(args.chunk, args.calls - done)
                for name, fn in (("orm", orm), ("raw", raw)) if (done // args.chunk) % 2 == 0 else \
                        (("raw", raw), ("orm", orm)):
                    started = time.perf_counter()
                    for _ in range(chunk):
                        fn(role[holders], messages)
                    spent[name] += time.perf_counter() - started
                done += chunk
            row = figure(f"notify_role_many, {holders} holders × {n_messages} message(s), per call",
                         spent["orm"] / args.calls, spent["raw"] / args.calls,
                         baseline="INSERT … SELECT … RETURNING", unit="s")
            row.update(holders=holders, messages=n_messages, rows_per_call=holders * n_messages,
                       orm_ms_per_call=round(1000 * spent["orm"] / args.calls, 3),
                       raw_ms_per_call=round(1000 * spent["raw"] / args.calls, 3),
                       orm_calls_per_s=round(args.calls / spent["orm"], 1),
                       raw_calls_per_s=round(args.calls / spent["raw"], 1))
            result["sizes"].append(row)
    result["loadavg"] = load()
    return result


def run_path(args):
    """The path a person waits for: approving a page of submitted company dispatches (approve_shipments:
    reserve the stock, tell the warehouse staff of each), with notify_role_many writing through the one
    statement and through the ORM. Each approval runs in an outer transaction rolled back afterwards, so the same
    submitted shipments are approved again by every trial."""
    from django.db import transaction

    from accounts.models import User
    from notifications import role_insert
    from shipments import approval
    from tests.factories import UserFactory
    from tests.shipments.factories import make_world
    from tests.shipments.test_bulk import submitted

    one_statement, orm_fn = role_insert.with_one_statement, role_insert.with_orm
    rows = []
    world = make_world()
    extra_staff = [UserFactory(roles=("warehouse",)) for _ in range(19)]
    pages = {1: submitted(world, 1), 20: submitted(world, 20)}
    analyze()
    for holders in (5, 20):
        User.objects.filter(pk__in=[u.pk for u in extra_staff[holders - 1:]]).update(is_active=False)
        User.objects.filter(pk__in=[u.pk for u in extra_staff[:holders - 1]]).update(is_active=True)
        for size, page in pages.items():
            spent = {"orm": 0.0, "raw": 0.0}
            for trial in range(-2, args.approvals):  # two untimed rounds first: caches warm for both
                for name, fn in (("orm", orm_fn), ("raw", one_statement)) if trial % 2 == 0 else \
                        (("raw", one_statement), ("orm", orm_fn)):
                    role_insert.with_one_statement = fn  # what notify_role_many calls
                    actor = cold(world.approver)
                    with transaction.atomic():
                        started = time.perf_counter()
                        approval.approve_shipments(page, actor=actor)
                        if trial >= 0:
                            spent[name] += time.perf_counter() - started
                        transaction.set_rollback(True)
            role_insert.with_one_statement = one_statement
            row = figure(f"approve_shipments, {size} company dispatch(es), {holders} warehouse staff, per approval",
                         spent["orm"] / args.approvals, spent["raw"] / args.approvals,
                         baseline="same with INSERT … SELECT … RETURNING", unit="s")
            row.update(shipments=size, holders=holders,
                       orm_ms=round(1000 * spent["orm"] / args.approvals, 2),
                       raw_ms=round(1000 * spent["raw"] / args.approvals, 2),
                       raw_saves_pct=round(100 * (spent["orm"] - spent["raw"]) / spent["orm"], 1))
            rows.append(row)
    return rows


if __name__ == "__main__":
    main()

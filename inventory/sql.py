"""The stock app's hand-written SQL, kept because a benchmark shows it pays on a path a person waits for
(issue 12's rule: at least 20 %), each statement beside a test that it gives the same result as the ORM
(tests/inventory/test_sql.py).

- `update_balances`: several balance rows saved by one UPDATE … FROM unnest(ids, values…) on
  PostgreSQL. bulk_update's CASE expression costs far more Python to build and grows per row: measured
  on saving locked balances, 0.37 ms vs 1.67 ms CPU at 3 rows and 0.45 ms vs 5.3 ms at 20 rows — at 20
  lines about a quarter of an approval or dispatch. Other databases use bulk_update.
- `differing_stock_rows`: the nightly stock check's comparison of balances, ledger totals and open
  reservations in ONE statement, kept for correctness rather than speed: one statement is one snapshot
  (PostgreSQL, even under READ COMMITTED), so a move committed between three separate reads is never
  reported as a difference. The three parts are querysets (inventory.selectors.difference_parts); only
  the joining is written here."""

from django.db import connection

from .models import StockBalance


def update_balances(balances, fields):
    """Save `fields` of these balance instances in one statement (PostgreSQL), else bulk_update."""
    if connection.vendor != "postgresql":
        StockBalance.objects.bulk_update(balances, fields)
        return
    table = connection.ops.quote_name(StockBalance._meta.db_table)
    columns = [connection.ops.quote_name(StockBalance._meta.get_field(f).column) for f in fields]
    assignments = ", ".join(f"{column} = v.{column}" for column in columns)
    unnest = ", ".join(["%s::bigint[]"] + ["%s::integer[]"] * len(columns))
    names = ", ".join(["id", *columns])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS b SET {assignments} FROM unnest({unnest}) AS v({names}) WHERE b.id = v.id",
            [[b.pk for b in balances], *([getattr(b, f) for b in balances] for f in fields)],
        )


def differing_stock_rows(balances, ledger, reservations):
    """[(product_id, warehouse_id, on hand, ledger total, reserved, open reservations)] of every key whose
    on hand ≠ ledger total or reserved ≠ open reservations (missing parts count 0), ordered by key."""
    ctes, params = [], []
    for name, qs in (("b", balances), ("l", ledger), ("r", reservations)):
        sql, part_params = qs.query.sql_with_params()
        ctes.append(f"{name} AS ({sql})")
        params += part_params
    on = "{0}.product_id = k.product_id AND {0}.warehouse_id = k.warehouse_id"
    sql = (
        f"WITH {', '.join(ctes)}, "
        "k AS (SELECT product_id, warehouse_id FROM b UNION SELECT product_id, warehouse_id FROM l "
        "UNION SELECT product_id, warehouse_id FROM r) "
        "SELECT k.product_id, k.warehouse_id, COALESCE(b.on_hand, 0), COALESCE(l.total, 0), "
        "COALESCE(b.reserved, 0), COALESCE(r.total, 0) FROM k "
        f"LEFT JOIN b ON {on.format('b')} LEFT JOIN l ON {on.format('l')} LEFT JOIN r ON {on.format('r')} "
        "WHERE COALESCE(b.on_hand, 0) <> COALESCE(l.total, 0) OR COALESCE(b.reserved, 0) <> COALESCE(r.total, 0) "
        "ORDER BY k.product_id, k.warehouse_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(int(v) for v in row) for row in cursor.fetchall()]

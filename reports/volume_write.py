"""How `seed_volume` (reports/volume.py) writes its rows: one function, `insert_rows`.

Rows are plain dicts keyed by field attname, their primary keys allocated here (`Ids`), so a batch needs
no RETURNING and a later batch can point at an earlier one. The history needs its own times: the
models' `auto_now_add` columns (created_at of orders, shipments, ledger rows, log rows …) would be
rewritten to "now" by `bulk_create`, so the rows go in with their values as given:

- PostgreSQL: `COPY … FROM STDIN` (psycopg 3). Measured at `--shipment-lines 100000` against the other
  path on the same server: see `seed_volume --no-copy` and the figures in the issue's report.
- elsewhere (SQLite, small sizes: the test): one parametrised INSERT per batch through `executemany`,
  each value prepared by its field (`get_db_prep_save`), as the ORM would.

Only INSERTs: the append-only triggers (ledgers, transition log) allow them. Columns the seed does not
name take the field's default, so a column another app adds later (with a default) needs no change here.
"""

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

BATCH = 5000


class Ids:
    """The next primary key per model, from the table's current maximum (this run writes alone)."""

    def __init__(self):
        self.next = {}

    def take(self, model):
        if model not in self.next:
            self.next[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        value = self.next[model]
        self.next[model] = value + 1
        return value


def _columns(model):
    return list(model._meta.concrete_fields)


def _defaults(fields, row):
    return {f.attname: f.get_default() for f in fields if f.attname not in row}


def insert_rows(model, rows, *, use_copy=True):
    """Insert `rows` (dicts by attname, primary key included) into `model`'s table, in batches."""
    if not rows:
        return 0
    fields = _columns(model)
    defaults = _defaults(fields, rows[0])
    names = [f.attname for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    if connection.vendor == "postgresql" and use_copy:
        _copy(table, quoted, fields, names, defaults, rows)
    else:
        _executemany(table, quoted, fields, names, defaults, rows)
    return len(rows)


def _copy(table, quoted, fields, names, defaults, rows):
    from psycopg.types.json import Jsonb

    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            values = [row[name] if name in row else defaults[name] for name in names]
            if json_fields:
                values = [Jsonb(v) if name in json_fields else v for name, v in zip(names, values, strict=True)]
            copy.write_row(values)


def _executemany(table, quoted, fields, names, defaults, rows):
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = []
            for row in rows[start:start + BATCH]:
                batch.append([field.get_db_prep_save(row[name] if name in row else defaults[name], connection)
                              for field, name in zip(fields, names, strict=True)])
            cursor.executemany(sql, batch)


def reset_sequences(models):
    """After rows with explicit keys: each table's sequence past its maximum (PostgreSQL; SQLite's
    AUTOINCREMENT follows the largest key by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def analyze():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

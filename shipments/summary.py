"""The daily shipment summary (models.ShipmentDaySummary): units dispatched per local day × store ×
supplier/warehouse × product × kind, for the report dashboards (their "dispatched units" summed over raw
shipment lines took most of the after-sales dashboard's time at 1M lines: benchmarks/reports.py).

- `record_dispatched(shipments)`: called by the dispatch service (shipments.dispatching) in its own
  transaction, once per run: one read of the lines, one upsert per kind. A shipment is dispatched once and
  never leaves dispatched-or-later (nothing cancels or un-dispatches it), so adding at dispatch keeps the
  summary equal to the lines.
- `rebuild()`: the whole table again from the lines (manage.py rebuild_summaries; seed_volume after its
  bulk load). On PostgreSQL it locks the table first, so a dispatch running meanwhile waits and then adds
  on top of the rebuilt rows.

The upsert is SQL (`INSERT … ON CONFLICT … DO UPDATE SET units = units + excluded.units`, PostgreSQL and
SQLite alike): the ORM's update_conflicts can only overwrite, and adding under concurrent dispatches
must happen in the database."""

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import DISPATCHED_OR_LATER, ShipmentDaySummary, ShipmentKind, ShipmentLine

CHUNK = 200  # rows per upsert statement (8 parameters each: far below SQLite's limit)
COLUMNS = ("day", "store_id", "supplier_id", "warehouse_id", "product_id", "kind", "lines", "units")
# each kind's key, matching its partial unique constraint
KEYS = {ShipmentKind.DROP_SHIP: ("day", "store_id", "supplier_id", "product_id"),
        ShipmentKind.COMPANY_DISPATCH: ("day", "store_id", "warehouse_id", "product_id")}


def record_dispatched(shipments, orders):
    """Add the lines of these just-dispatched shipments (`orders`: {order id: order}, as the dispatch locked them)."""
    shipments = {s.pk: s for s in shipments}
    if not shipments:
        return
    totals = {}
    for shipment_id, product_id, quantity in ShipmentLine.objects.filter(shipment__in=list(shipments)).values_list(
            "shipment_id", "order_line__product_id", "quantity"):
        s = shipments[shipment_id]
        key = (timezone.localtime(s.dispatched_at).date(), orders[s.order_id].store_id, s.supplier_id, s.warehouse_id,
               product_id, s.kind)
        lines, units = totals.get(key, (0, 0))
        totals[key] = (lines + 1, units + quantity)
    for kind, conflict in KEYS.items():
        rows = [(*key, lines, units) for key, (lines, units) in totals.items() if key[5] == kind]
        for start in range(0, len(rows), CHUNK):
            _upsert(rows[start:start + CHUNK], kind, conflict)


def _upsert(rows, kind, conflict):
    table = connection.ops.quote_name(ShipmentDaySummary._meta.db_table)
    quote = connection.ops.quote_name
    values = ", ".join(["(" + ", ".join(["%s"] * len(COLUMNS)) + ")"] * len(rows))
    sql = (f"INSERT INTO {table} ({', '.join(quote(c) for c in COLUMNS)}) VALUES {values} "
           # the partial index's own predicate, literally (SQLite matches a literal, not a parameter)
           f"ON CONFLICT ({', '.join(quote(c) for c in conflict)}) WHERE {quote('kind')} = '{kind.value}' "
           f"DO UPDATE SET {quote('lines')} = {table}.{quote('lines')} + excluded.{quote('lines')}, "
           f"{quote('units')} = {table}.{quote('units')} + excluded.{quote('units')}")
    params = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def summary_rows():
    """What the summary should hold, from the lines of dispatched-or-later shipments (one aggregate)."""
    return (ShipmentLine.objects.filter(shipment__state__in=DISPATCHED_OR_LATER)
            .annotate(day=TruncDate("shipment__dispatched_at", tzinfo=timezone.get_current_timezone()))
            .values("day", "shipment__order__store", "shipment__supplier", "shipment__warehouse",
                    "order_line__product", "shipment__kind")
            .annotate(n=Count("id"), u=Sum("quantity")).order_by())


def rebuild(batch_size=5000):
    """Replace the summary by what the lines say. Returns the number of rows written."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(ShipmentDaySummary._meta.db_table)} "
                               "IN SHARE ROW EXCLUSIVE MODE")
        ShipmentDaySummary.objects.all().delete()
        batch, written = [], 0
        for row in summary_rows().iterator(chunk_size=batch_size):
            batch.append(ShipmentDaySummary(
                day=row["day"], store_id=row["shipment__order__store"], supplier_id=row["shipment__supplier"],
                warehouse_id=row["shipment__warehouse"], product_id=row["order_line__product"],
                kind=row["shipment__kind"], lines=row["n"], units=row["u"]))
            if len(batch) >= batch_size:
                written += len(ShipmentDaySummary.objects.bulk_create(batch))
                batch = []
        written += len(ShipmentDaySummary.objects.bulk_create(batch))
    return written

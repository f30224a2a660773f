"""On PostgreSQL, refuse UPDATE and DELETE on stock ledger rows in the database itself (DESIGN.md,
"Cross-cutting rules"). Other databases rely on the model and admin guards."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION inventory_ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
        MESSAGE = 'stock ledger rows are append-only: ' || TG_OP || ' refused on ' || TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS inventory_stockledgerentry_append_only ON inventory_stockledgerentry;
CREATE TRIGGER inventory_stockledgerentry_append_only
    BEFORE UPDATE OR DELETE ON inventory_stockledgerentry
    FOR EACH ROW EXECUTE FUNCTION inventory_ledger_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS inventory_stockledgerentry_append_only ON inventory_stockledgerentry;
DROP FUNCTION IF EXISTS inventory_ledger_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]

"""On PostgreSQL, refuse DELETE on supplier account entries, and UPDATE unless every column other than
the statement key and the reconciliation date is unchanged (DESIGN.md, "Cross-cutting rules")."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION reconciliation_entry_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'supplier account entries are append-only: DELETE refused'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF (to_jsonb(NEW) - 'statement_id' - 'reconciled_on')
            IS DISTINCT FROM (to_jsonb(OLD) - 'statement_id' - 'reconciled_on') THEN
        RAISE EXCEPTION 'supplier account entries are append-only: only statement and reconciliation date may change'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS reconciliation_supplieraccountentry_append_only ON reconciliation_supplieraccountentry;
CREATE TRIGGER reconciliation_supplieraccountentry_append_only
    BEFORE UPDATE OR DELETE ON reconciliation_supplieraccountentry
    FOR EACH ROW EXECUTE FUNCTION reconciliation_entry_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS reconciliation_supplieraccountentry_append_only ON reconciliation_supplieraccountentry;
DROP FUNCTION IF EXISTS reconciliation_entry_refuse_change();
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
    dependencies = [("reconciliation", "0001_initial")]
    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]

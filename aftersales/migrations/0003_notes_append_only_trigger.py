"""On PostgreSQL, refuse UPDATE and DELETE on notes-thread rows (notes and their attachments) in the
database itself; other databases rely on the model guards (core.append_only)."""

from django.db import migrations

TABLES = ("aftersales_ticketnote", "aftersales_ticketattachment")

CREATE = """
CREATE OR REPLACE FUNCTION aftersales_notes_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
        MESSAGE = 'after-sales notes are append-only: ' || TG_OP || ' refused on ' || TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
""" + "".join(f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION aftersales_notes_refuse_change();
""" for table in TABLES)

DROP = "".join(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};\n" for table in TABLES) + \
    "DROP FUNCTION IF EXISTS aftersales_notes_refuse_change();\n"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("aftersales", "0002_default_grants")]
    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]

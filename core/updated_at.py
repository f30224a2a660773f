"""`updated_at` on the documents and master data the API lists, so an integrator can ask for what changed
(`updated_since`) instead of reading every page again.

The database keeps it current, not Python: services write through `save(update_fields=…)`, set-based
`QuerySet.update()`/`bulk_update()` and (core.transitions) raw conditional UPDATEs, and an `auto_now` field
would be skipped by all of them. So each table gets a trigger (`touch_updated_at(...)` in a migration)
that sets the column on every UPDATE of a row: on PostgreSQL a BEFORE UPDATE trigger (clock_timestamp()),
on SQLite an AFTER UPDATE trigger that writes the current time unless the statement set the column itself.
New rows take the time of their INSERT from the field's default."""

from django.db import migrations, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION consign_touch_updated_at() RETURNS trigger AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at = clock_timestamp();
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def updated_at_field():
    return models.DateTimeField(_("updated at"), default=timezone.now, editable=False, db_index=True,
                                help_text=_("Set by the database on every change of the row."))


def _create_sql(vendor, table):
    trigger = f"{table}_touch_updated_at"
    if vendor == "postgresql":
        return [PG_FUNCTION,
                f'DROP TRIGGER IF EXISTS {trigger} ON "{table}"',
                f'CREATE TRIGGER {trigger} BEFORE UPDATE ON "{table}" FOR EACH ROW '
                f"EXECUTE FUNCTION consign_touch_updated_at()"]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {trigger}",
                f'CREATE TRIGGER {trigger} AFTER UPDATE ON "{table}" FOR EACH ROW '
                f"WHEN NEW.updated_at IS OLD.updated_at BEGIN "
                f"UPDATE \"{table}\" SET updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now') "
                f"WHERE rowid = NEW.rowid; END"]
    return []


def _drop_sql(vendor, table):
    trigger = f"{table}_touch_updated_at"
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS {trigger} ON "{table}"']
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {trigger}"]
    return []


def touch_updated_at(*tables):
    """A migration operation installing the updated_at trigger on each of `tables`."""

    def run(statements):
        def forwards(apps, schema_editor):
            vendor = schema_editor.connection.vendor
            for table in tables:
                for sql in statements(vendor, table):
                    schema_editor.execute(sql, params=None)  # no %-interpolation of the SQL

        return forwards

    return migrations.RunPython(run(_create_sql), run(_drop_sql))

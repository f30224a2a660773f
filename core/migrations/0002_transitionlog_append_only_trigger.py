"""On PostgreSQL, the database itself refuses UPDATE and DELETE on the transition log."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_transitionlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_transitionlog is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_transitionlog_append_only
    BEFORE UPDATE OR DELETE ON core_transitionlog
    FOR EACH ROW EXECUTE FUNCTION core_transitionlog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_transitionlog_append_only ON core_transitionlog;
DROP FUNCTION IF EXISTS core_transitionlog_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

"""Append-only rows: the transition log, the stock ledger, the supplier account, notes threads.

The model and its queryset refuse changes here; on PostgreSQL each table also has a trigger that refuses
UPDATE and DELETE (see each app's migrations), so raw SQL cannot change history either."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a row of an append-only ledger."""


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk paths refuse too: `delete()` always, `update()` unless it names only mutable fields."""

    def delete(self):
        raise AppendOnlyError(_("Append-only rows cannot be deleted."))

    delete.queryset_only = True

    def update(self, **kwargs):
        if not set(kwargs) <= set(self.model.mutable_fields):
            raise AppendOnlyError(_("Append-only rows cannot be changed."))
        return super().update(**kwargs)


class AppendOnlyModel(models.Model):
    """Rows are written once. `save()` of an existing row and `delete()` raise AppendOnlyError;
    `mutable_fields` may still be written with `save(update_fields=[...])` naming only them."""

    mutable_fields: frozenset = frozenset()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not self._state.adding:
            if update_fields is None or not set(update_fields) <= set(self.mutable_fields):
                raise AppendOnlyError(
                    _("%(model)s rows are append-only: an existing row cannot be changed.")
                    % {"model": self._meta.verbose_name}
                )
        elif kwargs.get("force_update"):
            raise AppendOnlyError(_("Append-only rows cannot be force-updated."))
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(
            _("%(model)s rows are append-only: a row cannot be deleted.") % {"model": self._meta.verbose_name}
        )


# ---- the database half: one PostgreSQL trigger function for every append-only table -------------------

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION consign_append_only() RETURNS trigger AS $$
DECLARE
    new_row jsonb;
    old_row jsonb;
    col text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
            MESSAGE = TG_TABLE_NAME || ' rows are append-only: DELETE refused';
    END IF;
    new_row := to_jsonb(NEW);
    old_row := to_jsonb(OLD);
    IF TG_NARGS > 0 THEN
        FOREACH col IN ARRAY TG_ARGV LOOP
            new_row := new_row - col;
            old_row := old_row - col;
        END LOOP;
    END IF;
    IF new_row IS DISTINCT FROM old_row THEN
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
            MESSAGE = TG_TABLE_NAME || ' rows are append-only: UPDATE refused';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def append_only_trigger(table, *, mutable_columns=()):
    """A migration operation: on PostgreSQL, refuse DELETE on `table`, and UPDATE unless only
    `mutable_columns` change. Other databases rely on AppendOnlyModel's guards."""
    from django.db import migrations

    name = f"{table}_append_only"
    args = ", ".join(f"'{column}'" for column in mutable_columns)
    create = (TRIGGER_FUNCTION + f"DROP TRIGGER IF EXISTS {name} ON {table};\n"
              f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} "
              f"FOR EACH ROW EXECUTE FUNCTION consign_append_only({args});\n")
    drop = f"DROP TRIGGER IF EXISTS {name} ON {table};\n"

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop, params=None)

    return migrations.RunPython(forwards, backwards, elidable=False)

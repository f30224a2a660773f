"""A supplier account entry's time of change (`updated_at`): posted, put on or taken off a statement, or
reconciled — what the API's `updated_since` compares. The database keeps it (core/updated_at.py's trigger),
so every writer of the statement key or the reconciliation date moves it. On PostgreSQL the append-only
trigger is re-created to let this column change besides those two; existing rows take their posting time,
or their statement's last change when that is later."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Greatest

from core.append_only import append_only_trigger
from core.updated_at import touch_updated_at


def backfill(apps, schema_editor):
    Entry = apps.get_model("reconciliation", "SupplierAccountEntry")
    Statement = apps.get_model("reconciliation", "Statement")
    Entry.objects.filter(statement__isnull=True).update(updated_at=F("created_at"))
    statement_changed = Subquery(Statement.objects.filter(pk=OuterRef("statement_id")).values("updated_at")[:1])
    Entry.objects.filter(statement__isnull=False).update(updated_at=Greatest(F("created_at"), statement_changed))


class Migration(migrations.Migration):

    dependencies = [
        ('reconciliation', '0006_updated_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='supplieraccountentry',
            name='updated_at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, help_text='Set by the database on every change of the row.', verbose_name='updated at'),
        ),
        # Reversed, the trigger of 0002 comes back (the next operation's reverse drops this one's).
        migrations.RunPython(migrations.RunPython.noop, append_only_trigger(
            "reconciliation_supplieraccountentry", mutable_columns=("statement_id", "reconciled_on")).code),
        append_only_trigger("reconciliation_supplieraccountentry",
                            mutable_columns=("statement_id", "reconciled_on", "updated_at")),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        touch_updated_at("reconciliation_supplieraccountentry"),
    ]

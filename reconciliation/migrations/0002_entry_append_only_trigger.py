"""On PostgreSQL, refuse DELETE on supplier account entries, and UPDATE unless every column other than
the statement key and the reconciliation date is unchanged (DESIGN.md, "Cross-cutting rules")."""

from django.db import migrations

from core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("reconciliation", "0001_initial")]
    operations = [append_only_trigger("reconciliation_supplieraccountentry",
                                      mutable_columns=("statement_id", "reconciled_on"))]

"""On PostgreSQL, refuse UPDATE and DELETE on stock ledger rows in the database itself (DESIGN.md,
"Cross-cutting rules"). Other databases rely on the model and admin guards."""

from django.db import migrations

from core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [append_only_trigger("inventory_stockledgerentry")]

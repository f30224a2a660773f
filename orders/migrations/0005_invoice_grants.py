"""Grant the invoice permissions to the roles (orders/grants.py)."""

from django.db import migrations

from accounts.grants import grant_default_permissions


def grant(apps, schema_editor):
    grant_default_permissions(apps, "orders")


class Migration(migrations.Migration):
    dependencies = [("orders", "0004_invoice")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

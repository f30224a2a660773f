"""Grant `orders.close_order_short` to sales (orders/grants.py)."""

from django.db import migrations

from accounts.grants import grant_default_permissions


def grant(apps, schema_editor):
    grant_default_permissions(apps, "orders")


class Migration(migrations.Migration):
    dependencies = [("orders", "0007_close_short")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

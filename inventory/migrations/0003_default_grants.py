"""Grant the inventory permissions to the roles (inventory/grants.py)."""

from django.db import migrations

from accounts.grants import grant_default_permissions


def grant(apps, schema_editor):
    grant_default_permissions(apps, "inventory")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_ledger_append_only_trigger"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

"""Grant the reconciliation permissions to the roles (reconciliation/grants.py)."""

from django.db import migrations

from accounts.grants import grant_default_permissions


def grant(apps, schema_editor):
    grant_default_permissions(apps, "reconciliation")


class Migration(migrations.Migration):
    dependencies = [("reconciliation", "0002_entry_append_only_trigger"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

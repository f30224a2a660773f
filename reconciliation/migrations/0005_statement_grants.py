"""Grant the statement permissions (build, submit, void, confirm, pay → finance; approve, reject →
finance supervisor) per reconciliation/grants.py."""

from django.db import migrations

from accounts.grants import grant_default_permissions


def grant(apps, schema_editor):
    grant_default_permissions(apps, "reconciliation")


class Migration(migrations.Migration):
    dependencies = [("reconciliation", "0004_statements"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

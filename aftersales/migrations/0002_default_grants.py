"""Grant the after-sales permissions to the roles (aftersales/grants.py)."""

from django.db import migrations

from accounts.grants import grant_default_permissions


def grant(apps, schema_editor):
    grant_default_permissions(apps, "aftersales")


class Migration(migrations.Migration):
    dependencies = [("aftersales", "0001_initial"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

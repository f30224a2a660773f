"""Grant shipment permissions to the roles (shipments/grants.py)."""

from django.db import migrations

from accounts.grants import grant_default_permissions


def grant(apps, schema_editor):
    grant_default_permissions(apps, "shipments")


class Migration(migrations.Migration):
    dependencies = [("shipments", "0001_initial"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

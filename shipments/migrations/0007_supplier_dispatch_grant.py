"""Supplier portal users dispatch their own drop-ships (shipments/grants.py)."""

from django.db import migrations

from accounts.grants import grant_default_permissions


def grant(apps, schema_editor):
    grant_default_permissions(apps, "shipments")


class Migration(migrations.Migration):
    dependencies = [("shipments", "0006_deadline_notice"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

"""On PostgreSQL, the database itself refuses UPDATE and DELETE on the transition log."""

from django.db import migrations

from core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [append_only_trigger("core_transitionlog")]

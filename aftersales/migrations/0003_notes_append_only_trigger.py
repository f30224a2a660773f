"""On PostgreSQL, refuse UPDATE and DELETE on notes-thread rows (notes and their attachments) in the
database itself; other databases rely on the model guards (core.append_only)."""

from django.db import migrations

from core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("aftersales", "0002_default_grants")]
    operations = [append_only_trigger("aftersales_ticketnote"), append_only_trigger("aftersales_ticketattachment")]

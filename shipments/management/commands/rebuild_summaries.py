"""`manage.py rebuild_summaries`: the report summary tables again from their facts (shipments.summary:
the daily shipment summary from the dispatched shipment lines). Safe while the site runs: on PostgreSQL
a dispatch meanwhile waits for the rebuild and then adds on top of it."""

from django.core.management.base import BaseCommand

from shipments import summary


class Command(BaseCommand):
    help = "Rebuild the report summary tables (daily shipment summary) from the documents."

    def handle(self, *args, **options):
        rows = summary.rebuild()
        self.stdout.write(f"daily shipment summary: {rows} rows")

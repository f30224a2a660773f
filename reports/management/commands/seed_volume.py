"""`manage.py seed_volume --shipment-lines 1000000`: a realistic history at volume for the dashboards
and their benchmark (what it builds: reports/volume.py). Refuses a database that has volume data
already unless --append; refuses production (settings.DEMO_DATA_ALLOWED False)."""

import datetime
import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.volume import VolumeExists, seed_volume


class Command(BaseCommand):
    help = "Seed a realistic history of orders, shipments, tickets, stock and statements at volume."

    def add_arguments(self, parser):
        parser.add_argument("--shipment-lines", type=int, default=1_000_000,
                            help="How many shipment lines to make (orders: about a quarter of it).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed makes the same history.")
        parser.add_argument("--now", type=datetime.datetime.fromisoformat,
                            help="End of the history (ISO time with its zone; default now): with --seed, the same history.")
        parser.add_argument("--append", action="store_true", help="Add to a database that has volume data already.")
        parser.add_argument("--no-copy", action="store_true",
                            help="On PostgreSQL, write with INSERT instead of COPY (to compare the two).")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_DATA_ALLOWED", True):
            raise CommandError("Volume data is not allowed here (settings.DEMO_DATA_ALLOWED is False).")
        if options["now"] is not None and timezone.is_naive(options["now"]):
            raise CommandError("--now needs a time zone, e.g. 2026-12-01T12:00:00+08:00.")
        if options["shipment_lines"] < 1:
            raise CommandError("--shipment-lines must be at least 1.")
        try:
            result = seed_volume(shipment_lines=options["shipment_lines"], seed=options["seed"],
                                 append=options["append"], use_copy=not options["no_copy"], now=options["now"],
                                 out=None if options["quiet"] else sys.stderr)
        except VolumeExists as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result))

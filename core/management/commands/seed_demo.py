"""Demo data that shows every flow: `manage.py seed_demo` (run by `make run`).

Each app seeds its own demo data in an optional `<app>/demo.py` with `seed(context)`. This command sits
in core, the bottom layer, so it imports no app: it walks INSTALLED_APPS lowest layer first and calls
each project app's `demo.seed(context)`, found by name at run time. `context` carries what the earlier
layers made (users by role, stores, products, warehouses, orders …) so a higher layer builds on them,
and every write goes through the apps' services. Each seeder looks its records up by a natural key
first (usernames, codes, SKUs, order nos. DEMO-10xx …), so a second run finds everything and changes
nothing. Refuses to run where settings.DEMO_DATA_ALLOWED is False (production)."""

import importlib
import importlib.util
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings


class DemoContext(dict):
    """What earlier layers made, by name: context["users"]["sales"], context["warehouses"]["sh-main"] …

    `created(what, n)` counts new records for the summary; `logins` is the list of (username, role
    label) printed at the end."""

    def __init__(self):
        super().__init__()
        self.counts = {}
        self.logins = []

    def created(self, what, count=1):
        self.counts[what] = self.counts.get(what, 0) + count


def demo_modules():
    """(app label, module) of every project app with a `demo` module, in INSTALLED_APPS order."""
    base_dir = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        if not Path(config.path).resolve().is_relative_to(base_dir):
            continue  # third-party apps: never theirs
        name = f"{config.name}.demo"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        if callable(getattr(module, "seed", None)):
            found.append((config.label, module))
    return found


class Command(BaseCommand):
    help = "Load demo users (password 'demo') and demo data for every flow. Safe to run again."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("seed_demo refuses to run with production settings.")
        context = DemoContext()
        # The notifications the demo flows raise land in the in-app inboxes; their e-mails (to made-up
        # @consign.local addresses) are kept in memory, never sent or printed.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), \
                transaction.atomic():
            for label, module in demo_modules():
                module.seed(context)
                if options["verbosity"] > 1:
                    self.stdout.write(f"seeded {label}")
        if context.counts:
            self.stdout.write("Demo data created: " + ", ".join(f"{n} {what}" for what, n in context.counts.items()))
        else:
            self.stdout.write("Demo data already present: nothing changed.")
        self.stdout.write("Demo logins (password 'demo'):")
        for username, label in context.logins:
            self.stdout.write(f"  {username:<11} {label}")

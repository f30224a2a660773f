"""python manage.py check_stock: ledger == on hand and reserved == open reservations, everywhere.
Exit status 1 and one line per difference when they disagree."""

from django.core.management.base import BaseCommand, CommandError

from inventory.selectors import stock_differences


class Command(BaseCommand):
    help = "Verify that every stock balance equals its ledger and its open reservations (exit 1 if not)."

    def handle(self, *args, **options):
        differences = stock_differences()
        if not differences:
            self.stdout.write(self.style.SUCCESS("Stock is consistent: ledger = on hand, reserved = open "
                                                 "reservations for every product and warehouse."))
            return
        for difference in differences:
            self.stdout.write(str(difference))
        raise CommandError(f"{len(differences)} stock balance(s) disagree with the ledger or reservations.",
                           returncode=1)

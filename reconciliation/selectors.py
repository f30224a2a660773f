"""Reads of the supplier account shared by pages, the API and (later) statements and reports."""

from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value, Window
from django.db.models.functions import Coalesce

from catalog.models import Supplier

from .models import SupplierAccountEntry

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def supplier_accounts():
    """Suppliers with their entry count, total, reconciled and remaining (unreconciled) amounts."""
    return Supplier.objects.annotate(
        entry_count=Count("account_entries"),
        total=Coalesce(Sum("account_entries__amount"), ZERO),
        reconciled=Coalesce(Sum("account_entries__amount", filter=Q(account_entries__reconciled_on__isnull=False)),
                            ZERO),
        remaining=Coalesce(Sum("account_entries__amount", filter=Q(account_entries__reconciled_on__isnull=True)),
                           ZERO),
    ).order_by("name")


def opening_balance(supplier, before):
    """Sum of the supplier's entries dated before `before` (0 when before is None)."""
    if before is None:
        return Decimal("0.00")
    total = SupplierAccountEntry.objects.filter(supplier=supplier, entry_date__lt=before).aggregate(
        total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def entries_with_running_balance(supplier, *, date_from=None, date_to=None):
    """The supplier's entries in date order, each with the running balance after it (the opening
    balance before `date_from` included), computed by the database."""
    qs = SupplierAccountEntry.objects.filter(supplier=supplier)
    if date_from is not None:
        qs = qs.filter(entry_date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(entry_date__lte=date_to)
    opening = opening_balance(supplier, date_from)
    return (qs.select_related("statement", "source_type")
            .annotate(running_balance=Window(Sum("amount"), order_by=[F("entry_date").asc(), F("id").asc()])
                      + Value(opening, output_field=DecimalField(max_digits=14, decimal_places=2)))
            .order_by("entry_date", "id"))

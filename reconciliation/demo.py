"""Demo reconciliation: a draft statement built by finance for Hangzhou Silk Works, taking all its open
supplier account entries of the last month (goods receipt, drop-ship goods and freight, the after-sales
manufacturer compensation), through reconciliation.statements.build_statement. Found again by its note."""

from datetime import timedelta

from django.utils import timezone

from .models import Statement
from .statements import EntryFilters, build_statement

NOTE = "DEMO-ST-1 · demo statement"


def seed(context):
    """context["statements"]: {note: statement}."""
    supplier = context["suppliers"]["hz-textile"]
    statement = Statement.objects.filter(supplier=supplier, note=NOTE).first()
    if statement is None:
        today = timezone.localdate()
        statement = build_statement(supplier=supplier, period_from=today - timedelta(days=30), period_to=today,
                                    filters=EntryFilters(), note=NOTE, actor=context["users"]["finance"])
        context.created("statements")
    context["statements"] = {NOTE: statement}

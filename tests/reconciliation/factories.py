"""Supplier account entries and statements for tests, made through the services (as the app does)."""

import datetime
from decimal import Decimal

from reconciliation import services, statements
from reconciliation.models import EntryKind
from reconciliation.services import EntryDraft
from tests.factories import WarehouseFactory

JAN = datetime.date(2026, 1, 1)
PERIOD = (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))


def post_entries(supplier, specs, *, source=None, actor=None):
    """specs: [(kind, "amount", date or None, "description")]; each entry gets a source of its own
    (a warehouse stands in for the shipment / receipt / ticket) unless `source` is given."""
    drafts = []
    for kind, amount, day, *text in specs:
        drafts.append(EntryDraft(supplier.pk, kind, Decimal(amount), source or WarehouseFactory(),
                                 entry_date=day or JAN, description=text[0] if text else ""))
    return services.post_supplier_entries(entries=drafts, actor=actor)


MIXED = [
    (EntryKind.DROP_SHIP_GOODS, "300.00", datetime.date(2026, 1, 5), "drop-ship order 1001"),
    (EntryKind.FREIGHT, "12.50", datetime.date(2026, 1, 5), "freight order 1001"),
    (EntryKind.GOODS_RECEIPT, "1000.10", datetime.date(2026, 2, 3), "receipt GR-1"),
    (EntryKind.MANUFACTURER_COMPENSATION, "-45.35", datetime.date(2026, 2, 20), "ticket 7 compensation"),
    (EntryKind.CHARGE_BACK, "-0.25", datetime.date(2026, 3, 1), "ticket 8 charge-back"),
]
MIXED_TOTAL = Decimal("1267.00")


def build(supplier, entries, actor, period=PERIOD, **kw):
    return statements.build_statement(supplier=supplier, period_from=period[0], period_to=period[1],
                                    entry_ids=[e.pk for e in entries], actor=actor, **kw)


def empty_statement(**kw):
    """A draft statement with no entries (for pages that only need one to exist)."""
    from reconciliation.models import Statement
    from tests.factories import SupplierFactory

    return Statement.objects.create(supplier=kw.pop("supplier", None) or SupplierFactory(), **kw)

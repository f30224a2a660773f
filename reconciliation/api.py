"""Supplier account entries over the API (read only): GET /api/v1/supplier-entries."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from core.api import PageIn, page_of, paginate, require_permissions

from . import selectors
from .models import EntryKind, Statement, SupplierAccountEntry
from .services import CENT

router = Router(tags=["supplier account"])


class EntryOut(Schema):
    """One supplier account entry 供应商往来明细 (+ the seller owes the supplier, − the supplier owes)."""

    id: int
    supplier: int = Field(..., alias="supplier_id")
    kind: str
    amount: Decimal
    description: str
    entry_date: date
    source_type: str
    source_id: int
    statement: int | None = Field(None, alias="statement_id")
    reconciled_on: date | None
    created_at: datetime
    updated_at: datetime = Field(..., description="Last change: posted, put on or taken off a statement, or "
                                                  "reconciled (compare with updated_since)")

    @staticmethod
    def resolve_source_type(obj):
        return f"{obj.source_type.app_label}.{obj.source_type.model}"


class EntryFilters(Schema):
    """Filters of the supplier account entries."""

    supplier: int | None = None
    kind: EntryKind | None = None
    date_from: date | None = None
    date_to: date | None = None
    reconciled: bool | None = None


@router.get("", response=page_of(EntryOut))
def list_entries(request, filters: Query[EntryFilters], page: Query[PageIn]):
    """Supplier account entries 供应商往来明细 in date order (oldest first)."""
    require_permissions(request, "reconciliation.view_supplieraccountentry")
    qs = SupplierAccountEntry.objects.select_related("source_type").order_by("entry_date", "id")
    if filters.supplier is not None:
        qs = qs.filter(supplier_id=filters.supplier)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.date_from:
        qs = qs.filter(entry_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(entry_date__lte=filters.date_to)
    if filters.reconciled is not None:
        qs = qs.filter(reconciled_on__isnull=not filters.reconciled)
    # Posted, put on or taken off a statement, or reconciled since then (the database keeps updated_at).
    return paginate(request, qs, page)


class SupplierAccountOut(Schema):
    """One supplier's account 供应商往来 in figures: every entry (total), those on approved statements
    (reconciled 已对账), the rest (remaining 剩余未对账), and the payments recorded on its statements (paid; + to
    the supplier, − from it)."""

    supplier: int = Field(..., alias="pk")
    supplier_name: str = Field(..., alias="name")
    entry_count: int
    total: Decimal
    reconciled: Decimal
    remaining: Decimal
    paid: Decimal

    @field_validator("total", "reconciled", "remaining", "paid")
    @classmethod
    def two_places(cls, value):
        return Decimal(value).quantize(CENT)  # money keeps two decimals (SQLite's sums drop them)


class SummaryFilters(Schema):
    """Filters of the supplier account summary."""

    supplier: int | None = None


@router.get("/summary", response=page_of(SupplierAccountOut))
def list_supplier_accounts(request, filters: Query[SummaryFilters], page: Query[PageIn]):
    """Per supplier (by name): total, reconciled, remaining and paid, computed in the database."""
    require_permissions(request, "reconciliation.view_supplieraccountentry")
    qs = selectors.supplier_account_summaries()
    if filters.supplier is not None:
        qs = qs.filter(pk=filters.supplier)
    return paginate(request, qs, page, changed=_account_changed)


def _account_changed(qs, since):
    """Suppliers changed, or with an entry posted, a payment recorded or a statement changed since then."""
    return qs.filter(Q(updated_at__gte=since)
                     | Q(pk__in=SupplierAccountEntry.objects.filter(created_at__gte=since).values("supplier_id"))
                     | Q(pk__in=Statement.objects.filter(updated_at__gte=since).values("supplier_id")))


# Statements: /api/v1/statements (reconciliation/statement_api.py), registered in config/api.py.
from . import dispute_api  # noqa: E402, F401  (finance's answers to disputes, on the statements router)
from .statement_api import router as statements_router  # noqa: E402

__all__ = ["router", "statements_router"]

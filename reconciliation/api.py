"""Supplier account entries over the API (read only): GET /api/v1/supplier-entries."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema

from core.api import PageIn, page_of, paginate, require_permissions

from .models import EntryKind, SupplierAccountEntry

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
    return paginate(request, qs, page)


# Statements: /api/v1/statements (reconciliation/statement_api.py), registered in config/api.py.
from .statement_api import router as statements_router  # noqa: E402

__all__ = ["router", "statements_router"]

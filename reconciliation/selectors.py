"""Reads of the supplier account shared by pages, the API and (later) statements and reports."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce

from catalog.models import Supplier
from core.replica import reading_replica

from .models import PaymentDirection, StatementPayment, SupplierAccountEntry

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


# ---- statements -------------------------------------------------------------------------------------

def filter_entries(qs, *, kinds=(), date_from=None, date_to=None, q=""):
    """Narrow entries by kind, date and words of the description (every word must appear)."""
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if date_from:
        qs = qs.filter(entry_date__gte=date_from)
    if date_to:
        qs = qs.filter(entry_date__lte=date_to)
    for word in (q or "").split()[:5]:
        qs = qs.filter(description__icontains=word)
    return qs


def open_entries(*, supplier, period_from, period_to, kinds=()):
    """The supplier's entries on no statement, dated within the period (of those kinds, if any)."""
    qs = SupplierAccountEntry.objects.filter(supplier=supplier, statement__isnull=True,
                                             entry_date__gte=period_from, entry_date__lte=period_to)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    return qs


def subtotals_by_kind(qs):
    """[{kind, label, count, amount}] in the kinds' order, computed by the database."""
    from .models import EntryKind

    rows = {r["kind"]: r for r in qs.order_by().values("kind").annotate(count=Count("id"), amount=Sum("amount"))}
    return [{"kind": k.value, "label": k.label, "count": rows[k.value]["count"], "amount": rows[k.value]["amount"]}
            for k in EntryKind if k.value in rows]


def subtotals_by_month(qs):
    """[{month (first day), count, amount}] oldest first."""
    from django.db.models.functions import TruncMonth

    return list(qs.order_by().annotate(month=TruncMonth("entry_date")).values("month")
                .annotate(count=Count("id"), amount=Sum("amount")).order_by("month"))


def entry_totals(qs):
    """{count, amount}: exact Decimal sum (0.00 when empty)."""
    totals = qs.order_by().aggregate(count=Count("id"), amount=Sum("amount"))
    return {"count": totals["count"], "amount": totals["amount"] or Decimal("0.00")}


def statement_list():
    from .models import Statement

    return Statement.objects.select_related("supplier", "created_by", "approved_by")


def statement_entries(statement):
    return (SupplierAccountEntry.objects.filter(statement=statement).select_related("source_type")
            .order_by("entry_date", "id"))


def _sources_q(source_obj):
    """Entries whose source is the object, or one of its `lines` (goods receipts and drop-ship shipments
    post one entry per line), or any of a list of objects."""
    from django.contrib.contenttypes.models import ContentType

    objs = source_obj if isinstance(source_obj, list | tuple) else [source_obj]
    q = Q(pk__in=[])
    for obj in objs:
        if obj is None or getattr(obj, "pk", None) is None:
            continue
        q |= Q(source_type=ContentType.objects.get_for_model(obj), source_id=obj.pk)
        lines = getattr(obj, "lines", None)
        if lines is not None and hasattr(lines, "model") and hasattr(lines, "values"):
            q |= Q(source_type=ContentType.objects.get_for_model(lines.model), source_id__in=lines.values("pk"))
    return q


def entries_for(source_obj):
    """The supplier account entries a source document posted (its own and its lines'), oldest first: a
    drop-ship's goods per line and its freight, shown on the shipment's page."""
    return SupplierAccountEntry.objects.filter(_sources_q(source_obj)).select_related("statement").order_by("id")


def reconciliation_status_for(source_obj):
    """(reconciled, date) of a source document (shipment, goods receipt, after-sales ticket …, or a list
    of them), read from its supplier account entries — the document's own and its lines': reconciled
    when it has entries and every one has a reconciliation date; the date is the latest of them.
    No entries (nothing owed yet, e.g. a company dispatch): (False, None). One query."""
    from django.db.models import Max

    row = SupplierAccountEntry.objects.filter(_sources_q(source_obj)).order_by().aggregate(
        n=Count("id"), open=Count("id", filter=Q(reconciled_on__isnull=True)), last=Max("reconciled_on"))
    if not row["n"] or row["open"]:
        return False, None
    return True, row["last"]


def supplier_amounts(supplier):
    """{total, reconciled, remaining} of one supplier's account (aggregates, never cached)."""
    row = SupplierAccountEntry.objects.filter(supplier=supplier).order_by().aggregate(
        total=Coalesce(Sum("amount"), ZERO),
        reconciled=Coalesce(Sum("amount", filter=Q(reconciled_on__isnull=False)), ZERO),
        remaining=Coalesce(Sum("amount", filter=Q(reconciled_on__isnull=True)), ZERO),
    )
    return row


def supplier_balance_by_month(supplier):
    """Per month, cumulative to its end: posted, reconciled (by reconciliation date), remaining, and the
    payments of that month (+ to the supplier, − from it). Three grouped queries; cumulated here."""
    from django.db.models.functions import TruncMonth

    from .models import PaymentDirection, StatementPayment

    base = SupplierAccountEntry.objects.filter(supplier=supplier).order_by()
    posted = {r["m"]: r["s"] for r in base.annotate(m=TruncMonth("entry_date")).values("m").annotate(s=Sum("amount"))}
    reconciled = {r["m"]: r["s"] for r in base.filter(reconciled_on__isnull=False)
                  .annotate(m=TruncMonth("reconciled_on")).values("m").annotate(s=Sum("amount"))}
    paid = {}
    for r in (StatementPayment.objects.filter(statement__supplier=supplier).order_by()
              .annotate(m=TruncMonth("paid_on")).values("m", "direction").annotate(s=Sum("amount"))):
        sign = -1 if r["direction"] == PaymentDirection.FROM_SUPPLIER else 1
        paid[r["m"]] = paid.get(r["m"], Decimal("0.00")) + sign * r["s"]
    rows, cum_posted, cum_reconciled = [], Decimal("0.00"), Decimal("0.00")
    for month in sorted(set(posted) | set(reconciled) | set(paid)):
        cum_posted += posted.get(month) or 0
        cum_reconciled += reconciled.get(month) or 0
        rows.append({"month": month, "posted": posted.get(month) or Decimal("0.00"),
                     "reconciled_in_month": reconciled.get(month) or Decimal("0.00"),
                     "total": cum_posted, "reconciled": cum_reconciled, "remaining": cum_posted - cum_reconciled,
                     "paid": paid.get(month) or Decimal("0.00")})
    return rows


def statements_in_progress(limit=10):
    """Statements finance still works on: drafts, submitted, approved (or disputed: lines to answer) but not
    yet paid."""
    from .models import StatementState

    return list(statement_list().filter(state__in=[
        StatementState.DRAFT, StatementState.SUBMITTED, StatementState.APPROVED, StatementState.DISPUTED,
        StatementState.SUPPLIER_CONFIRMED, StatementState.PARTIALLY_PAID]).order_by("-id")[:limit])


def statements_awaiting_approval(user=None, limit=10):
    """Submitted statements; for a user, those they did not build themselves (maker-checker)."""
    from .models import StatementState

    qs = statement_list().filter(state=StatementState.SUBMITTED).order_by("submitted_at", "id")
    if user is not None:
        qs = qs.exclude(created_by=user)
    return list(qs[:limit])


def supplier_account_summaries():
    """Suppliers with their account in figures: total, reconciled and remaining (as supplier_accounts()),
    and paid — the signed sum of the payments recorded on their statements (+ to the supplier, − from it).
    Paid is a subquery, so the entries' join does not multiply it."""
    paid = (StatementPayment.objects.filter(statement__supplier=OuterRef("pk")).order_by()
            .values("statement__supplier")
            .annotate(signed=Sum(Case(When(direction=PaymentDirection.FROM_SUPPLIER, then=-F("amount")),
                                      default=F("amount"))))
            .values("signed"))
    return supplier_accounts().annotate(
        paid=Coalesce(Subquery(paid, output_field=DecimalField(max_digits=14, decimal_places=2)), ZERO),
    ).order_by("name", "pk")


# ---- the reconciliation dashboard 对账 (reports read these; every figure is an aggregate in the database) ----

# They read from the report database (core.replica: the replica when one is configured).
# Ageing of unreconciled entries: days from the entry date to today.
AGEING_BUCKETS = (("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None))


def ageing_bucket_dates(bucket, today):
    """(date_from, date_to) of the entry dates that fall in `bucket` on `today` (date_from None: no limit)."""
    for name, low, high in AGEING_BUCKETS:
        if name == bucket:
            return (today - timedelta(days=high) if high is not None else None), today - timedelta(days=low)
    raise ValueError(f"unknown ageing bucket {bucket!r}")


def _ageing_bucket(today):
    whens = [When(entry_date__gte=today - timedelta(days=high), then=Value(name))
             for name, _low, high in AGEING_BUCKETS if high is not None]
    return Case(*whens, default=Value(AGEING_BUCKETS[-1][0]), output_field=CharField())


def _entries(*, supplier=None, date_from=None, date_to=None):
    qs = reading_replica(SupplierAccountEntry.objects.order_by())
    if supplier is not None:
        qs = qs.filter(supplier=supplier)
    if date_from is not None:
        qs = qs.filter(entry_date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(entry_date__lte=date_to)
    return qs


def _with_supplier_names(rows):
    """Rows grouped by supplier_id get `supplier__name`, read in one query afterwards (grouping by the id alone
    spares the database a join over every entry), ordered by name."""
    names = dict(Supplier.objects.filter(pk__in={row["supplier_id"] for row in rows}).values_list("pk", "name"))
    for row in rows:
        row["supplier__name"] = names.get(row["supplier_id"], "")
    return sorted(rows, key=lambda row: (row["supplier__name"], row["supplier_id"], row.get("bucket", "")))


def reconciled_by_supplier(*, supplier=None, date_from=None, date_to=None):
    """[{supplier_id, supplier__name, entries, total, reconciled, remaining}] per supplier with entries dated
    in the period. One grouped query (and the suppliers' names)."""
    return _with_supplier_names(list(
        _entries(supplier=supplier, date_from=date_from, date_to=date_to).values("supplier_id")
        .annotate(entries=Count("id"), total=Sum("amount"),
                  reconciled=Coalesce(Sum("amount", filter=Q(reconciled_on__isnull=False)), ZERO),
                  remaining=Coalesce(Sum("amount", filter=Q(reconciled_on__isnull=True)), ZERO))))


def unreconciled_ageing(*, today, supplier=None, date_from=None, date_to=None):
    """Unreconciled entries by age (days from their entry date to `today`):
    ([{bucket, entries, amount}] every bucket in order, [{supplier_id, supplier__name, bucket, entries, amount}]).
    One grouped query (per supplier and bucket, on the partial index of open entries; and the suppliers'
    names); a bucket's total is the sum of its suppliers' rows."""
    qs = (_entries(supplier=supplier, date_from=date_from, date_to=date_to).filter(reconciled_on__isnull=True)
          .annotate(bucket=_ageing_bucket(today)))
    per_supplier = _with_supplier_names(list(qs.values("supplier_id", "bucket")
                                             .annotate(entries=Count("id"), amount=Sum("amount"))))
    totals = {name: {"bucket": name, "entries": 0, "amount": Decimal("0.00")} for name, _l, _h in AGEING_BUCKETS}
    for row in per_supplier:
        totals[row["bucket"]]["entries"] += row["entries"]
        totals[row["bucket"]]["amount"] += row["amount"]
    return list(totals.values()), per_supplier


def statements_awaiting(*, supplier=None):
    """Statements waiting for someone: submitted (for the finance supervisor's approval) and approved (for the
    supplier's confirmation), oldest first, with their supplier."""
    from .models import Statement, StatementState

    qs = reading_replica(Statement.objects.filter(state__in=[StatementState.SUBMITTED, StatementState.APPROVED]))
    if supplier is not None:
        qs = qs.filter(supplier=supplier)
    return qs.select_related("supplier").order_by("state", "submitted_at", "id")


def statements_awaiting_by_state(*, supplier=None):
    """[{state, statements, total}] of statements_awaiting (submitted first). One grouped query."""
    from .models import StatementState

    found = {r["state"]: r for r in statements_awaiting(supplier=supplier).order_by().values("state")
             .annotate(statements=Count("id"), total=Sum("total"))}
    return [{"state": state.value, "label": state.label, "statements": found.get(state.value, {}).get("statements", 0),
             "total": found.get(state.value, {}).get("total") or Decimal("0.00")}
            for state in (StatementState.SUBMITTED, StatementState.APPROVED)]


SIGNED_PAYMENT = Case(When(direction=PaymentDirection.FROM_SUPPLIER, then=-F("amount")), default=F("amount"),
                      output_field=DecimalField(max_digits=14, decimal_places=2))


def _payments(*, supplier=None, date_from=None, date_to=None):
    qs = reading_replica(StatementPayment.objects.order_by())
    if supplier is not None:
        qs = qs.filter(statement__supplier=supplier)
    if date_from is not None:
        qs = qs.filter(paid_on__gte=date_from)
    if date_to is not None:
        qs = qs.filter(paid_on__lte=date_to)
    return qs


def payments_by_month(*, supplier=None, date_from=None, date_to=None):
    """[{month (first day), payments, to_supplier, from_supplier, net}] oldest first. One grouped query."""
    from django.db.models.functions import TruncMonth

    rows = (_payments(supplier=supplier, date_from=date_from, date_to=date_to)
            .annotate(month=TruncMonth("paid_on")).values("month")
            .annotate(payments=Count("id"),
                      to_supplier=Coalesce(Sum("amount", filter=Q(direction=PaymentDirection.TO_SUPPLIER)), ZERO),
                      from_supplier=Coalesce(Sum("amount", filter=Q(direction=PaymentDirection.FROM_SUPPLIER)), ZERO),
                      net=Sum(SIGNED_PAYMENT))
            .order_by("month"))
    return list(rows)


def payments_by_supplier(*, supplier=None, date_from=None, date_to=None):
    """[{supplier_id, supplier__name, payments, to_supplier, from_supplier, net}]. One grouped query."""
    return list(_payments(supplier=supplier, date_from=date_from, date_to=date_to)
                .values(supplier_id=F("statement__supplier_id"), supplier__name=F("statement__supplier__name"))
                .annotate(payments=Count("id"),
                          to_supplier=Coalesce(Sum("amount", filter=Q(direction=PaymentDirection.TO_SUPPLIER)),
                                               ZERO),
                          from_supplier=Coalesce(Sum("amount", filter=Q(direction=PaymentDirection.FROM_SUPPLIER)),
                                                 ZERO),
                          net=Sum(SIGNED_PAYMENT))
                .order_by("supplier__name", "supplier_id"))

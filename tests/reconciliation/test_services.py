"""The supplier account: entries posted by one service, signed by kind, never changed — except the
statement key and reconciliation date."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from core.append_only import AppendOnlyError
from reconciliation import services
from reconciliation.models import EntryKind, Statement, SupplierAccountEntry
from reconciliation.services import EntryDraft, SupplierEntryError
from tests.factories import SupplierFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier():
    return SupplierFactory()


@pytest.fixture
def source():
    """Any saved document can be an entry's source; a warehouse stands in for one here."""
    return WarehouseFactory()


def draft(supplier, source, kind=EntryKind.GOODS_RECEIPT, amount="125.00", **kw):
    return EntryDraft(supplier_id=supplier.pk, kind=kind, amount=Decimal(amount), source=source, **kw)


def test_posting_writes_one_entry_per_draft_with_its_source_and_sign(supplier, make_user):
    finance = make_user("finance")
    a, b, c = WarehouseFactory(), WarehouseFactory(), WarehouseFactory()
    entries = services.post_supplier_entries(entries=[
        draft(supplier, a, EntryKind.DROP_SHIP_GOODS, "300.00"),
        draft(supplier, a, EntryKind.FREIGHT, "12.00"),
        draft(supplier, b, EntryKind.MANUFACTURER_COMPENSATION, "-50.00", entry_date=datetime.date(2026, 1, 5)),
        draft(supplier, c, EntryKind.CHARGE_BACK, "-20.50"),
    ], actor=finance)

    assert len(entries) == 4
    rows = SupplierAccountEntry.objects.filter(supplier=supplier).order_by("id")
    assert [r.amount for r in rows] == [Decimal("300.00"), Decimal("12.00"), Decimal("-50.00"), Decimal("-20.50")]
    assert sum(r.amount for r in rows) == Decimal("241.50")
    assert rows[0].source == a and rows[0].actor == finance
    assert rows[2].entry_date == datetime.date(2026, 1, 5)
    assert all(r.statement is None and r.reconciled_on is None for r in rows)


@pytest.mark.parametrize(("kind", "amount", "message"), [
    (EntryKind.GOODS_RECEIPT, "-1.00", "cannot be negative"),
    (EntryKind.CHARGE_BACK, "5.00", "is negative"),
    (EntryKind.FREIGHT, "1.005", "2 decimal places"),
    ("bonus", "1.00", "Unknown supplier entry kind"),
])
def test_a_wrong_amount_or_kind_is_refused_and_nothing_is_posted(supplier, source, kind, amount, message):
    good = draft(supplier, WarehouseFactory())
    with pytest.raises(SupplierEntryError, match=message):
        services.post_supplier_entries(entries=[good, draft(supplier, source, kind, amount)])
    assert SupplierAccountEntry.objects.count() == 0


def test_float_amounts_are_refused(supplier, source):
    with pytest.raises(SupplierEntryError, match="Decimal"):
        services.post_supplier_entries(entries=[EntryDraft(supplier.pk, EntryKind.FREIGHT, 1.5, source)])


def test_the_database_refuses_a_wrong_sign_even_past_the_service(supplier, source):
    from django.contrib.contenttypes.models import ContentType

    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierAccountEntry.objects.create(
            supplier=supplier, kind=EntryKind.GOODS_RECEIPT, amount=Decimal("-1"),
            source_type=ContentType.objects.get_for_model(source), source_id=source.pk,
            entry_date=datetime.date.today(),
        )


def test_the_same_event_cannot_be_posted_twice(supplier, source):
    services.post_supplier_entries(entries=[draft(supplier, source)])
    with pytest.raises(IntegrityError), transaction.atomic():
        services.post_supplier_entries(entries=[draft(supplier, source)])
    assert SupplierAccountEntry.objects.count() == 1


def test_an_entry_cannot_be_changed_or_deleted_but_can_be_put_on_a_statement(supplier, source):
    (entry,) = services.post_supplier_entries(entries=[draft(supplier, source)])
    entry.amount = Decimal("1.00")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.save(update_fields=["amount", "statement"])
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        SupplierAccountEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))

    statement = Statement.objects.create(supplier=supplier)
    # the two columns the statement services set (reconciliation.statements) stay writable
    assert SupplierAccountEntry.objects.filter(pk=entry.pk).update(statement=statement) == 1
    assert SupplierAccountEntry.objects.filter(statement=statement).update(
        reconciled_on=datetime.date(2026, 3, 1)) == 1
    fresh = SupplierAccountEntry.objects.get(pk=entry.pk)
    assert (fresh.statement, fresh.reconciled_on, fresh.amount) == (statement, datetime.date(2026, 3, 1),
                                                                     Decimal("125.00"))


def test_the_admin_is_read_only(client, supplier, source):
    (entry,) = services.post_supplier_entries(entries=[draft(supplier, source)])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:reconciliation_supplieraccountentry_changelist")).status_code == 200
    assert client.get(reverse("admin:reconciliation_supplieraccountentry_add")).status_code == 403
    url = reverse("admin:reconciliation_supplieraccountentry_delete", args=[entry.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert SupplierAccountEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.postgres
@pytest.mark.parametrize("sql", [
    "UPDATE reconciliation_supplieraccountentry SET amount = 1 WHERE id = %s",
    "UPDATE reconciliation_supplieraccountentry SET amount = 1, reconciled_on = '2026-01-01' WHERE id = %s",
    "UPDATE reconciliation_supplieraccountentry SET entry_date = '2020-01-01' WHERE id = %s",
    "DELETE FROM reconciliation_supplieraccountentry WHERE id = %s",
])
def test_postgresql_refuses_raw_changes_other_than_statement_and_reconciliation_date(supplier, source, sql):
    (entry,) = services.post_supplier_entries(entries=[draft(supplier, source)])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    assert SupplierAccountEntry.objects.get(pk=entry.pk).amount == Decimal("125.00")


@pytest.mark.postgres
def test_postgresql_allows_raw_updates_of_statement_and_reconciliation_date(supplier, source):
    (entry,) = services.post_supplier_entries(entries=[draft(supplier, source)])
    statement = Statement.objects.create(supplier=supplier)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reconciliation_supplieraccountentry SET statement_id = %s, reconciled_on = %s "
                       "WHERE id = %s", [statement.pk, datetime.date(2026, 2, 2), entry.pk])
    fresh = SupplierAccountEntry.objects.get(pk=entry.pk)
    assert (fresh.statement_id, fresh.reconciled_on) == (statement.pk, datetime.date(2026, 2, 2))

"""Nothing changes or deletes a stock ledger row: not the model, not the admin, not raw SQL."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from core.append_only import AppendOnlyError
from inventory import services
from inventory.models import Direction, MoveKind, StockLedgerEntry
from inventory.services import StockMove
from tests.factories import ProductFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def row(make_user):
    product, wh = ProductFactory(), WarehouseFactory()
    (entry,) = services.move_stock(moves=[StockMove(product.pk, wh.pk, Direction.IN, 5, MoveKind.PURCHASE_RECEIPT)],
                                   actor=make_user("warehouse"))
    return entry


def test_the_model_refuses_to_change_or_delete_a_ledger_row(row):
    row.quantity = 50
    with pytest.raises(AppendOnlyError, match="append-only"):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.save(update_fields=["quantity"])
    with pytest.raises(AppendOnlyError, match="cannot be deleted"):
        row.delete()
    with pytest.raises(AppendOnlyError):
        StockLedgerEntry.objects.filter(pk=row.pk).update(quantity=50)
    with pytest.raises(AppendOnlyError):
        StockLedgerEntry.objects.filter(pk=row.pk).delete()
    fresh = StockLedgerEntry.objects.get(pk=row.pk)
    assert (fresh.quantity, fresh.balance_after) == (5, 5)


def test_the_admin_shows_ledger_rows_but_offers_no_add_change_or_delete(client, row):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    change_url = reverse("admin:inventory_stockledgerentry_change", args=[row.pk])

    assert client.get(reverse("admin:inventory_stockledgerentry_changelist")).status_code == 200
    assert client.get(reverse("admin:inventory_stockledgerentry_add")).status_code == 403
    page = client.get(change_url)
    assert page.status_code == 200 and b'name="quantity"' not in page.content, "view only"
    assert client.post(change_url, {"quantity": 50}).status_code == 403
    assert client.post(reverse("admin:inventory_stockledgerentry_delete", args=[row.pk]),
                       {"post": "yes"}).status_code == 403
    assert StockLedgerEntry.objects.get(pk=row.pk).quantity == 5


@pytest.mark.postgres
@pytest.mark.parametrize("sql", [
    "UPDATE inventory_stockledgerentry SET quantity = 50 WHERE id = %s",
    "UPDATE inventory_stockledgerentry SET reason = 'oops' WHERE id = %s",
    "DELETE FROM inventory_stockledgerentry WHERE id = %s",
])
def test_postgresql_refuses_update_and_delete_in_raw_sql(row, sql):
    with pytest.raises(DatabaseError, match="inventory_stockledgerentry rows are append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql, [row.pk])
    fresh = StockLedgerEntry.objects.get(pk=row.pk)
    assert (fresh.quantity, fresh.reason) == (5, "")

"""inventory.sql's hand-written statements give the same rows as the ORM they stand in for."""

import pytest
from django.db import transaction

from inventory.models import StockBalance
from inventory.sql import update_balances
from tests.factories import ProductFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def rows():
    return list(StockBalance.objects.order_by("pk").values_list("pk", "product_id", "warehouse_id", "on_hand",
                                                                   "reserved"))


@pytest.mark.parametrize("count", [2, 3, 20])
def test_update_balances_leaves_the_rows_bulk_update_leaves(count):
    warehouse, other = WarehouseFactory(), WarehouseFactory()
    products = [ProductFactory() for _ in range(count)]
    StockBalance.objects.bulk_create([StockBalance(product=p, warehouse=w, on_hand=10 * n, reserved=n)
                                      for n, p in enumerate(products) for w in (warehouse, other)])
    changed = list(StockBalance.objects.filter(warehouse=warehouse).order_by("-pk"))  # not in pk order
    for n, balance in enumerate(changed):
        balance.on_hand, balance.reserved = 1000 + n, n % 3

    results = {}
    for how in ("sql", "orm"):
        with transaction.atomic():
            if how == "sql":
                update_balances(changed, ["on_hand", "reserved"])
            else:
                StockBalance.objects.bulk_update(changed, ["on_hand", "reserved"])
            results[how] = rows()
            transaction.set_rollback(True)
    assert results["sql"] == results["orm"]
    assert {pk: (hand, reserved) for pk, _p, _w, hand, reserved in results["sql"]} == {
        **{b.pk: (b.on_hand, b.reserved) for b in StockBalance.objects.filter(warehouse=other)},
        **{b.pk: (b.on_hand, b.reserved) for b in changed}}


def test_one_field_only_and_one_statement(django_assert_num_queries):
    warehouse = WarehouseFactory()
    balances = [StockBalance.objects.create(product=ProductFactory(), warehouse=warehouse, on_hand=5, reserved=1)
                for _ in range(3)]
    for balance in balances:
        balance.reserved, balance.on_hand = 4, 999  # on_hand is not saved
    with django_assert_num_queries(1):
        update_balances(balances, ["reserved"])
    assert set(StockBalance.objects.filter(warehouse=warehouse).values_list("on_hand", "reserved")) == {(5, 4)}


def orm_differences():
    """The same comparison through the ORM: the three parts read one by one and joined in Python."""
    from inventory.selectors import difference_parts

    balances, ledger, reservations = difference_parts()
    rows = {}
    for row in balances:
        rows.setdefault((row["product_id"], row["warehouse_id"]), [0, 0, 0, 0])[0:4:2] = [row["on_hand"], row["reserved"]]
    for row in ledger:
        rows.setdefault((row["product_id"], row["warehouse_id"]), [0, 0, 0, 0])[1] = row["total"]
    for row in reservations:
        rows.setdefault((row["product_id"], row["warehouse_id"]), [0, 0, 0, 0])[3] = row["total"]
    return [(*key, *values) for key, values in sorted(rows.items())
            if values[0] != values[1] or values[2] != values[3]]


def test_differing_stock_rows_are_what_the_orm_finds():
    from inventory.models import MoveKind
    from inventory.selectors import difference_parts
    from inventory.services import StockMove, move_stock
    from inventory.sql import differing_stock_rows

    warehouse, other = WarehouseFactory(), WarehouseFactory()
    products = [ProductFactory() for _ in range(4)]
    move_stock(moves=[StockMove(product_id=p.pk, warehouse_id=w.pk, direction="in", quantity=5 + n,
                                kind=MoveKind.PURCHASE_RECEIPT) for n, p in enumerate(products) for w in (warehouse, other)])
    assert differing_stock_rows(*difference_parts()) == orm_differences() == []
    # on hand drifts from its ledger, reserved from its reservations, a balance with no ledger at all
    StockBalance.objects.filter(product=products[0], warehouse=warehouse).update(on_hand=1)
    StockBalance.objects.filter(product=products[1], warehouse=other).update(reserved=3)
    StockBalance.objects.create(product=ProductFactory(), warehouse=warehouse, on_hand=2, reserved=0)
    found = differing_stock_rows(*difference_parts())
    assert found == orm_differences()
    assert len(found) == 3

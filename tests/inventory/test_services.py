"""move_stock and the reservation functions: the ledger always adds up to on hand, and a refused
move writes nothing."""

import pytest
from django.db import transaction

from inventory import services
from inventory.models import (
    Direction,
    MoveKind,
    ReservationStatus,
    StockBalance,
    StockLedgerEntry,
    StockReservation,
)
from inventory.services import InsufficientStock, InvalidMove, ReservationRequest, StockMove
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.factories import document_lines
from tests.inventory.helpers import assert_ledger_matches, balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(make_user):
    return make_user("warehouse")


def move(product, warehouse, direction, quantity, kind=MoveKind.ADJUSTMENT, **kw):
    return StockMove(product_id=product.pk, warehouse_id=warehouse.pk, direction=direction,
                     quantity=quantity, kind=kind, **kw)


def test_every_kind_of_move_keeps_the_ledger_equal_to_on_hand(clerk):
    product, wh, other = ProductFactory(), WarehouseFactory(), WarehouseFactory()
    steps = [
        (wh, Direction.IN, 20, MoveKind.PURCHASE_RECEIPT),
        (wh, Direction.OUT, 3, MoveKind.DISPATCH),
        (wh, Direction.IN, 1, MoveKind.RETURN),
        (wh, Direction.OUT, 2, MoveKind.ADJUSTMENT),
        (wh, Direction.IN, 4, MoveKind.ADJUSTMENT),
        (wh, Direction.OUT, 5, MoveKind.TRANSFER),
        (other, Direction.IN, 5, MoveKind.TRANSFER),
    ]
    expected = {wh.pk: 0, other.pk: 0}
    for warehouse, direction, quantity, kind in steps:
        (row,) = services.move_stock(moves=[move(product, warehouse, direction, quantity, kind)], actor=clerk)
        expected[warehouse.pk] += quantity if direction == Direction.IN else -quantity
        assert row.balance_after == expected[warehouse.pk]
        assert row.actor == clerk and row.kind == kind
        assert_ledger_matches(product, warehouse)

    assert balance(product, wh).on_hand == 15
    assert balance(product, other).on_hand == 5
    assert StockLedgerEntry.objects.count() == len(steps)


def test_reserve_then_consume_writes_one_out_row_and_clears_the_reservation(clerk):
    product, wh = ProductFactory(), WarehouseFactory()
    services.move_stock(moves=[move(product, wh, Direction.IN, 10, MoveKind.PURCHASE_RECEIPT)], actor=clerk)
    line_a, line_b = document_lines(2, product)
    services.reserve(requests=[ReservationRequest(product.pk, wh.pk, 3, line_a),
                               ReservationRequest(product.pk, wh.pk, 4, line_b)], actor=clerk)
    b = assert_ledger_matches(product, wh)
    assert (b.on_hand, b.reserved, b.available) == (10, 7, 3)

    rows = services.consume(sources=[line_a], actor=clerk, source=line_a.transfer)
    assert [(r.direction, r.kind, r.quantity, r.balance_after) for r in rows] == [
        (Direction.OUT, MoveKind.DISPATCH, 3, 7)
    ]
    assert rows[0].source == line_a.transfer
    b = assert_ledger_matches(product, wh)
    assert (b.on_hand, b.reserved) == (7, 4)
    assert StockReservation.objects.get(source_id=line_a.pk).status == ReservationStatus.CONSUMED

    assert services.release(sources=[line_b], actor=clerk) == 1
    b = assert_ledger_matches(product, wh)
    assert (b.on_hand, b.reserved, b.available) == (7, 0, 7)
    assert StockReservation.objects.get(source_id=line_b.pk).status == ReservationStatus.RELEASED
    assert services.release(sources=[line_b], actor=clerk) == 0, "releasing twice is harmless"
    assert services.consume(sources=[line_b], actor=clerk) == [], "a released reservation is not dispatched"


def test_a_move_that_would_make_on_hand_negative_fails_clearly_and_writes_nothing(clerk):
    product, wh = ProductFactory(sku="SKU-TEA"), WarehouseFactory(name="上海仓 Shanghai")
    other = ProductFactory()
    services.move_stock(moves=[move(product, wh, Direction.IN, 2), move(other, wh, Direction.IN, 9)], actor=clerk)
    rows_before = StockLedgerEntry.objects.count()

    with pytest.raises(InsufficientStock) as exc:
        services.move_stock(moves=[move(other, wh, Direction.OUT, 1), move(product, wh, Direction.OUT, 5)],
                            actor=clerk)

    assert "SKU-TEA in 上海仓 Shanghai: 5 wanted, 2 available (short 3)" in str(exc.value)
    assert [(s.product_id, s.requested, s.available, s.short) for s in exc.value.shortfalls] == [
        (product.pk, 5, 2, 3)
    ]
    assert StockLedgerEntry.objects.count() == rows_before, "the good line was not written either"
    assert balance(product, wh).on_hand == 2 and balance(other, wh).on_hand == 9


def test_reserved_stock_cannot_be_taken_by_another_move(clerk):
    product, wh = ProductFactory(), WarehouseFactory()
    services.move_stock(moves=[move(product, wh, Direction.IN, 5)], actor=clerk)
    (line,) = document_lines(1, product)
    services.reserve(requests=[ReservationRequest(product.pk, wh.pk, 4, line)], actor=clerk)

    with pytest.raises(InsufficientStock, match="2 wanted, 1 available"):
        services.move_stock(moves=[move(product, wh, Direction.OUT, 2)], actor=clerk)
    assert balance(product, wh).on_hand == 5


def test_a_reservation_beyond_available_is_refused_with_the_shortfall_per_line(clerk):
    tea, cup, wh = ProductFactory(sku="TEA"), ProductFactory(sku="CUP"), WarehouseFactory(name="WH")
    services.move_stock(moves=[move(tea, wh, Direction.IN, 5), move(cup, wh, Direction.IN, 1)], actor=clerk)
    (tea_line,) = document_lines(1, tea)
    (cup_line,) = document_lines(1, cup)
    (ok_line,) = document_lines(1, tea)
    missing = ProductFactory(sku="NEVER-STOCKED")
    (missing_line,) = document_lines(1, missing)

    with pytest.raises(InsufficientStock) as exc:
        services.reserve(requests=[
            ReservationRequest(tea.pk, wh.pk, 6, tea_line),
            ReservationRequest(cup.pk, wh.pk, 1, cup_line),
            ReservationRequest(missing.pk, wh.pk, 2, missing_line),
        ], actor=clerk)

    message = str(exc.value)
    assert message.startswith("Cannot reserve")
    assert "TEA in WH: 6 wanted, 5 available (short 1)" in message
    assert "NEVER-STOCKED in WH: 2 wanted, 0 available (short 2)" in message
    assert "CUP" not in message, "a line that fits is not listed"
    assert {s.short for s in exc.value.shortfalls} == {1, 2}
    assert StockReservation.objects.count() == 0
    assert balance(cup, wh).reserved == 0, "nothing reserved for the line that fitted either"
    assert not StockBalance.objects.filter(product=missing).exists()

    services.reserve(requests=[ReservationRequest(tea.pk, wh.pk, 5, ok_line)], actor=clerk)
    assert balance(tea, wh).available == 0


def test_one_move_may_bring_stock_in_and_take_it_out_again(clerk):
    product, wh = ProductFactory(), WarehouseFactory()
    rows = services.move_stock(moves=[move(product, wh, Direction.IN, 3), move(product, wh, Direction.OUT, 2)],
                               actor=clerk)
    assert [r.balance_after for r in rows] == [3, 1]
    assert_ledger_matches(product, wh)


@pytest.mark.parametrize("quantity", [0, -1, 1.5, True])
def test_quantities_are_whole_numbers_above_zero(clerk, quantity):
    product, wh = ProductFactory(), WarehouseFactory()
    with pytest.raises(InvalidMove, match="greater than zero"):
        services.move_stock(moves=[move(product, wh, Direction.IN, quantity)], actor=clerk)
    assert StockLedgerEntry.objects.count() == 0


# transactional_db: the move's transaction is the outermost one, as in production and the benchmark
# (inside the test's own transaction it would add a SAVEPOINT/RELEASE pair). Django logs the
# transaction's BEGIN and COMMIT as queries too.
TX_CONTROL = 2


@pytest.mark.parametrize("lines", [1, 3, 20])
def test_a_move_costs_three_queries_whatever_its_size(transactional_db, django_assert_num_queries, lines):
    clerk = UserFactory()  # no roles: a flushed database has no groups
    wh = WarehouseFactory()
    products = ProductFactory.create_batch(lines)
    services.move_stock(moves=[move(p, wh, Direction.IN, 5) for p in products], actor=clerk)  # rows exist

    with django_assert_num_queries(3 + TX_CONTROL):  # lock balances, one UPDATE, one INSERT of ledger rows
        services.move_stock(moves=[move(p, wh, Direction.OUT, 1) for p in products], actor=clerk)
    for p in products:
        assert_ledger_matches(p, wh)


def test_the_first_move_into_a_warehouse_creates_its_balance_row(transactional_db, django_assert_num_queries):
    clerk = UserFactory()
    product, wh = ProductFactory(), WarehouseFactory()
    with django_assert_num_queries(5 + TX_CONTROL):  # lock (none found), insert balance, lock, update, insert
        services.move_stock(moves=[move(product, wh, Direction.IN, 1)], actor=clerk)
    assert balance(product, wh).on_hand == 1


def test_low_stock_notifies_warehouse_staff_once_when_available_falls_below_threshold(
    make_user, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    clerk, other_clerk, seller = make_user("warehouse"), make_user("warehouse"), make_user("sales")
    product, wh = ProductFactory(sku="LOW-1", low_stock_threshold=5), WarehouseFactory(name="北京仓")
    services.move_stock(moves=[move(product, wh, Direction.IN, 8)], actor=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        services.move_stock(moves=[move(product, wh, Direction.OUT, 3)], actor=clerk)  # 5: not below
    assert Notification.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.move_stock(moves=[move(product, wh, Direction.OUT, 1)], actor=clerk)  # 4: below
    notes = Notification.objects.all()
    assert {n.recipient_id for n in notes} == {clerk.pk, other_clerk.pk}
    assert "LOW-1" in notes[0].subject and "北京仓" in notes[0].subject
    assert seller.pk not in {n.recipient_id for n in notes}

    with django_capture_on_commit_callbacks(execute=True):
        services.move_stock(moves=[move(product, wh, Direction.OUT, 1)], actor=clerk)  # still below
    assert Notification.objects.count() == 2, "only the move that crosses the threshold notifies"

    (line,) = document_lines(1, product)
    services.move_stock(moves=[move(product, wh, Direction.IN, 10)], actor=clerk)  # 13, above again
    with django_capture_on_commit_callbacks(execute=True):
        services.reserve(requests=[ReservationRequest(product.pk, wh.pk, 9, line)], actor=clerk)  # 4
    assert Notification.objects.count() == 4, "a reservation that makes available low notifies too"


def test_a_refused_move_leaves_the_callers_transaction_usable_and_writes_nothing(clerk):
    """No savepoint of their own: a refusal found before any write is raised after the function's block,
    so the caller (here the test's transaction) goes on; nothing was written."""
    product, wh = ProductFactory(), WarehouseFactory()
    services.move_stock(moves=[move(product, wh, Direction.IN, 1)], actor=clerk)
    (line,) = document_lines(1, product)

    with pytest.raises(InsufficientStock):
        services.reserve(requests=[ReservationRequest(product.pk, wh.pk, 2, line)], actor=clerk)
    with pytest.raises(InsufficientStock):
        services.move_stock(moves=[move(product, wh, Direction.OUT, 2)], actor=clerk)

    assert (balance(product, wh).on_hand, balance(product, wh).reserved) == (1, 0)
    assert not StockReservation.objects.exists()
    assert StockLedgerEntry.objects.count() == 1


def test_a_refused_move_that_created_a_balance_row_rolls_the_callers_block_back(clerk):
    never_stocked, wh = ProductFactory(), WarehouseFactory()

    with pytest.raises(InsufficientStock), transaction.atomic():
        services.move_stock(moves=[move(never_stocked, wh, Direction.OUT, 1)], actor=clerk)

    assert not StockBalance.objects.filter(product=never_stocked).exists()


def test_a_refused_consume_leaves_its_reservations_open_and_the_transaction_usable(clerk):
    """On PostgreSQL consume marks the reservations consumed while locking them; a refusal of the
    stock-out undoes that marking in the same transaction, so nothing is left changed."""
    product, wh = ProductFactory(), WarehouseFactory()
    services.move_stock(moves=[move(product, wh, Direction.IN, 10, MoveKind.PURCHASE_RECEIPT)], actor=clerk)
    (line,) = document_lines(1, product)
    services.reserve(requests=[ReservationRequest(product.pk, wh.pk, 3, line)], actor=clerk)
    StockBalance.objects.filter(product=product, warehouse=wh).update(reserved=1)  # out of step on purpose

    with transaction.atomic():
        with pytest.raises(InvalidMove):
            services.consume(sources=[line], actor=clerk)
        reservation = StockReservation.objects.get(source_id=line.pk)
        assert (reservation.status, reservation.closed_at) == (ReservationStatus.OPEN, None)
        assert StockLedgerEntry.objects.filter(direction=Direction.OUT).count() == 0

    b = balance(product, wh)
    assert (b.on_hand, b.reserved) == (10, 1)

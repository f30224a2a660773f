"""Concurrency on PostgreSQL: real threads, each with its own connection, released together by a
barrier. Exactly as many takes and reservations succeed as there is stock; opposite line orders do not
deadlock."""

import pytest

from inventory import services
from inventory.models import Direction, MoveKind, StockLedgerEntry, StockReservation
from inventory.services import InsufficientStock, ReservationRequest, StockMove
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.factories import document_lines
from tests.inventory.helpers import assert_ledger_matches, balance
from tests.races import errors, run_together, successes

pytestmark = pytest.mark.postgres

THREADS = 50  # PostgreSQL allows 100 connections; leave room for the test's own and other runs


def kind(outcome):
    """"ok", "short" (InsufficientStock: the refusal a race is expected to produce) or "error" (anything
    else: a deadlock or another failure the test reports)."""
    if outcome.ok:
        return "ok"
    return "short" if isinstance(outcome.error, InsufficientStock) else "error"


def kinds(outcomes):
    return [kind(o) for o in outcomes]


@pytest.fixture
def stocked(transactional_db):
    """A product with 10 on hand in a warehouse (committed, so every thread sees it)."""
    actor = UserFactory()  # no roles: a flushed database has no groups
    product, wh = ProductFactory(sku="RACE-1"), WarehouseFactory()
    services.move_stock(moves=[StockMove(product.pk, wh.pk, Direction.IN, 10, MoveKind.PURCHASE_RECEIPT)],
                        actor=actor)
    return product, wh, actor


def test_fifty_takes_of_one_unit_from_ten_leave_exactly_ten_out_rows(stocked):
    product, wh, actor = stocked
    take = StockMove(product.pk, wh.pk, Direction.OUT, 1, MoveKind.DISPATCH)

    outcomes = run_together(lambda i: services.move_stock(moves=[take], actor=actor), THREADS)

    assert kinds(outcomes).count("error") == 0, [o for o in outcomes if kind(o) == "error"]
    assert kinds(outcomes).count("ok") == 10
    assert kinds(outcomes).count("short") == 40
    assert all("1 wanted, 0 available" in str(exc) for exc in errors(outcomes, of_type=InsufficientStock))
    assert balance(product, wh).on_hand == 0
    assert StockLedgerEntry.objects.filter(product=product, direction=Direction.OUT).count() == 10
    assert sorted(r.balance_after for r in StockLedgerEntry.objects.filter(direction=Direction.OUT)) == list(
        range(10))
    assert_ledger_matches(product, wh)


def test_fifty_reservations_of_one_against_ten_available_reserve_exactly_ten(stocked):
    product, wh, actor = stocked
    lines = document_lines(THREADS, product)

    outcomes = run_together(lambda i: services.reserve(
        requests=[ReservationRequest(product.pk, wh.pk, 1, lines[i])], actor=actor), THREADS)

    assert kinds(outcomes).count("error") == 0, [o for o in outcomes if kind(o) == "error"]
    assert kinds(outcomes).count("ok") == 10
    assert kinds(outcomes).count("short") == 40
    b = assert_ledger_matches(product, wh)
    assert (b.on_hand, b.reserved, b.available) == (10, 10, 0)
    assert StockReservation.objects.count() == 10


def test_multi_line_moves_in_opposite_line_order_do_not_deadlock(transactional_db):
    actor = UserFactory()
    wh = WarehouseFactory()
    a, b, c = ProductFactory(), ProductFactory(), ProductFactory()
    services.move_stock(moves=[StockMove(p.pk, wh.pk, Direction.IN, 1000, MoveKind.ADJUSTMENT) for p in (a, b, c)],
                        actor=actor)
    forward = [StockMove(p.pk, wh.pk, Direction.OUT, 1, MoveKind.ADJUSTMENT) for p in (a, b, c)]
    backward = list(reversed(forward))

    outcomes = run_together(lambda i: services.move_stock(
        moves=forward if i % 2 else backward, actor=actor), THREADS)

    assert kinds(outcomes) == ["ok"] * THREADS, [o for o in outcomes if not o.ok]
    for p in (a, b, c):
        assert assert_ledger_matches(p, wh).on_hand == 1000 - THREADS


def test_concurrent_first_moves_create_one_balance_row(transactional_db):
    actor = UserFactory()
    product, wh = ProductFactory(), WarehouseFactory()
    arrive = StockMove(product.pk, wh.pk, Direction.IN, 1, MoveKind.PURCHASE_RECEIPT)

    outcomes = run_together(lambda i: services.move_stock(moves=[arrive], actor=actor), 20)

    assert kinds(outcomes) == ["ok"] * 20, [o for o in outcomes if not o.ok]
    assert assert_ledger_matches(product, wh).on_hand == 20


def test_two_clerks_posting_one_receipt_at_once_post_it_once(transactional_db):
    from decimal import Decimal

    from django_fsm import ConcurrentTransition, TransitionNotAllowed

    from inventory import documents
    from inventory.models import GoodsReceipt
    from reconciliation.models import SupplierAccountEntry
    from tests.factories import SupplierFactory

    boss = UserFactory(is_superuser=True)  # holds inventory.post_goodsreceipt without groups
    wh, product = WarehouseFactory(), ProductFactory()
    receipt = documents.create_goods_receipt(supplier=SupplierFactory(), warehouse=wh, actor=boss,
                                             lines=[documents.ReceiptLineData(product.pk, 5, Decimal("2.00"))])

    def post(i):
        try:
            documents.post_goods_receipt(GoodsReceipt.objects.get(pk=receipt.pk), actor=boss)
        except (ConcurrentTransition, TransitionNotAllowed) as exc:
            return type(exc).__name__
        return "posted"

    outcomes = run_together(post, 10)

    assert kinds(outcomes) == ["ok"] * 10, outcomes
    assert successes(outcomes).count("posted") == 1
    assert assert_ledger_matches(product, wh).on_hand == 5
    assert SupplierAccountEntry.objects.count() == 1


def test_a_move_committed_while_stock_is_being_checked_is_never_reported_as_a_difference(transactional_db):
    """check_stock reads balances, ledger and open reservations; another warehouse clerk's goods receipt
    commits (on its own connection, in its own thread) right after the check's first statement has run.
    Read as one snapshot, the check sees either all of the move or none of it: no difference."""
    import threading

    from django.db import connection, connections

    from inventory.selectors import stock_differences

    clerk = UserFactory(roles=("warehouse",))
    wh, tea = WarehouseFactory(), ProductFactory(sku="TEA-RACE")
    services.move_stock(moves=[StockMove(tea.pk, wh.pk, Direction.IN, 10, MoveKind.PURCHASE_RECEIPT)], actor=clerk)
    (line,) = document_lines(1, tea)
    services.reserve(requests=[ReservationRequest(tea.pk, wh.pk, 4, line)], actor=clerk)
    moved = []

    def receive_more():
        try:
            services.move_stock(moves=[StockMove(tea.pk, wh.pk, Direction.IN, 5, MoveKind.PURCHASE_RECEIPT)],
                                actor=clerk)
            (other,) = document_lines(1, tea)
            services.reserve(requests=[ReservationRequest(tea.pk, wh.pk, 2, other)], actor=clerk)
            moved.append(True)
        finally:
            connections.close_all()

    def move_after_the_first_statement(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not moved:
            mover = threading.Thread(target=receive_more)
            mover.start()
            mover.join(timeout=30)
        return result

    with connection.execute_wrapper(move_after_the_first_statement):
        during = stock_differences()

    assert moved, "the concurrent move ran"
    assert during == [], [str(d) for d in during]
    assert stock_differences() == []
    assert balance(tea, wh).on_hand == 15 and balance(tea, wh).reserved == 6

"""check_stock and its periodic task find every balance that disagrees with its ledger or
reservations."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from inventory import services
from inventory.models import Direction, MoveKind, StockBalance
from inventory.services import ReservationRequest, StockMove
from inventory.tasks import check_stock_task
from notifications.models import Notification
from tests.factories import ProductFactory, WarehouseFactory
from tests.inventory.factories import document_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(make_user):
    clerk = make_user("warehouse")
    wh = WarehouseFactory(name="广州仓")
    tea, cup = ProductFactory(sku="TEA"), ProductFactory(sku="CUP")
    services.move_stock(moves=[StockMove(p.pk, wh.pk, Direction.IN, 10, MoveKind.PURCHASE_RECEIPT)
                               for p in (tea, cup)], actor=clerk)
    services.move_stock(moves=[StockMove(tea.pk, wh.pk, Direction.OUT, 3, MoveKind.DISPATCH)], actor=clerk)
    (line,) = document_lines(1, cup)
    services.reserve(requests=[ReservationRequest(cup.pk, wh.pk, 4, line)], actor=clerk)
    return wh, tea, cup


def test_consistent_stock_passes(stock):
    out = StringIO()
    call_command("check_stock", stdout=out)
    assert "Stock is consistent" in out.getvalue()


def test_a_balance_edited_behind_the_services_back_is_reported_with_exit_status_1(stock):
    wh, tea, cup = stock
    StockBalance.objects.filter(product=tea).update(on_hand=9)     # ledger says 7
    StockBalance.objects.filter(product=cup).update(reserved=0)    # an open reservation holds 4
    out = StringIO()

    with pytest.raises(CommandError) as exc:
        call_command("check_stock", stdout=out)

    assert exc.value.returncode == 1
    assert "2 stock balance(s) disagree" in str(exc.value)
    report = out.getvalue()
    assert "TEA @ 广州仓: on hand 9 ≠ ledger 7" in report
    assert "CUP @ 广州仓: reserved 0 ≠ open reservations 4" in report


def test_the_periodic_check_notifies_managers_only_when_something_disagrees(stock, make_user):
    manager, clerk = make_user("manager"), make_user("warehouse")
    assert check_stock_task() == 0
    assert Notification.objects.count() == 0

    StockBalance.objects.filter(product=stock[1]).update(on_hand=1)
    assert check_stock_task() == 1
    (note,) = Notification.objects.all()
    assert note.recipient == manager and note.recipient != clerk
    assert "TEA @ 广州仓: on hand 1 ≠ ledger 7" in note.body


def test_every_key_of_balances_ledger_and_reservations_is_compared(stock):
    """A ledger whose balance row is gone is a difference too (the comparison covers every key of the
    three sides, not only the balances')."""
    wh, tea, _cup = stock
    StockBalance.objects.filter(product=tea).delete()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_stock", stdout=out)
    assert "TEA @ 广州仓: on hand 0 ≠ ledger 7" in out.getvalue()


def test_balances_ledger_and_reservations_are_read_in_one_statement(stock):
    """One statement is one snapshot: nothing can commit between reading the balances and the ledger."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inventory.selectors import stock_differences

    with CaptureQueriesContext(connection) as captured:
        assert stock_differences() == []
    assert len(captured.captured_queries) == 1

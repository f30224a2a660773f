"""Assertions shared by the stock tests."""

from inventory.models import Direction, ReservationStatus, StockBalance, StockLedgerEntry, StockReservation


def ledger_sum(product, warehouse):
    """Signed sum of the ledger rows, computed in Python (independent of the selectors under test)."""
    total = 0
    for direction, quantity in StockLedgerEntry.objects.filter(product=product, warehouse=warehouse).values_list(
        "direction", "quantity"
    ):
        total += quantity if direction == Direction.IN else -quantity
    return total


def balance(product, warehouse):
    return StockBalance.objects.get(product=product, warehouse=warehouse)


def assert_ledger_matches(product, warehouse):
    """Sum of ledger rows == on hand, reserved == open reservations, and the last row's balance_after
    is the on hand."""
    b = balance(product, warehouse)
    assert ledger_sum(product, warehouse) == b.on_hand
    open_reserved = sum(StockReservation.objects.filter(
        product=product, warehouse=warehouse, status=ReservationStatus.OPEN).values_list("quantity", flat=True))
    assert open_reserved == b.reserved
    last = StockLedgerEntry.objects.filter(product=product, warehouse=warehouse).order_by("-id").first()
    if last is not None:
        assert last.balance_after == b.on_hand
    return b

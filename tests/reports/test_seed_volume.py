"""seed_volume at a small size: the history it writes keeps the invariants the services keep."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q, Sum

from aftersales.models import Ticket, TicketLine
from aftersales.services import derive_aftersales_status
from inventory.models import Direction, StockBalance, StockLedgerEntry, StockReservation
from orders.models import FulfilmentStatus, Order
from reconciliation.models import EntryKind, Statement, SupplierAccountEntry
from shipments.fulfilment import status_from_totals
from shipments.models import DISPATCHED_OR_LATER, Shipment, ShipmentKind, ShipmentLine
from shipments.selectors import fulfilment_totals_by_order

LINES = 2000
NOW = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)  # the same history on every run


@pytest.fixture(scope="module")
def volume(django_db_setup, django_db_blocker):
    """One seeded database for the module's checks (read only), removed afterwards."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            call_command("seed_volume", shipment_lines=LINES, seed=7, now=NOW, quiet=True)
            yield
            transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_makes_exactly_the_shipment_lines_asked_for_over_enough_orders(volume):
    assert ShipmentLine.objects.count() == LINES
    orders = Order.objects.count()
    assert LINES / 7 <= orders <= LINES / 2
    states = set(Shipment.objects.values_list("state", flat=True))
    assert {"dispatched", "delivered", "received", "cancelled"} <= states
    assert states & {"draft", "submitted", "approved", "picking"}  # recent ones are on their way
    assert {ShipmentKind.DROP_SHIP, ShipmentKind.COMPANY_DISPATCH} == set(Shipment.objects.values_list("kind", flat=True))
    received = Shipment.objects.filter(state="received").count()
    assert received > Shipment.objects.count() / 2  # mostly finished


def test_stock_ledger_sums_to_the_balances_and_reservations_to_reserved(volume):
    sums = {}
    for row in StockLedgerEntry.objects.values("product_id", "warehouse_id", "direction").annotate(q=Sum("quantity")):
        sign = 1 if row["direction"] == Direction.IN else -1
        key = (row["product_id"], row["warehouse_id"])
        sums[key] = sums.get(key, 0) + sign * row["q"]
    balances = {(b.product_id, b.warehouse_id): b for b in StockBalance.objects.all()}
    assert sums and set(sums) <= set(balances)
    for key, balance in balances.items():
        assert sums.get(key, 0) == balance.on_hand
        last = StockLedgerEntry.objects.filter(product_id=key[0], warehouse_id=key[1]).order_by("-id").first()
        assert last is None or last.balance_after == balance.on_hand
        reserved = StockReservation.objects.filter(product_id=key[0], warehouse_id=key[1], status="open").aggregate(
            q=Sum("quantity"))["q"] or 0
        assert reserved == balance.reserved <= balance.on_hand
    assert not StockLedgerEntry.objects.filter(balance_after__lt=0).exists()
    # every dispatched company-dispatch line left stock; drop-ships never touch it
    dispatched_company = ShipmentLine.objects.filter(shipment__kind=ShipmentKind.COMPANY_DISPATCH,
                                                     shipment__state__in=DISPATCHED_OR_LATER)
    out = StockLedgerEntry.objects.filter(kind="dispatch").aggregate(q=Sum("quantity"))["q"]
    assert out == dispatched_company.aggregate(q=Sum("quantity"))["q"]


def test_order_statuses_are_what_their_documents_derive(volume):
    orders = list(Order.objects.values("pk", "fulfilment_status", "aftersales_status"))
    totals = fulfilment_totals_by_order([o["pk"] for o in orders])
    tickets = {}
    for order_id, state in Ticket.objects.values_list("order_id", "state"):
        tickets.setdefault(order_id, []).append(state)
    seen = set()
    for order in orders:
        seen.add(order["fulfilment_status"])
        if order["fulfilment_status"] == FulfilmentStatus.CANCELLED:
            assert not Shipment.objects.filter(order_id=order["pk"]).exclude(state="cancelled").exists()
        else:
            assert order["fulfilment_status"] == status_from_totals(totals[order["pk"]]), order
        assert order["aftersales_status"] == derive_aftersales_status(tickets.get(order["pk"], []))
    assert {"received", "delivered", "cancelled"} <= seen
    assert seen & {"awaiting_shipment", "partially_shipped", "shipped"}  # and recent ones on their way


def test_tickets_on_about_three_percent_of_lines(volume):
    share = TicketLine.objects.count() / LINES
    assert 0.015 <= share <= 0.05
    assert Ticket.objects.values("type").distinct().count() >= 4
    assert Ticket.objects.filter(state__in=["resolved", "closed"]).exists()


def test_supplier_account_follows_the_dispatches_and_statements_their_entries(volume):
    drop_lines = ShipmentLine.objects.filter(shipment__kind=ShipmentKind.DROP_SHIP,
                                             shipment__state__in=DISPATCHED_OR_LATER)
    goods = SupplierAccountEntry.objects.filter(kind=EntryKind.DROP_SHIP_GOODS)
    assert goods.count() == drop_lines.count()
    assert SupplierAccountEntry.objects.filter(kind=EntryKind.GOODS_RECEIPT).exists()
    statements = Statement.objects.annotate(n=Count("entries"), s=Sum("entries__amount"))
    assert statements.exists()
    for statement in statements:
        assert (statement.n, statement.s) == (statement.entry_count, statement.total)
        assert statement.state in ("approved", "supplier_confirmed", "partially_paid", "paid")
    assert not SupplierAccountEntry.objects.filter(Q(statement__isnull=False) & Q(reconciled_on__isnull=True)).exists()
    assert SupplierAccountEntry.objects.filter(statement__isnull=True).exists()  # recent ones wait


def test_refuses_a_second_run_without_append(volume):
    with pytest.raises(CommandError, match="--append"):
        call_command("seed_volume", shipment_lines=10, quiet=True)


def test_daily_shipment_summary_holds_the_dispatched_units(volume):
    from shipments.models import ShipmentDaySummary

    dispatched = ShipmentLine.objects.filter(shipment__state__in=DISPATCHED_OR_LATER)
    assert ShipmentDaySummary.objects.aggregate(u=Sum("units"))["u"] == dispatched.aggregate(u=Sum("quantity"))["u"]
    assert ShipmentDaySummary.objects.aggregate(n=Sum("lines"))["n"] == dispatched.count()

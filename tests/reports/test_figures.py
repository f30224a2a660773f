"""Right numbers (issue 13, item 7): every figure of every dashboard, read from the page a manager opens,
equals an independent computation written here in plain Python over the rows the world wrote
(tests/reports/world.py, made through the services) — never the dashboard's own query.

The independent side reads whole tables (`Model.objects.all()` into Python) and sums, groups and buckets
them itself; it shares nothing with the selectors but the models."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory import selectors as stock_selectors
from inventory.models import StockLedgerEntry, StockReservation
from reconciliation import selectors as account_selectors
from reconciliation.models import Statement, StatementPayment, SupplierAccountEntry

pytestmark = pytest.mark.django_db

ZERO = Decimal("0")


def charts_of(client, user, url, **query):
    client.force_login(user)
    response = client.get(url, query)
    assert response.status_code == 200, url
    return {chart.id: chart for chart in response.context["charts"]}


def figures(chart):
    """{row label: [values]} of a chart card."""
    return {str(row.label): list(row.values) for row in chart.rows}


# ---- independent computations: inventory -----------------------------------------------------------------

def ledger_rows():
    return list(StockLedgerEntry.objects.all())


def on_hand_by_key():
    """{(product id, warehouse id): on hand} summed from the ledger's signed rows."""
    totals = defaultdict(int)
    for row in ledger_rows():
        totals[(row.product_id, row.warehouse_id)] += row.quantity if row.direction == "in" else -row.quantity
    return dict(totals)


def reserved_by_key():
    totals = defaultdict(int)
    for r in StockReservation.objects.all():
        if r.status == "open":
            totals[(r.product_id, r.warehouse_id)] += r.quantity
    return totals


def last_move(direction):
    last = {}
    for row in ledger_rows():
        if row.direction == direction:
            key = (row.product_id, row.warehouse_id)
            last[key] = max(last.get(key, row.created_at), row.created_at)
    return last


def age_bucket(days):
    return "0-30" if days <= 30 else "31-60" if days <= 60 else "61-90" if days <= 90 else "90+"


def expected_stock_age(world, now):
    products = {p.pk: p for p in world.products}
    last_in = last_move("in")
    buckets = {name: [0, ZERO, 0] for name in ("0-30", "31-60", "61-90", "90+")}
    for key, hand in on_hand_by_key().items():
        if hand > 0:
            bucket = buckets[age_bucket((now - last_in[key]).days)]
            bucket[0] += hand
            bucket[1] += hand * products[key[0]].supplier_unit_cost
            bucket[2] += 1
    return buckets


def expected_slow_movers(now, days):
    last_out = last_move("out")
    return {key: hand for key, hand in on_hand_by_key().items()
            if hand > 0 and (key not in last_out or last_out[key] < now - timedelta(days=days))}


def test_inventory_dashboard_figures(world, client):
    products = {p.pk: p for p in world.products}
    warehouses = {w.pk: w for w in world.warehouses}
    charts = charts_of(client, world.people["warehouse"], "/reports/inventory/")
    hand, reserved = on_hand_by_key(), reserved_by_key()
    assert hand[(world.products[0].pk, world.warehouses[0].pk)] == 40 - 5 - 3 + 1  # the world is what it says

    expected = {}
    for (product_id, warehouse_id), units in hand.items():
        row = expected.setdefault(warehouses[warehouse_id].name, [0, ZERO, 0, 0])
        row[0] += units
        row[1] += units * products[product_id].supplier_unit_cost
        row[2] += reserved.get((product_id, warehouse_id), 0)
        row[3] += 1 if units > 0 else 0
    assert figures(charts["stock-by-warehouse"]) == expected

    today = timezone.localdate()
    by_kind, by_day = {}, {}
    for row in ledger_rows():
        if today - timedelta(days=29) <= timezone.localdate(row.created_at) <= today:
            label = f"{row.get_kind_display()} · {row.get_direction_display()}"
            units, count = by_kind.get(label, (0, 0))
            by_kind[label] = (units + row.quantity, count + 1)
            day = by_day.setdefault(timezone.localdate(row.created_at).isoformat(), [0, 0])
            day[0 if row.direction == "in" else 1] += row.quantity
    assert figures(charts["movements-by-kind"]) == {k: list(v) for k, v in by_kind.items()}
    assert figures(charts["movements-over-time"]) == by_day

    low = {f"{products[p].sku} · {warehouses[w].name}": [hand[(p, w)] - reserved.get((p, w), 0),
                                                         products[p].low_stock_threshold, hand[(p, w)],
                                                         reserved.get((p, w), 0)]
           for (p, w) in hand if hand[(p, w)] - reserved.get((p, w), 0) < products[p].low_stock_threshold}
    assert low and figures(charts["low-stock"]) == low

    now = timezone.now()
    slow = expected_slow_movers(now, 30)
    assert slow and set(figures(charts["slow-movers"])) == {
        f"{products[p].sku} · {warehouses[w].name}" for p, w in slow}
    for label, (units, value, _days) in figures(charts["slow-movers"]).items():
        key = next(k for k in slow if f"{products[k[0]].sku} · {warehouses[k[1]].name}" == label)
        assert units == slow[key] and value == slow[key] * products[key[0]].supplier_unit_cost

    assert figures(charts["stock-age"]) == expected_stock_age(world, now)


@pytest.mark.parametrize("days_later", [0, 31, 45, 61, 95])
def test_stock_age_and_slow_movers_as_time_passes(world, days_later):
    """The buckets and the N days move with the clock: the selectors asked as of a later day agree with the
    independent computation as of that day."""
    now = timezone.now() + timedelta(days=days_later)
    got = {r["bucket"]: [r["units"], r["value"], r["balances"]] for r in stock_selectors.stock_age(now=now)}
    assert got == expected_stock_age(world, now)
    for days in (7, 30, 60):
        slow = {(b.product_id, b.warehouse_id): b.on_hand for b in stock_selectors.slow_movers(days=days, now=now)}
        assert slow == expected_slow_movers(now, days)


# ---- independent computations: reconciliation ------------------------------------------------------------

def entry_rows():
    return list(SupplierAccountEntry.objects.all())


def expected_ageing(today):
    buckets = {name: [ZERO, 0] for name in ("0-30", "31-60", "61-90", "90+")}
    per_supplier = defaultdict(lambda: dict.fromkeys(buckets, ZERO))
    for entry in entry_rows():
        if entry.reconciled_on is None:
            bucket = age_bucket((today - entry.entry_date).days)
            buckets[bucket][0] += entry.amount
            buckets[bucket][1] += 1
            per_supplier[entry.supplier_id][bucket] += entry.amount
    return buckets, per_supplier


def test_reconciliation_dashboard_figures(world, client):
    suppliers = {s.pk: s for s in world.suppliers}
    charts = charts_of(client, world.people["finance"], "/reports/reconciliation/")
    today = timezone.localdate()

    expected = {}
    for entry in entry_rows():
        if today - timedelta(days=29) <= entry.entry_date <= today:
            row = expected.setdefault(suppliers[entry.supplier_id].name, [ZERO, ZERO, ZERO, 0])
            row[0 if entry.reconciled_on else 1] += entry.amount
            row[2] += entry.amount
            row[3] += 1
    assert all(row[0] and row[1] for row in expected.values())  # both suppliers partly reconciled
    assert figures(charts["reconciled-by-supplier"]) == expected

    buckets, per_supplier = expected_ageing(today)
    assert figures(charts["ageing"]) == {name: [amount, count] for name, (amount, count) in buckets.items()}
    assert figures(charts["ageing-by-supplier"]) == {
        suppliers[s].name: list(amounts.values()) for s, amounts in per_supplier.items()}

    # statements waiting: their totals summed here from their entries (not the statement's cached total)
    entry_sums = defaultdict(lambda: ZERO)
    for entry in entry_rows():
        if entry.statement_id:
            entry_sums[entry.statement_id] += entry.amount
    waiting = {"Submitted": [0, ZERO], "Approved": [0, ZERO]}
    for statement in Statement.objects.all():
        if statement.state in ("submitted", "approved"):
            waiting[statement.get_state_display()][0] += 1
            waiting[statement.get_state_display()][1] += entry_sums[statement.pk]
    assert figures(charts["awaiting-by-state"]) == waiting
    assert len(charts["awaiting-statements"].rows) == 2

    months, per_supplier_paid = {}, {}
    for payment in StatementPayment.objects.select_related("statement"):
        signed = -payment.amount if payment.direction == "from_supplier" else payment.amount
        to = payment.amount if payment.direction == "to_supplier" else ZERO
        back = payment.amount if payment.direction == "from_supplier" else ZERO
        for key, table in ((payment.paid_on.strftime("%Y-%m"), months),
                           (suppliers[payment.statement.supplier_id].name, per_supplier_paid)):
            row = table.setdefault(key, [ZERO, ZERO, ZERO, 0])
            row[0] += signed
            row[1] += to
            row[2] += back
            row[3] += 1
    assert months and figures(charts["payments"]) == months
    assert figures(charts["payments-by-supplier"]) == per_supplier_paid


@pytest.mark.parametrize("days_later", [0, 30, 31, 60, 61, 90, 91, 200])
def test_ageing_as_time_passes(world, days_later):
    today = timezone.localdate() + timedelta(days=days_later)
    totals, per_supplier = account_selectors.unreconciled_ageing(today=today)
    buckets, expected_per_supplier = expected_ageing(today)
    assert {r["bucket"]: [r["amount"], r["entries"]] for r in totals} == {
        name: [amount, count] for name, (amount, count) in buckets.items()}
    got = defaultdict(dict)
    for r in per_supplier:
        got[r["supplier_id"]][r["bucket"]] = r["amount"]
    assert {s: {b: a for b, a in amounts.items() if b in got[s] or a} for s, amounts in
            expected_per_supplier.items()} == dict(got)


# ---- the same figures under a filter ---------------------------------------------------------------------

def test_inventory_figures_of_one_warehouse_and_one_supplier(world, client):
    """Filtered by a warehouse and a supplier: only their balances and movements count."""
    products = {p.pk: p for p in world.products}
    warehouse, supplier = world.warehouses[1], world.suppliers[1]
    charts = charts_of(client, world.people["manager"], "/reports/inventory/", warehouse=warehouse.pk,
                       supplier=supplier.pk, period="last_7")
    mine = {key: units for key, units in on_hand_by_key().items()
            if key[1] == warehouse.pk and products[key[0]].default_supplier_id == supplier.pk}
    assert figures(charts["stock-by-warehouse"]) == {warehouse.name: [
        sum(mine.values()), sum(units * products[p].supplier_unit_cost for (p, _w), units in mine.items()),
        0, sum(1 for units in mine.values() if units > 0)]}
    by_kind = {}
    for row in ledger_rows():
        if row.warehouse_id == warehouse.pk and products[row.product_id].default_supplier_id == supplier.pk:
            label = f"{row.get_kind_display()} · {row.get_direction_display()}"
            units, count = by_kind.get(label, (0, 0))
            by_kind[label] = (units + row.quantity, count + 1)
    assert by_kind and figures(charts["movements-by-kind"]) == {k: list(v) for k, v in by_kind.items()}


def test_reconciliation_figures_of_one_supplier(world, client):
    supplier = world.suppliers[0]
    charts = charts_of(client, world.people["manager"], "/reports/reconciliation/", supplier=supplier.pk)
    entries = [e for e in entry_rows() if e.supplier_id == supplier.pk]
    reconciled = sum((e.amount for e in entries if e.reconciled_on), ZERO)
    remaining = sum((e.amount for e in entries if not e.reconciled_on), ZERO)
    assert figures(charts["reconciled-by-supplier"]) == {
        supplier.name: [reconciled, remaining, reconciled + remaining, len(entries)]}
    open_entries = [e for e in entries if not e.reconciled_on]
    assert figures(charts["ageing"])["0-30"] == [sum((e.amount for e in open_entries), ZERO), len(open_entries)]
    assert set(figures(charts["ageing-by-supplier"])) == {supplier.name}
    statements = [s for s in Statement.objects.all() if s.supplier_id == supplier.pk
                  and s.state in ("submitted", "approved")]
    assert sum(row[0] for row in figures(charts["awaiting-by-state"]).values()) == len(statements)
    paid = [p for p in StatementPayment.objects.select_related("statement") if p.statement.supplier_id == supplier.pk]
    assert figures(charts["payments-by-supplier"]) == {supplier.name: [
        sum((p.amount for p in paid), ZERO), sum((p.amount for p in paid), ZERO), ZERO, len(paid)]}

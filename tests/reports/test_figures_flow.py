"""Right numbers (issue 13, item 7), continued: the shipping statistics, after-sales analysis, supplier
scorecard and dispatch monitoring dashboards, each figure read from the page a manager opens and compared
with an independent computation in plain Python over the world's rows (tests/reports/world.py).

The definitions restated here are DESIGN.md's: a shipment counts in the period it was dispatched in (any
purpose); a ticket in the period it was registered in, unless rejected; on time = dispatched by ordered at +
the store's promised hours (on the supplier's scorecard: within the supplier's promised hours from approval);
the after-sales rate = ticketed units per 100 dispatched units; an order waiting for dispatch is at risk from
75 % of its window and overdue after it; an approved drop-ship is also held to its supplier's hours from
approval."""

import math
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.models import Ticket, TicketLine
from orders.models import Order
from shipments.models import Shipment, ShipmentLine

pytestmark = pytest.mark.django_db

ZERO = Decimal("0")
DISPATCHED = ("dispatched", "delivered", "received")


def charts_of(client, user, url, **query):
    client.force_login(user)
    response = client.get(url, query)
    assert response.status_code == 200, url
    return {chart.id: chart for chart in response.context["charts"]}


def figures(chart):
    return {str(row.label): list(row.values) for row in chart.rows}


def share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def in_last_30_days(moment):
    today = timezone.localdate()
    return moment is not None and today - timedelta(days=29) <= timezone.localdate(moment) <= today


# ---- the world's rows, read whole ---------------------------------------------------------------------------

def dispatched_shipments():
    orders = {o.pk: o for o in Order.objects.select_related("store")}
    shipments = [s for s in Shipment.objects.select_related("supplier") if s.state in DISPATCHED
                 and in_last_30_days(s.dispatched_at)]
    for s in shipments:
        s.the_order = orders[s.order_id]
    return shipments


def on_time(shipment):
    order = shipment.the_order
    return shipment.dispatched_at <= order.ordered_at + timedelta(hours=order.store.promised_dispatch_hours)


def lines_of(shipments):
    ids = {s.pk: s for s in shipments}
    return [(ids[line.shipment_id], line) for line in ShipmentLine.objects.select_related("order_line__product")
            if line.shipment_id in ids]


def group(shipments, key):
    """{key: [shipments, orders, units, on-time %]} with `key(shipment, line)` per line."""
    seen = defaultdict(lambda: {"shipments": set(), "orders": set(), "units": 0, "on_time": set()})
    for shipment, line in lines_of(shipments):
        g = seen[key(shipment, line)]
        g["shipments"].add(shipment.pk)
        g["orders"].add(shipment.order_id)
        g["units"] += line.quantity
        if on_time(shipment):
            g["on_time"].add(shipment.pk)
    return {k: [len(g["shipments"]), len(g["orders"]), g["units"], share(len(g["on_time"]), len(g["shipments"]))]
            for k, g in seen.items()}


def percentile(values, fraction):
    values = sorted(values)
    position = fraction * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def test_shipping_statistics_figures(world, client):
    charts = charts_of(client, world.people["manager"], "/reports/shipping/")
    shipments = dispatched_shipments()
    assert len(shipments) == 5  # o1, o2 (part), o3, o5 (part) and the exchange's outbound drop-ship

    assert figures(charts["by-store"]) == group(shipments, lambda s, line: s.the_order.store.name)
    assert figures(charts["by-supplier"]) == group(
        shipments, lambda s, line: s.supplier.name if s.supplier else "Company dispatch (own stock)")
    assert figures(charts["by-kind"]) == group(shipments, lambda s, line: s.get_kind_display())
    assert figures(charts["by-product"]) == group(
        shipments, lambda s, line: f"{line.order_line.product.sku} {line.order_line.product.name}")
    assert figures(charts["by-period"]) == group(
        shipments, lambda s, line: timezone.localdate(s.dispatched_at).isoformat())

    everything = group(shipments, lambda s, line: "all")["all"]
    hours = [(s.dispatched_at - s.the_order.ordered_at).total_seconds() / 3600 for s in shipments]
    summary = figures(charts["summary"])
    assert summary["Shipments"] == [everything[0]] and summary["Orders"] == [everything[1]]
    assert summary["Units"] == [everything[2]]
    assert summary["Hours from order to dispatch, median"][0] == pytest.approx(percentile(hours, 0.5), abs=0.01)
    assert summary["Hours from order to dispatch, 90th percentile"][0] == pytest.approx(percentile(hours, 0.9),
                                                                                        abs=0.01)
    assert summary["Dispatched by the deadline (%)"] == [everything[3]]
    assert 0 < everything[3] < 100  # some on time, some late


@pytest.mark.parametrize(("group_by", "label"), [
    ("week", lambda day: "{}-W{:02d}".format(*day.isocalendar()[:2])),
    ("month", lambda day: day.strftime("%Y-%m")),
])
def test_shipping_figures_by_week_and_month(world, client, group_by, label):
    """The periods' shipments and orders (counted per shipment) and units (from the daily summary) meet
    in the same weeks and months as the lines they stand for."""
    charts = charts_of(client, world.people["manager"], "/reports/shipping/", group_by=group_by)
    assert figures(charts["by-period"]) == group(
        dispatched_shipments(), lambda s, line: label(timezone.localdate(s.dispatched_at)))


def counted_tickets():
    return [t for t in Ticket.objects.select_related("store", "supplier")
            if t.state != "rejected" and in_last_30_days(t.created_at)]


def ticket_groups(tickets, key, dispatched_key=None, total=None):
    """{label: [tickets, units, dispatched units, rate]} grouping ticket lines by `key(ticket, line)`."""
    by_id = {t.pk: t for t in tickets}
    seen = defaultdict(lambda: [set(), 0])
    for line in TicketLine.objects.select_related("order_line__product"):
        if line.ticket_id in by_id:
            g = seen[key(by_id[line.ticket_id], line)]
            g[0].add(line.ticket_id)
            g[1] += line.quantity
    out = {}
    for label, (ids, units) in seen.items():
        dispatched = dispatched_key(label) if dispatched_key else total
        out[label] = [len(ids), units, dispatched, share(units, dispatched)]
    return out


def test_aftersales_analysis_figures(world, client):
    charts = charts_of(client, world.people["manager"], "/reports/after-sales/")
    tickets = counted_tickets()
    assert len(tickets) == 5  # every ticket but the rejected reship

    shipped = lines_of(dispatched_shipments())
    total = sum(line.quantity for _s, line in shipped)

    def shipped_units(pick):
        return lambda label: sum(line.quantity for s, line in shipped if pick(s, line) == label)

    assert figures(charts["by-product"]) == ticket_groups(
        tickets, lambda t, line: line.order_line.product.sku,
        shipped_units(lambda s, line: line.order_line.product.sku))
    assert figures(charts["by-supplier"]) == ticket_groups(
        tickets, lambda t, line: t.supplier.name, shipped_units(lambda s, line: s.supplier and s.supplier.name))
    assert figures(charts["by-store"]) == ticket_groups(
        tickets, lambda t, line: t.store.name, shipped_units(lambda s, line: s.the_order.store.name))
    assert figures(charts["by-reason"]) == ticket_groups(tickets, lambda t, line: t.get_reason_display(), total=total)
    assert figures(charts["by-type"]) == ticket_groups(tickets, lambda t, line: t.get_type_display(), total=total)

    manufacturer = sum((t.manufacturer_amount for t in tickets if t.compensate), ZERO)
    seller = sum((t.seller_amount for t in tickets if t.compensate), ZERO)
    assert manufacturer and figures(charts["compensation"]) == {
        "Manufacturer compensation": [manufacturer], "Seller compensation": [seller]}

    refunds = {}
    for t in tickets:
        if t.type in ("refund_only", "return_refund") and t.refund_amount is not None:
            row = refunds.setdefault(t.get_type_display(), [0, ZERO])
            row[0] += 1
            row[1] += t.refund_amount
    assert len(refunds) == 2 and figures(charts["refunds"]) == refunds


def within_promise(shipment):
    """The supplier's on-time dispatch: within its promised hours from the drop-ship's approval."""
    return shipment.dispatched_at <= shipment.approved_at + timedelta(hours=shipment.supplier.promised_dispatch_hours)


def test_supplier_scorecard_figures(world, client):
    charts = charts_of(client, world.people["finance"], "/reports/scorecard/")
    drop_ships = [s for s in dispatched_shipments() if s.kind == "drop_ship"]
    tickets = counted_tickets()
    units = defaultdict(int)
    for s, line in lines_of(drop_ships):
        units[s.supplier_id] += line.quantity
    ticketed = defaultdict(int)
    for line in TicketLine.objects.all():
        ticket = next((t for t in tickets if t.pk == line.ticket_id), None)
        if ticket is not None:
            ticketed[ticket.supplier_id] += line.quantity
    expected = {}
    for supplier in world.suppliers:
        mine = [s for s in drop_ships if s.supplier_id == supplier.pk]
        hours = [(s.dispatched_at - s.the_order.ordered_at).total_seconds() / 3600 for s in mine]
        theirs = [t for t in tickets if t.supplier_id == supplier.pk]
        expected[supplier.name] = [
            len(mine), share(sum(1 for s in mine if within_promise(s)), len(mine)),
            round(sum(hours) / len(hours), 1) if hours else None, units[supplier.pk], ticketed[supplier.pk],
            share(ticketed[supplier.pk], units[supplier.pk]),
            sum((t.manufacturer_amount for t in theirs if t.compensate), ZERO),
            sum((t.charge_back_amount or ZERO for t in theirs if t.charge_back), ZERO), 0]
    got = figures(charts["scorecard"])
    assert set(got) == set(expected)
    for name, values in expected.items():
        assert got[name][:2] == values[:2] and got[name][3:] == values[3:], name
        assert got[name][2] == pytest.approx(values[2], abs=0.05), name


def test_dispatch_monitoring_figures(world, client):
    now = timezone.now()
    charts = charts_of(client, world.people["manager"], "/reports/monitoring/")

    def level(deadline, at_risk_from):
        return "overdue" if deadline < now else "at_risk" if at_risk_from <= now else None

    def window(start, hours):
        return start + timedelta(hours=hours), start + timedelta(minutes=45 * hours)

    stores = {}
    for order in Order.objects.select_related("store"):
        if order.fulfilment_status in ("awaiting_shipment", "partially_shipped"):
            found = level(*window(order.ordered_at, order.store.promised_dispatch_hours))
            if found:
                row = stores.setdefault(order.store.name, [0, 0])
                row[0 if found == "at_risk" else 1] += 1
    assert stores and figures(charts["late-orders-per-store"]) == stores

    suppliers = {}
    for s in Shipment.objects.select_related("order__store", "supplier"):
        if s.kind != "drop_ship" or s.state != "approved":
            continue
        levels = [level(*window(s.approved_at, s.supplier.promised_dispatch_hours))]
        if s.purpose == "sale" and s.order.fulfilment_status in ("awaiting_shipment", "partially_shipped"):
            levels.append(level(*window(s.order.ordered_at, s.order.store.promised_dispatch_hours)))
        worst = "overdue" if "overdue" in levels else "at_risk" if "at_risk" in levels else None
        if worst:
            row = suppliers.setdefault(s.supplier.name, [0, 0])
            row[0 if worst == "at_risk" else 1] += 1
    assert suppliers and figures(charts["late-drop-ships-per-supplier"]) == suppliers

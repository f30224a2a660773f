"""What an integrator looks up in lists: shipments by supplier, carrier, tracking no. and state (each row
with its supplier, carrier and freight), tickets by supplier, and each supplier's account in figures."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.models import TicketType
from reconciliation import selectors, statements
from reconciliation.models import EntryKind
from shipments.approval import approve_shipment, submit_shipment
from shipments.dispatching import dispatch_shipment
from shipments.models import Shipment
from tests.aftersales.factories import make_ticket
from tests.api.test_contract import concrete, list_operations, required_query
from tests.factories import CarrierFactory, SupplierFactory
from tests.orders.factories import OrderLineFactory
from tests.reconciliation.factories import MIXED, MIXED_TOTAL, build, post_entries
from tests.shipments.factories import make_world

pytestmark = pytest.mark.django_db


def test_shipments_are_found_by_carrier_tracking_no_supplier_and_state(api_client):
    world = make_world(lines=1, quantity=4)
    drop_ship = world.ship("drop_ship", quantities=[2], freight="8.50")
    submit_shipment(drop_ship, actor=world.sales)
    approve_shipment(drop_ship, actor=world.approver)
    dispatch_shipment(drop_ship, actor=world.sales, carrier=world.carrier, tracking_number="SF 123")
    company = world.ship("company_dispatch", quantities=[2])
    client, _user = api_client("sales")

    def found(**params):
        response = client.get("/api/v1/shipments", params)
        assert response.status_code == 200, response.json()
        return response.json()["items"]

    rows = found(carrier=world.carrier.code.upper(), tracking_number=" SF   123 ")
    assert [row["id"] for row in rows] == [drop_ship.pk]
    assert rows[0]["carrier"] == world.carrier.code and Decimal(rows[0]["freight"]) == Decimal("8.50")
    assert rows[0]["supplier"] == world.lines[0].product.default_supplier_id and rows[0]["warehouse"] is None
    assert [row["id"] for row in found(supplier=rows[0]["supplier"])] == [drop_ship.pk]
    assert [row["id"] for row in found(state="draft")] == [company.pk]
    assert found(carrier="nobody") == [] and found(tracking_number="SF 999") == []
    company_row = found(warehouse=world.warehouse.pk)[0]
    assert (company_row["carrier"], company_row["supplier"]) == (None, None)


def test_tickets_are_found_by_supplier(api_client):
    line = OrderLineFactory(quantity=2)
    ours = make_ticket(type=TicketType.REFUND_ONLY, order_line=line, dispatch=False, seller_amount=Decimal("5"))
    make_ticket(type=TicketType.REFUND_ONLY, supplier=SupplierFactory(), dispatch=False, seller_amount=Decimal("5"))
    client, _user = api_client("sales")
    response = client.get("/api/v1/aftersales/tickets", {"supplier": line.product.default_supplier_id,
                                                         "with_count": "true"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["items"]] == [ours.pk] and response.json()["count"] == 1


@pytest.fixture
def accounts(make_user):
    """Supplier A: the mixed entries on an approved statement, part paid, plus one entry on no statement;
    supplier B: one entry. → (a, b, the entry left open)."""
    a, b = SupplierFactory(name="A supplier"), SupplierFactory(name="B supplier")
    entries = post_entries(a, MIXED)
    builder, supervisor = make_user("finance"), make_user("finance_supervisor")
    statement = build(a, entries, builder)
    statements.submit_statement(statement, actor=builder)
    statements.approve_statement(statement, actor=supervisor)
    statements.record_payment(statement, amount=Decimal("200.00"), paid_on=statement.period_to,
                            method="bank_transfer", reference="TT-1", actor=builder)
    open_entry, = post_entries(a, [(EntryKind.FREIGHT, "7.00", None, "freight later")])
    post_entries(b, [(EntryKind.FREIGHT, "3.00", None, "freight")])
    return a, b, open_entry


def test_the_summary_selector_sums_entries_and_payments_once_each(accounts):
    a, b, _open = accounts
    rows = {row.pk: row for row in selectors.supplier_account_summaries()}
    assert (rows[a.pk].total, rows[a.pk].reconciled, rows[a.pk].remaining, rows[a.pk].paid, rows[a.pk].entry_count) \
        == (MIXED_TOTAL + 7, MIXED_TOTAL, Decimal("7.00"), Decimal("200.00"), len(MIXED) + 1)
    assert (rows[b.pk].total, rows[b.pk].paid) == (Decimal("3.00"), Decimal("0"))


def test_the_supplier_account_summary_per_supplier(api_client, accounts):
    a, b, _open = accounts
    client, _user = api_client("finance")
    body = client.get("/api/v1/supplier-entries/summary", {"with_count": "true"}).json()
    assert body["count"] >= 2
    by_supplier = {row["supplier"]: row for row in body["items"]}
    assert {k: by_supplier[a.pk][k] for k in ("supplier_name", "total", "reconciled", "remaining", "paid")} == {
        "supplier_name": "A supplier", "total": str(MIXED_TOTAL + 7), "reconciled": str(MIXED_TOTAL),
        "remaining": "7.00", "paid": "200.00"}
    only_b = client.get("/api/v1/supplier-entries/summary/", {"supplier": b.pk}).json()["items"]
    assert [(row["supplier"], row["total"], row["paid"]) for row in only_b] == [(b.pk, "3.00", "0.00")]
    warehouse, _user = api_client("warehouse")
    assert warehouse.get("/api/v1/supplier-entries/summary").status_code == 403


def test_a_carrier_code_that_is_not_ascii_is_a_filter_value_not_a_crash(api_client):
    CarrierFactory(code="sf")
    client, _user = api_client("sales")
    response = client.get("/api/v1/shipments", {"carrier": "²"})
    assert response.status_code == 200 and response.json()["items"] == []


def test_every_list_takes_updated_since_and_a_change_brings_a_row_back(api_client):
    world = make_world(lines=1, quantity=2)
    old, new = world.ship("company_dispatch", quantities=[1]), world.ship("company_dispatch", quantities=[1])
    long_ago = timezone.now() - datetime.timedelta(days=3)
    Shipment.objects.filter(pk__in=[old.pk, new.pk]).update(updated_at=long_ago)
    since = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()
    client, _user = api_client("sales")

    def changed():
        response = client.get("/api/v1/shipments", {"updated_since": since})
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["items"]]

    assert changed() == []
    submit_shipment(new, actor=world.sales)  # a transition: the database moves updated_at
    assert changed() == [new.pk]
    naive = client.get("/api/v1/shipments", {"updated_since": "2026-01-01T10:00:00"})
    assert naive.status_code == 422 and "updated_since" in naive.json()["errors"]
    for path, params in list_operations():
        response = client.get(concrete(path), {**required_query(params), "updated_since": since})
        assert response.status_code in (200, 403, 404), (path, response.status_code)
        assert "updated_since" in params, path


@pytest.mark.parametrize("since", ["0014-04-28T06:19:03-21:27", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
                                   "2026-01-01T10:00:00"])
def test_an_updated_since_outside_our_era_or_without_timezone_is_a_422(api_client, since):
    client, _user = api_client("warehouse")
    response = client.get("/api/v1/stock/receipts", {"updated_since": since})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["updated_since"]


def test_an_updated_since_with_any_real_offset_is_read_in_utc(api_client):
    client, _user = api_client("warehouse")
    response = client.get("/api/v1/stock/balances", {"updated_since": "2026-01-01T00:00:00-21:27"})
    assert response.status_code == 200 and response.json()["items"] == []

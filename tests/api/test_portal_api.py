"""The supplier portal's API (/api/v1/portal/): a supplier login's token sees and acts on its own drop-ships,
statements and balance only — another supplier's id answers 404 —, a retried dispatch never doubles, and a
supplier token opens no internal endpoint (nor an internal token the portal's)."""

import re
import uuid
from decimal import Decimal

import pytest
from django.test import Client

from accounts.tokens import create_token
from config.api import api
from reconciliation import disputes, statements
from reconciliation.models import DisputedLine, EntryKind, Statement, StatementState, SupplierAccountEntry
from shipments.models import Shipment, ShipmentState
from tests.factories import CarrierFactory, SupplierFactory
from tests.portal.factories import approved_drop_ship, supplier_user
from tests.reconciliation.factories import MIXED, build, post_entries

pytestmark = pytest.mark.django_db

BASE = "/api/v1/portal"


def token_client(user):
    _token, key = create_token(user=user, name="integration", actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def drop_ship():
    return approved_drop_ship()


@pytest.fixture
def supplier(drop_ship):
    return drop_ship.supplier


@pytest.fixture
def client_of(supplier):
    user = supplier_user(supplier, username="hz-api")
    client = token_client(user)
    client.user = user
    return client


@pytest.fixture
def other_drop_ship():
    return approved_drop_ship()


def test_lists_only_its_own_drop_ships_to_dispatch(client_of, drop_ship, other_drop_ship):
    response = client_of.get(f"{BASE}/drop-ships")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [i["id"] for i in items] == [drop_ship.pk]
    line = items[0]["lines"][0]
    assert set(line) == {"sku", "name", "quantity", "supplier_unit_price"}  # never the seller's prices
    assert client_of.get(f"{BASE}/drop-ships/{drop_ship.pk}").status_code == 200
    assert client_of.get(f"{BASE}/drop-ships/{other_drop_ship.pk}").status_code == 404


def test_dispatch_is_idempotent_and_posts_the_supplier_entries_once(client_of, drop_ship):
    carrier = CarrierFactory(code="SF")
    key = str(uuid.uuid4())
    body = {"carrier": "SF", "tracking_number": "SF1234567890"}
    first = client_of.post(f"{BASE}/drop-ships/{drop_ship.pk}/dispatch", body, content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 200, first.content
    again = client_of.post(f"{BASE}/drop-ships/{drop_ship.pk}/dispatch", body, content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    shipment = Shipment.objects.get(pk=drop_ship.pk)
    assert (shipment.state, shipment.carrier, shipment.tracking_number) == (
        ShipmentState.DISPATCHED, carrier, "SF1234567890")
    entries = SupplierAccountEntry.objects.filter(supplier=drop_ship.supplier)
    assert sorted(entries.values_list("kind", flat=True)) == [EntryKind.DROP_SHIP_GOODS, EntryKind.FREIGHT]
    # Without the key, a second dispatch is a state conflict, not a second set of entries.
    third = client_of.post(f"{BASE}/drop-ships/{drop_ship.pk}/dispatch", body, content_type="application/json")
    assert third.status_code == 409
    assert entries.count() == 2


def test_dispatch_refusals_change_nothing(client_of, drop_ship, other_drop_ship):
    CarrierFactory(code="SF")
    body = {"carrier": "SF", "tracking_number": "SF1"}
    assert client_of.post(f"{BASE}/drop-ships/{other_drop_ship.pk}/dispatch", body,
                          content_type="application/json").status_code == 404
    bad = client_of.post(f"{BASE}/drop-ships/{drop_ship.pk}/dispatch", {"carrier": "NOPE", "tracking_number": "1"},
                         content_type="application/json")
    assert bad.status_code == 400 and "carrier" in bad.json()["errors"]
    assert not Shipment.objects.filter(state=ShipmentState.DISPATCHED).exists()
    assert not SupplierAccountEntry.objects.exists()


# ---- statements ---------------------------------------------------------------------------------------

def approved_statement(supplier, make_user):
    finance = make_user("finance")
    statement = build(supplier, post_entries(supplier, MIXED), finance)
    statements.submit_statement(statement, actor=finance)
    statements.approve_statement(Statement.objects.get(pk=statement.pk), actor=make_user("finance_supervisor"))
    statement = Statement.objects.get(pk=statement.pk)
    statement.finance = finance
    return statement


def test_statements_dispute_answer_and_confirm_over_the_api(client_of, supplier, make_user):
    statement = approved_statement(supplier, make_user)
    others = approved_statement(SupplierFactory(), make_user)
    listed = client_of.get(f"{BASE}/statements").json()["items"]
    assert [s["id"] for s in listed] == [statement.pk]
    assert client_of.get(f"{BASE}/statements/{others.pk}").status_code == 404
    assert client_of.get(f"{BASE}/statements/{others.pk}/lines").status_code == 404
    lines = client_of.get(f"{BASE}/statements/{statement.pk}/lines").json()["items"]
    assert len(lines) == len(MIXED)

    other_entry = others.entries.first()
    refused = client_of.post(f"{BASE}/statements/{statement.pk}/dispute",
                             {"lines": [{"entry": other_entry.pk, "reason": "not ours"}]},
                             content_type="application/json")
    assert refused.status_code == 400 and "not on statement" in refused.json()["errors"]["lines"][0]
    no_reason = client_of.post(f"{BASE}/statements/{statement.pk}/dispute",
                               {"lines": [{"entry": lines[0]["id"], "reason": " "}]}, content_type="application/json")
    assert no_reason.status_code == 400
    assert Statement.objects.get(pk=statement.pk).state == StatementState.APPROVED
    assert client_of.post(f"{BASE}/statements/{others.pk}/dispute",
                          {"lines": [{"entry": other_entry.pk, "reason": "x"}]},
                          content_type="application/json").status_code == 404

    key = str(uuid.uuid4())
    body = {"lines": [{"entry": lines[0]["id"], "reason": "Only 2 of 3 arrived"}], "message": "see photos"}
    disputed = client_of.post(f"{BASE}/statements/{statement.pk}/dispute", body, content_type="application/json",
                              HTTP_IDEMPOTENCY_KEY=key)
    assert disputed.status_code == 200, disputed.content
    assert disputed.json()["state"] == StatementState.DISPUTED
    assert disputed.json()["disputed_lines"][0]["reason"] == "Only 2 of 3 arrived"
    replay = client_of.post(f"{BASE}/statements/{statement.pk}/dispute", body, content_type="application/json",
                            HTTP_IDEMPOTENCY_KEY=key)
    assert replay.status_code == 200 and DisputedLine.objects.count() == 1

    early = client_of.post(f"{BASE}/statements/{statement.pk}/confirm")
    assert early.status_code == 400
    disputes.answer_dispute_line(DisputedLine.objects.get(), actor=statement.finance,
                                 adjustment_amount=Decimal("-100.00"), reason="one unit short")
    confirmed = client_of.post(f"{BASE}/statements/{statement.pk}/confirm")
    assert confirmed.status_code == 200, confirmed.content
    detail = confirmed.json()
    assert detail["state"] == StatementState.SUPPLIER_CONFIRMED
    assert detail["disputed_lines"][0]["answer_kind"] == "adjustment"
    assert detail["disputed_lines"][0]["adjustment_entry"] is not None

    balance = client_of.get(f"{BASE}/balance").json()
    assert Decimal(balance["total"]) == Decimal("1267.00") - Decimal("100.00")
    assert Decimal(balance["remaining"]) == Decimal("-100.00")  # the adjustment waits for the next statement


# ---- who may call what ----------------------------------------------------------------------------------

def operations():
    """(method, path with ids filled in) of every operation of the API."""
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method in methods:
            yield method.upper(), re.sub(r"\{[^}]+\}", "1", path)


def test_a_supplier_token_opens_no_internal_endpoint(supplier):
    client = token_client(supplier_user(supplier))
    internal = [(m, p) for m, p in operations() if not p.startswith(f"{BASE}/")]
    assert len(internal) > 30
    wrong = []
    for method, path in internal:
        response = client.generic(method, path, "{}", content_type="application/json")
        if response.status_code != 403:
            wrong.append(f"{method} {path}: {response.status_code}")
    assert not wrong, wrong


def test_an_internal_token_opens_no_portal_endpoint(make_user):
    client = token_client(make_user("finance", "sales", "manager"))
    portal = [(m, p) for m, p in operations() if p.startswith(f"{BASE}/")]
    assert len(portal) >= 8
    assert all(client.generic(m, p, "{}", content_type="application/json").status_code == 403 for m, p in portal)


def test_finance_answers_a_disputed_line_over_the_api(client_of, supplier, make_user, api_client):
    statement = approved_statement(supplier, make_user)
    entry = statement.entries.order_by("id").first()
    disputes.dispute_statement(statement, actor=client_of.user, lines=[(entry, "wrong price")])
    line = DisputedLine.objects.get()
    finance, _user = api_client(user=statement.finance)
    listed = finance.get(f"/api/v1/statements/{statement.pk}/disputed-lines").json()["items"]
    assert [(row["entry"], row["reason"], row["answer_kind"]) for row in listed] == [(entry.pk, "wrong price", "")]
    answer_url = f"/api/v1/statements/{statement.pk}/disputed-lines/{line.pk}/answer"
    refused = finance.post(answer_url, {"adjustment_amount": "5.00"}, content_type="application/json")
    assert refused.status_code == 400 and not DisputedLine.objects.get().is_answered
    supervisor, _user = api_client("finance_supervisor")
    assert supervisor.post(answer_url, {"explanation": "it stands"}, content_type="application/json").status_code == 403
    answered = finance.post(answer_url, {"adjustment_amount": "5.00", "reason": "price was 5 more"},
                            content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert answered.status_code == 200, answered.content
    body = answered.json()
    adjustment = SupplierAccountEntry.objects.get(pk=body["adjustment_entry"])
    assert (body["answer_kind"], adjustment.amount, adjustment.corrects_id) == ("adjustment", Decimal("5.00"), entry.pk)
    assert client_of.get(f"/api/v1/statements/{statement.pk}/disputed-lines").status_code == 403

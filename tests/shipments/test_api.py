"""The shipment API: the same services, permissions and validation as the pages."""

import pytest
from django.utils import timezone

from orders.models import FulfilmentStatus, Order
from reconciliation.models import SupplierAccountEntry
from shipments.models import Shipment, ShipmentState

from .factories import make_world

pytestmark = pytest.mark.django_db
S = ShipmentState


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_a_company_dispatch_goes_from_entry_to_receipt_over_the_api(api_client):
    world = make_world(quantity=2)
    sales, _ = api_client(user=world.sales)
    approver, _ = api_client(user=world.approver)
    warehouse, _ = api_client(user=world.warehouse_user)

    response = post(sales, "/api/v1/shipments", {
        "order": world.order.pk, "kind": "company_dispatch", "warehouse": world.warehouse.pk,
        "lines": [{"order_line": world.lines[0].pk, "quantity": 2}], "submit": True})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "submitted" and body["number"].startswith("SH") and body["lines"][0]["quantity"] == 2
    sid = body["id"]

    assert post(sales, f"/api/v1/shipments/{sid}/approve").status_code == 403  # sales may not approve
    assert post(approver, f"/api/v1/shipments/{sid}/approve").json()["state"] == "approved"
    assert post(warehouse, f"/api/v1/shipments/{sid}/start-picking").json()["state"] == "picking"
    response = post(warehouse, f"/api/v1/shipments/{sid}/dispatch",
                    {"carrier": world.carrier.code, "tracking_number": "SF123"})
    assert response.status_code == 200 and response.json()["tracking_url"].endswith("SF123")
    assert post(warehouse, f"/api/v1/shipments/{sid}/deliver").json()["state"] == "delivered"
    received_at = timezone.localtime().isoformat()  # a reported time lies between the delivery and now
    assert post(sales, f"/api/v1/shipments/{sid}/receive", {"at": received_at}).json()["state"] == "received"
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.RECEIVED

    listed = sales.get("/api/v1/shipments", {"order": world.order.pk}).json()
    assert [row["id"] for row in listed["items"]] == [sid] and listed["next"] is None
    assert sales.get(f"/api/v1/shipments/{sid}").json()["carrier"] == world.carrier.code


def test_an_approver_who_entered_the_shipment_gets_403(api_client, make_user):
    world = make_world()
    both = make_user("sales", "approver")
    client, _ = api_client(user=both)
    sid = post(client, "/api/v1/shipments", {
        "order": world.order.pk, "kind": "company_dispatch", "warehouse": world.warehouse.pk,
        "lines": [{"order_line": world.lines[0].pk, "quantity": 1}], "submit": True}).json()["id"]
    response = post(client, f"/api/v1/shipments/{sid}/approve")
    assert response.status_code == 403 and "someone else" in response.json()["detail"]
    assert post(client, f"/api/v1/shipments/{sid}/reject", {"reason": "x"}).status_code == 403
    assert Shipment.objects.get(pk=sid).state == S.SUBMITTED


def test_the_open_quantity_rule_answers_400_naming_the_line_and_the_excess(api_client):
    world = make_world(quantity=2)
    client, _ = api_client(user=world.sales)
    response = post(client, "/api/v1/shipments", {
        "order": world.order.pk, "kind": "company_dispatch", "warehouse": world.warehouse.pk,
        "lines": [{"order_line": world.lines[0].pk, "quantity": 5}]})
    assert response.status_code == 400
    assert "3 too many" in response.json()["errors"]["lines"][0]
    assert not Shipment.objects.exists()


def test_a_drop_ship_dispatched_over_the_api_posts_goods_and_freight(api_client):
    world = make_world(quantity=3, stock=0)
    client, _ = api_client(user=world.sales)
    approver, _ = api_client(user=world.approver)
    supplier = world.lines[0].product.default_supplier
    sid = post(client, "/api/v1/shipments", {
        "order": world.order.pk, "kind": "drop_ship", "supplier": supplier.pk, "freight": "6.50",
        "lines": [{"order_line": world.lines[0].pk, "quantity": 3, "supplier_unit_price": "9.00"}],
        "submit": True}).json()["id"]
    post(approver, f"/api/v1/shipments/{sid}/approve")
    response = post(client, f"/api/v1/shipments/{sid}/dispatch", {"carrier": world.carrier.code,
                                                                    "tracking_number": "YT9"})
    assert response.status_code == 200
    assert sorted((e.kind, str(e.amount)) for e in SupplierAccountEntry.objects.all()) == [
        ("drop_ship_goods", "27.00"), ("freight", "6.50")]


def test_wrong_state_is_409_missing_tracking_400_unknown_404_and_no_permission_403(api_client):
    world = make_world()
    client, _ = api_client(user=world.sales)
    sid = world.ship().pk
    assert post(client, f"/api/v1/shipments/{sid}/deliver").status_code == 409
    approver, _ = api_client(user=world.approver)
    warehouse, _ = api_client(user=world.warehouse_user)
    post(client, f"/api/v1/shipments/{sid}/submit")
    post(approver, f"/api/v1/shipments/{sid}/approve")
    post(warehouse, f"/api/v1/shipments/{sid}/start-picking")
    response = post(warehouse, f"/api/v1/shipments/{sid}/dispatch", {"carrier": "nope", "tracking_number": ""})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"carrier", "tracking_number"}
    assert post(client, "/api/v1/shipments/999999/submit").status_code == 404
    finance, _ = api_client(user=world.finance)
    assert post(finance, "/api/v1/shipments", {"order": world.order.pk, "kind": "drop_ship",
                                               "lines": []}).status_code == 403
    assert post(approver, f"/api/v1/shipments/{sid}/cancel", {"reason": "stop"}).json()["state"] == "cancelled"

"""Invoices and cancellation over the API (issue 5, items 6 and 7): the same services (orders.invoices,
orders.services.cancel_order), permissions (finance records invoices) and validation as the pages;
400 / 403 / 404 / 409 answered with the project's error bodies."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import PdfJob
from orders.models import FulfilmentStatus, Invoice, Order
from orders.services import set_fulfilment_status
from shipments.approval import approve_shipment, submit_shipment
from shipments.dispatching import dispatch_shipment, start_picking
from shipments.models import Shipment, ShipmentState
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.shipments.factories import make_world

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def received_order():
    order = OrderFactory(external_order_no="TM-8801")
    OrderLineFactory(order=order, quantity=2, unit_price=Decimal("25.00"))
    OrderLineFactory(order=order, quantity=1, unit_price=Decimal("99.90"))
    return set_fulfilment_status(order, status=FulfilmentStatus.RECEIVED)


def url(order, what="invoice"):
    return f"/api/v1/orders/{order.pk}/{what}"


def vat(number="24310000000012345678", amount="149.90", name="e-invoice.pdf", content=PDF, **extra):
    return {"kind": "general_vat", "number": number, "issued_on": timezone.localdate().isoformat(),
            "amount": amount, "file": SimpleUploadedFile(name, content), **extra}


def status_of(order):
    return Order.objects.get(pk=order.pk).fulfilment_status


def test_finance_records_a_vat_invoice_with_its_file_and_a_retry_gets_the_same_one(api_client):
    client, finance = api_client("finance")
    order = received_order()

    answer = client.post(url(order), vat())  # multipart
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["kind"], body["number"], body["amount"], body["order_no"]) == (
        "general_vat", "24310000000012345678", "149.90", "TM-8801")
    assert body["recorded_by"] == finance.username and body["file_url"].endswith("/file/")
    assert status_of(order) == FulfilmentStatus.INVOICED
    assert Invoice.objects.get().file.read() == PDF

    retry = client.post(url(order), vat())
    assert retry.status_code == 200 and retry.json()["id"] == body["id"]
    assert Invoice.objects.count() == 1

    got = client.get(url(order))
    assert got.status_code == 200 and got.json() == body
    downloaded = client.get(body["file_url"])  # the token does not log in to pages
    assert downloaded.status_code in (302, 403)


def test_finance_issues_a_commercial_invoice_by_json_numbered_by_consign(api_client):
    client, _finance = api_client("finance")
    order = received_order()
    answer = client.post(url(order), {"kind": "commercial"}, content_type="application/json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    year = timezone.localdate().year
    assert body["number"] == f"CI{year}-000001" and body["amount"] == "149.90"
    assert status_of(order) == FulfilmentStatus.INVOICED
    # its PDF is queued with it (rendered by the worker once committed, never in the request)
    job = PdfJob.objects.get()
    assert (job.kind, job.parameters, job.state) == ("commercial_invoice", {"invoice": body["id"]}, "queued")
    assert not Invoice.objects.get().file
    again = client.post(url(order), {"kind": "commercial"}, content_type="application/json")
    assert again.status_code == 409
    assert "already invoiced" in again.json()["detail"]
    assert Invoice.objects.count() == 1


@pytest.mark.parametrize(("data", "field"), [
    ({"number": ""}, "number"),
    ({"amount": "0"}, "amount"),
    ({"amount": "1.234"}, "amount"),
    ({"file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")}, "file"),
    ({"file": SimpleUploadedFile("x.exe", PDF)}, "file"),
    ({"kind": "cheque"}, "kind"),
    ({"issued_on": "2999-01-01"}, "issued_on"),
])
def test_bad_fields_answer_400_naming_the_field_and_write_nothing(api_client, data, field):
    client, _finance = api_client("finance")
    order = received_order()
    answer = client.post(url(order), {**vat(), **data})
    assert answer.status_code == 400, answer.json()
    body = answer.json()
    assert body["detail"] and field in body["errors"], body
    assert not Invoice.objects.exists() and status_of(order) == FulfilmentStatus.RECEIVED


def test_a_vat_file_is_needed_and_json_cannot_carry_one(api_client):
    client, _finance = api_client("finance")
    order = received_order()
    answer = client.post(url(order), {"kind": "general_vat", "number": "1", "amount": "1.00"},
                         content_type="application/json")
    assert answer.status_code == 400 and "file" in answer.json()["errors"]
    assert client.post(url(order), "[1]", content_type="application/json").status_code == 400


def test_not_received_already_invoiced_or_a_taken_number_answer_409(api_client):
    client, _finance = api_client("finance")
    awaiting = OrderFactory()
    OrderLineFactory(order=awaiting)
    answer = client.post(url(awaiting), vat())
    assert answer.status_code == 409 and "received" in answer.json()["detail"]

    first, second = received_order(), received_order()
    assert client.post(url(first), vat(number="A-1")).status_code == 201
    taken = client.post(url(second), vat(number="A-1"))
    assert taken.status_code == 409 and "A-1" in taken.json()["detail"]
    other_number = client.post(url(first), vat(number="A-2"))
    assert other_number.status_code == 409 and "already invoiced" in other_number.json()["detail"]
    assert Invoice.objects.count() == 1


@pytest.mark.parametrize("role", ["sales", "warehouse", "manager", "approver"])
def test_only_finance_may_invoice(api_client, role):
    client, _user = api_client(role)
    order = received_order()
    answer = client.post(url(order), vat())
    assert answer.status_code == 403 and answer.json()["detail"]
    assert not Invoice.objects.exists()


def test_reading_an_invoice_needs_view_invoice_and_a_missing_one_is_404(api_client):
    order = received_order()
    finance, _ = api_client("finance")
    missing = finance.get(url(order))
    assert missing.status_code == 404 and "TM-8801" in missing.json()["detail"]
    assert finance.get("/api/v1/orders/999999/invoice").json() == {"detail": "Not found."}
    assert finance.post("/api/v1/orders/999999/invoice", vat()).status_code == 404
    warehouse, _ = api_client("warehouse")
    assert warehouse.get(url(order)).status_code == 403
    sales, _ = api_client("sales")
    finance.post(url(order), vat())
    assert sales.get(url(order)).json()["number"] == "24310000000012345678"


# ---- cancel ------------------------------------------------------------------------------------------

def test_sales_cancels_an_order_and_its_undispatched_shipment_a_retry_answers_200(api_client):
    world = make_world()
    shipment = world.ship()
    submit_shipment(shipment, actor=world.sales)
    client, _user = api_client(user=world.sales)
    answer = client.post(url(world.order, "cancel"), {"reason": "customer withdrew"},
                         content_type="application/json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["fulfilment_status"] == "cancelled"
    assert Shipment.objects.get(pk=shipment.pk).state == ShipmentState.CANCELLED
    retry = client.post(url(world.order, "cancel"), {"reason": "customer withdrew"},
                        content_type="application/json")
    assert retry.status_code == 200 and retry.json()["fulfilment_status"] == "cancelled"


def test_cancel_needs_a_reason_permission_and_nothing_dispatched(api_client):
    world = make_world()
    client, _user = api_client(user=world.sales)
    missing = client.post(url(world.order, "cancel"), {}, content_type="application/json")
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    warehouse, _ = api_client("warehouse")
    assert warehouse.post(url(world.order, "cancel"), {"reason": "x"},
                          content_type="application/json").status_code == 403
    assert client.post("/api/v1/orders/999999/cancel", {"reason": "x"},
                       content_type="application/json").status_code == 404

    shipment = world.ship()
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    start_picking(shipment, actor=world.warehouse_user)
    dispatch_shipment(shipment, actor=world.warehouse_user, carrier=world.carrier,
                                        tracking_number="SF1")
    late = client.post(url(world.order, "cancel"), {"reason": "too late"}, content_type="application/json")
    assert late.status_code == 409 and late.json()["detail"]
    assert status_of(world.order) == FulfilmentStatus.SHIPPED

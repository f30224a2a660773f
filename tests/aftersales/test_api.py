"""After-sales over the API: create, notes, transitions — the same services, permissions and validation."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aftersales.models import Ticket, TicketNote, TicketState
from reconciliation.models import SupplierAccountEntry
from tests.aftersales.factories import dispatch_units
from tests.api.conftest import api_client  # noqa: F401  (fixture)
from tests.factories import WarehouseFactory
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/aftersales/tickets"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_a_ticket_goes_its_whole_way_over_the_api(api_client, make_user):  # noqa: F811
    sales_client, sales = api_client("sales")
    approver_client, _approver = api_client("approver")
    warehouse_client, _wh = api_client("warehouse")
    line = OrderLineFactory(quantity=2)
    dispatch_units(line, 2)
    warehouse = WarehouseFactory()
    created = post(sales_client, BASE, {
        "type": "return_refund", "order": line.order.pk, "reason": "quality",
        "lines": [{"order_line": line.pk, "quantity": 1}], "supplier": line.product.default_supplier_id,
        "return_destination": "warehouse", "return_warehouse": warehouse.pk,
        "charge_back": True, "charge_back_amount": "10.00",
        "compensate": True, "manufacturer_amount": "6.00", "seller_amount": "4.00",
    })
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["state"], body["total_amount"], body["handler"]) == ("registered", "10.00", sales.pk)
    url = f"{BASE}/{body['id']}/transitions"

    assert post(sales_client, f"{url}/submit").json()["state"] == "submitted"
    assert post(sales_client, f"{url}/approve").status_code == 403  # never the registrant
    assert post(approver_client, f"{url}/approve").json()["state"] == "awaiting_return"  # waits for the goods
    assert post(sales_client, f"{url}/resolve").status_code == 409  # the goods are not back yet
    received = post(warehouse_client, f"{url}/receive_return").json()
    assert (received["state"], received["receipt_status"]) == ("return_received", "received")
    missing = post(sales_client, f"{url}/resolve")
    assert missing.status_code == 400 and "refund_reference" in missing.json()["errors"]
    refund = {"refund_amount": "99.00", "refund_date": timezone.localdate().isoformat(), "refund_reference": "R1"}
    first = post(sales_client, f"{url}/resolve", refund)
    retry = post(sales_client, f"{url}/resolve", refund)
    assert first.status_code == retry.status_code == 200 and retry.json()["state"] == "resolved"
    assert SupplierAccountEntry.objects.filter(source_id=body["id"], kind__in=("charge_back",
                                                                           "manufacturer_compensation")).count() == 2
    assert Ticket.objects.get(pk=body["id"]).refund_amount == Decimal("99.00")


def test_create_refuses_bad_input_with_field_errors(api_client):  # noqa: F811
    client, _sales = api_client("sales")
    line = OrderLineFactory(quantity=1)
    response = post(client, BASE, {"type": "refund_only", "order": line.order.pk, "reason": "quality",
                                   "lines": [{"order_line": line.pk, "quantity": 5}],
                                   "compensate": True, "manufacturer_amount": "5.00", "seller_amount": "0"})
    assert response.status_code == 400
    assert "at most 1" in " ".join(response.json()["errors"]["lines"])
    assert not Ticket.objects.exists()
    warehouse_client, _ = api_client("warehouse")
    assert post(warehouse_client, BASE, {"type": "refund_only", "order": line.order.pk, "reason": "quality",
                                         "lines": []}).status_code == 403


def test_notes_over_the_api_with_attachment_checks(api_client, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    client, _sales = api_client("sales")
    line = OrderLineFactory(quantity=1)
    ticket_id = post(client, BASE, {"type": "refund_only", "order": line.order.pk, "reason": "quality",
                                    "lines": [{"order_line": line.pk, "quantity": 1}]}).json()["id"]
    bad = client.post(f"{BASE}/{ticket_id}/notes", {"text": "see", "channel": "chat",
                                                   "files": [SimpleUploadedFile("a.exe", b"MZ")]})
    assert bad.status_code == 400 and "not accepted" in " ".join(bad.json()["errors"]["files"])
    good = client.post(f"{BASE}/{ticket_id}/notes", {"text": "客户来电", "channel": "phone",
                                                    "files": [SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n")]})
    assert good.status_code == 201 and good.json()["attachments"] == ["a.png"]
    assert TicketNote.objects.count() == 1
    listing = client.get(BASE, {"state": TicketState.REGISTERED})
    assert [row["id"] for row in listing.json()["items"]] == [ticket_id]


def test_the_reship_shipment_over_the_api(api_client):  # noqa: F811
    from aftersales import services
    from tests.aftersales.factories import make_ticket
    from tests.factories import UserFactory

    client, sales = api_client("sales")
    line = OrderLineFactory(quantity=1)
    ticket = make_ticket(type="reship", order_line=line, registered_by=sales)
    url = f"{BASE}/{ticket.pk}/shipment"
    body = {"kind": "drop_ship", "supplier": line.product.default_supplier_id}
    assert post(client, url, body).status_code == 409  # not approved yet
    services.submit_ticket(ticket, actor=sales)
    services.approve_ticket(ticket, actor=UserFactory(roles=("approver",)))
    created = post(client, url, body)
    assert created.status_code == 201 and created.json()["purpose"] == "reship"
    assert post(client, url, body).status_code == 409  # one live outbound shipment (a state conflict)
    assert Ticket.objects.get(pk=ticket.pk).outbound_shipment_id == created.json()["id"]


def return_body(line, quantity, **overrides):
    body = {"type": "return_refund", "order": line.order.pk, "reason": "quality",
            "lines": [{"order_line": line.pk, "quantity": quantity}], "supplier": line.product.default_supplier_id,
            "return_destination": "warehouse", "return_warehouse": WarehouseFactory().pk,
            "charge_back": True, "charge_back_amount": "10.00"}
    body.update(overrides)
    return body


def test_a_return_beyond_the_returnable_quantity_is_a_field_error_and_writes_nothing(api_client):  # noqa: F811
    client, _sales = api_client("sales")
    line = OrderLineFactory(quantity=2)
    for _retry in range(2):  # never shipped: nothing is returnable, however often it is asked
        refused = post(client, BASE, return_body(line, 2))
        assert refused.status_code == 400
        assert "only 0 returnable" in " ".join(refused.json()["errors"]["lines"])
    dispatch_units(line, 1)
    assert post(client, BASE, return_body(line, 2)).status_code == 400
    assert post(client, BASE, return_body(line, 1)).status_code == 201
    reship = post(client, BASE, return_body(line, 1, type="reship", return_destination="", return_warehouse=None,
                                            charge_back=False))
    assert reship.status_code == 400 and list(reship.json()["errors"]) == ["lines"]
    assert Ticket.objects.count() == 1
    assert not SupplierAccountEntry.objects.filter(kind="charge_back").exists()


def test_approval_over_the_api_refuses_a_ticket_beyond_the_returnable_quantity(api_client):  # noqa: F811
    from aftersales.models import TicketLine

    sales_client, _sales = api_client("sales")
    approver_client, _approver = api_client("approver")
    line = OrderLineFactory(quantity=2)
    dispatch_units(line, 1)
    ticket_id = post(sales_client, BASE, return_body(line, 1)).json()["id"]
    assert post(sales_client, f"{BASE}/{ticket_id}/transitions/submit").status_code == 200
    TicketLine.objects.filter(ticket_id=ticket_id).update(quantity=2)  # a ticket from before the rule
    refused = post(approver_client, f"{BASE}/{ticket_id}/transitions/approve")
    assert refused.status_code == 400 and "only 1 returnable" in " ".join(refused.json()["errors"]["lines"])
    assert Ticket.objects.get(pk=ticket_id).state == TicketState.SUBMITTED


def test_cancelling_an_order_with_a_live_ticket_over_the_api_is_a_conflict(api_client):  # noqa: F811
    from orders.models import FulfilmentStatus, Order

    client, _sales = api_client("sales")
    line = OrderLineFactory(quantity=1)
    created = post(client, BASE, {"type": "refund_only", "order": line.order.pk, "reason": "quality",
                                  "lines": [{"order_line": line.pk, "quantity": 1}]})
    assert created.status_code == 201
    response = post(client, f"/api/v1/orders/{line.order.pk}/cancel", {"reason": "customer changed their mind"})
    assert response.status_code == 409
    assert "live after-sales ticket" in response.json()["detail"]
    assert Order.objects.get(pk=line.order.pk).fulfilment_status == FulfilmentStatus.AWAITING_SHIPMENT

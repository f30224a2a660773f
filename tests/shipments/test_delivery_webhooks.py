"""Delivered / received over the API the way a carrier or platform webhook calls it (issue 5, item 5):
by shipment id, by shipment number, or by the carrier's code and tracking no.; a retried call answers
200 with the shipment as it is (the first time stays), never 409."""

import datetime

import pytest

from core.models import TransitionLog
from orders.models import FulfilmentStatus, Order
from shipments.approval import approve_shipment, submit_shipment
from shipments.cancelling import cancel_shipment
from shipments.dispatching import dispatch_shipment, mark_delivered, start_picking
from shipments.models import Shipment, ShipmentState
from tests.factories import CarrierFactory

from .factories import make_world

pytestmark = pytest.mark.django_db
S = ShipmentState


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def dispatched(world, tracking="SF1234567890", kind="company_dispatch"):
    shipment = world.ship(kind)
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    if kind == "company_dispatch":
        start_picking(shipment, actor=world.warehouse_user)
        dispatcher = world.warehouse_user
    else:
        dispatcher = world.sales
    dispatch_shipment(shipment, actor=dispatcher, carrier=world.carrier, tracking_number=tracking)
    return Shipment.objects.get(pk=shipment.pk)


def fresh(shipment):
    return Shipment.objects.get(pk=shipment.pk)


def logged(shipment, name):
    return TransitionLog.objects.filter(object_id=shipment.pk, transition=name).count()


def test_a_carrier_reports_delivery_by_tracking_no_and_a_retry_changes_nothing(api_client):
    world = make_world()
    shipment = dispatched(world)
    carrier_hook, _ = api_client(user=world.warehouse_user)
    url = f"/api/v1/shipments/by-tracking/{world.carrier.code.upper()}/SF1234567890/deliver"
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    at = datetime.datetime.now(beijing).replace(microsecond=0).isoformat()  # after the dispatch, not in the future

    first = post(carrier_hook, url, {"at": at})
    assert first.status_code == 200, first.json()
    assert first.json()["state"] == "delivered" and first.json()["number"] == shipment.number
    delivered_at = fresh(shipment).delivered_at
    assert delivered_at == datetime.datetime.fromisoformat(at)

    retry = post(carrier_hook, url, {"at": datetime.datetime.now(beijing).isoformat()})
    assert retry.status_code == 200 and retry.json()["state"] == "delivered"
    assert fresh(shipment).delivered_at == delivered_at  # the first event stands
    assert logged(shipment, "mark_delivered") == 1
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.DELIVERED


def test_a_platform_reports_receipt_by_shipment_number_delivering_it_first_when_needed(api_client):
    world = make_world()
    shipment = dispatched(world, kind="drop_ship")
    platform, _ = api_client(user=world.sales)
    url = f"/api/v1/shipments/by-number/{shipment.number}/receive"

    first = post(platform, url)
    assert first.status_code == 200, first.json()
    body = first.json()
    assert body["state"] == "received" and body["delivered_at"] and body["received_at"]
    assert (logged(shipment, "mark_delivered"), logged(shipment, "mark_received")) == (1, 1)
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.RECEIVED

    assert post(platform, url).json()["state"] == "received"  # retried: 200, nothing written
    late_delivery = post(platform, f"/api/v1/shipments/by-number/{shipment.number}/deliver")
    assert late_delivery.status_code == 200 and late_delivery.json()["state"] == "received"
    by_id = post(platform, f"/api/v1/shipments/{shipment.pk}/deliver")
    assert by_id.status_code == 200
    assert (logged(shipment, "mark_delivered"), logged(shipment, "mark_received")) == (1, 1)


def test_delivery_by_id_is_idempotent_too(api_client):
    world = make_world()
    shipment = dispatched(world)
    client, _ = api_client(user=world.sales)
    assert post(client, f"/api/v1/shipments/{shipment.pk}/deliver").json()["state"] == "delivered"
    assert post(client, f"/api/v1/shipments/{shipment.pk}/deliver").status_code == 200
    assert post(client, f"/api/v1/shipments/{shipment.pk}/receive").json()["state"] == "received"
    assert post(client, f"/api/v1/shipments/{shipment.pk}/receive").status_code == 200
    assert logged(shipment, "mark_received") == 1


def test_before_dispatch_or_cancelled_is_still_409(api_client):
    world = make_world()
    client, _ = api_client(user=world.sales)
    draft = world.ship(quantities=[1])
    assert post(client, f"/api/v1/shipments/by-number/{draft.number}/deliver").status_code == 409
    assert post(client, f"/api/v1/shipments/{draft.pk}/receive").status_code == 409
    cancel_shipment(draft, actor=world.sales)
    assert post(client, f"/api/v1/shipments/{draft.pk}/deliver").status_code == 409
    assert fresh(draft).state == S.CANCELLED


def test_unknown_shipments_and_tracking_numbers_are_404(api_client):
    world = make_world()
    dispatched(world, tracking="YT1")
    client, _ = api_client(user=world.sales)
    assert post(client, "/api/v1/shipments/by-number/SH9999999/deliver").status_code == 404
    assert post(client, "/api/v1/shipments/by-number/nonsense/deliver").status_code == 404
    missing = post(client, f"/api/v1/shipments/by-tracking/{world.carrier.code}/YT2/deliver")
    assert missing.status_code == 404 and "YT2" in missing.json()["detail"]
    other_carrier = CarrierFactory()
    assert post(client, f"/api/v1/shipments/by-tracking/{other_carrier.code}/YT1/deliver").status_code == 404


def test_a_tracking_no_shared_by_two_shipments_is_409_naming_them(api_client):
    world = make_world(quantity=4)
    first = world.ship(quantities=[2])
    second = world.ship(quantities=[2])
    for shipment in (first, second):
        submit_shipment(shipment, actor=world.sales)
        approve_shipment(shipment, actor=world.approver)
        start_picking(shipment, actor=world.warehouse_user)
        dispatch_shipment(shipment, actor=world.warehouse_user, carrier=world.carrier,
                                   tracking_number="SAME1")
    client, _ = api_client(user=world.sales)
    answer = post(client, f"/api/v1/shipments/by-tracking/{world.carrier.code}/SAME1/deliver")
    assert answer.status_code == 409
    assert first.number in answer.json()["detail"] and second.number in answer.json()["detail"]
    assert fresh(first).state == fresh(second).state == S.DISPATCHED


def test_without_the_permission_even_a_repeat_is_403(api_client):
    world = make_world()
    shipment = dispatched(world)
    mark_delivered(shipment, actor=world.sales)
    finance, _ = api_client(user=world.finance)  # may view shipments, not mark them
    for url in (f"/api/v1/shipments/{shipment.pk}/deliver",
                f"/api/v1/shipments/by-tracking/{world.carrier.code}/SF1234567890/deliver",
                f"/api/v1/shipments/by-number/{shipment.number}/receive"):
        answer = post(finance, url)
        assert answer.status_code == 403, url
    assert fresh(shipment).state == S.DELIVERED
    supplier_login, _ = api_client("supplier")
    assert post(supplier_login, f"/api/v1/shipments/{shipment.pk}/deliver").status_code == 403


# ---- the same rules for the status file (shipments:status_import) ------------------------------------

def test_a_status_file_sent_twice_imports_cleanly_and_received_delivers_first(client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    world = make_world(quantity=4)
    first, second = world.ship(quantities=[2]), world.ship(quantities=[2])
    for shipment, tracking in ((first, "F1"), (second, "F2")):
        submit_shipment(shipment, actor=world.sales)
        approve_shipment(shipment, actor=world.approver)
        start_picking(shipment, actor=world.warehouse_user)
        dispatch_shipment(shipment, actor=world.warehouse_user, carrier=world.carrier,
                                   tracking_number=tracking)
    client.force_login(world.warehouse_user)
    text = f"发货单号,状态\n{first.number},delivered\n{second.number},已签收\n"

    def send():
        upload = client.post(reverse("shipments:status_import"),
                             {"file": SimpleUploadedFile("status.csv", text.encode(), content_type="text/csv")})
        assert upload.status_code == 302, upload.content.decode()[:1500]
        preview = client.get(upload["Location"])
        assert preview.status_code == 200
        return preview.content.decode(), client.post(upload["Location"])

    _preview, confirmed = send()
    assert confirmed.status_code == 302
    assert (fresh(first).state, fresh(second).state) == (S.DELIVERED, S.RECEIVED)
    assert (logged(second, "mark_delivered"), logged(second, "mark_received")) == (1, 1)

    preview, confirmed = send()  # the same file again: both rows skipped, nothing refused
    assert f"Shipment {first.number} is already" in preview and f"Shipment {second.number} is already" in preview
    assert confirmed.status_code == 302
    assert (fresh(first).state, fresh(second).state) == (S.DELIVERED, S.RECEIVED)
    assert (logged(first, "mark_delivered"), logged(second, "mark_received")) == (1, 1)

"""Times a carrier, a platform or a file reports (dispatched, delivered, received `at`) carry their timezone and
lie between the shipment's previous step and now (five minutes of clock skew allowed); anything else is refused
naming the field — 422 over the API, a row error in a file — and nothing moves."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.parsing import OutsideTimeRefused
from shipments.approval import approve_shipment, submit_shipment
from shipments.dispatching import dispatch_shipment, mark_delivered, mark_received
from shipments.importing import DeliveryStatusImporter
from shipments.models import Shipment, ShipmentState

from .factories import make_world

pytestmark = pytest.mark.django_db
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def fresh(shipment):
    return Shipment.objects.get(pk=shipment.pk)


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def approved(world, kind="drop_ship"):
    shipment = world.ship(kind)
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    return fresh(shipment)


def dispatched(world):
    shipment = approved(world)
    dispatch_shipment(shipment, actor=world.sales, carrier=world.carrier, tracking_number="SF1")
    return fresh(shipment)


def backdate(shipment, **times):
    Shipment.objects.filter(pk=shipment.pk).update(**times)
    return fresh(shipment)


# ---- services ------------------------------------------------------------------------------------------
def test_a_dispatch_may_say_when_it_left_between_its_approval_and_now():
    world = make_world()
    shipment = backdate(approved(world), approved_at=timezone.now() - datetime.timedelta(days=2))
    left = (timezone.now() - datetime.timedelta(days=1)).astimezone(BEIJING)

    dispatch_shipment(shipment, actor=world.sales, carrier=world.carrier, tracking_number="SF1", at=left)

    assert fresh(shipment).state == ShipmentState.DISPATCHED and fresh(shipment).dispatched_at == left


@pytest.mark.parametrize("when, why", [
    (lambda now: now + datetime.timedelta(hours=1), "in the future"),
    (lambda now: now - datetime.timedelta(days=3), "before its approval"),
    (lambda now: (now - datetime.timedelta(hours=1)).replace(tzinfo=None), "no timezone"),
])
def test_a_dispatch_time_outside_its_window_is_refused_and_nothing_moves(when, why):
    world = make_world()
    shipment = backdate(approved(world), approved_at=timezone.now() - datetime.timedelta(days=2))

    with pytest.raises(OutsideTimeRefused) as refused:
        dispatch_shipment(shipment, actor=world.sales, carrier=world.carrier, tracking_number="SF1",
                                   at=when(timezone.now()))

    assert why in refused.value.message_dict["at"][0]
    assert fresh(shipment).state == ShipmentState.APPROVED and fresh(shipment).dispatched_at is None


def test_a_delivery_before_the_dispatch_or_a_receipt_before_the_delivery_is_refused():
    world = make_world()
    shipment = backdate(dispatched(world), dispatched_at=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(OutsideTimeRefused):
        mark_delivered(shipment, actor=world.sales, at=timezone.now() - datetime.timedelta(days=2))
    assert fresh(shipment).state == ShipmentState.DISPATCHED

    delivered_at = timezone.now() - datetime.timedelta(hours=3)
    mark_delivered(shipment, actor=world.sales, at=delivered_at)
    with pytest.raises(OutsideTimeRefused):
        mark_received(fresh(shipment), actor=world.sales, at=delivered_at - datetime.timedelta(hours=1))
    assert fresh(shipment).state == ShipmentState.DELIVERED and fresh(shipment).delivered_at == delivered_at


# ---- API -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("at, why", [
    ("2026-01-02T10:00:00", "timezone"),  # naive: refused by the schema
    (lambda: (timezone.now() + datetime.timedelta(hours=2)).isoformat(), "in the future"),
    (lambda: (timezone.now() - datetime.timedelta(days=2)).isoformat(), "before its dispatch"),
])
def test_a_delivery_webhook_with_a_naive_future_or_too_early_time_answers_422(api_client, at, why):
    world = make_world()
    shipment = backdate(dispatched(world), dispatched_at=timezone.now() - datetime.timedelta(days=1))
    carrier, _user = api_client(user=world.sales)

    response = post(carrier, f"/api/v1/shipments/{shipment.pk}/deliver", {"at": at() if callable(at) else at})

    assert response.status_code == 422, response.json()
    assert why in " ".join(response.json()["errors"]["at"])
    assert fresh(shipment).state == ShipmentState.DISPATCHED


def test_a_receive_webhook_before_the_delivery_answers_422_and_a_good_one_is_kept(api_client):
    world = make_world()
    shipment = backdate(dispatched(world), dispatched_at=timezone.now() - datetime.timedelta(days=2))
    mark_delivered(shipment, actor=world.sales, at=timezone.now() - datetime.timedelta(days=1))
    platform, _user = api_client(user=world.sales)
    url = f"/api/v1/shipments/by-number/{shipment.number}/receive"

    early = post(platform, url, {"at": (timezone.now() - datetime.timedelta(days=1, hours=2)).isoformat()})
    assert early.status_code == 422 and "before its delivery" in early.json()["errors"]["at"][0]

    at = timezone.localtime().replace(microsecond=0)
    assert post(platform, url, {"at": at.isoformat()}).json()["state"] == "received"
    assert fresh(shipment).received_at == at


def test_dispatch_over_the_api_takes_when_it_left(api_client):
    world = make_world()
    shipment = backdate(approved(world), approved_at=timezone.now() - datetime.timedelta(days=2))
    client, _user = api_client(user=world.sales)
    url = f"/api/v1/shipments/{shipment.pk}/dispatch"
    body = {"carrier": world.carrier.code, "tracking_number": "SF9"}

    future = post(client, url, {**body, "at": (timezone.now() + datetime.timedelta(days=1)).isoformat()})
    assert future.status_code == 422 and "at" in future.json()["errors"]
    naive = post(client, url, {**body, "at": "2026-01-02T10:00:00"})
    assert naive.status_code == 422 and "at" in naive.json()["errors"]
    assert fresh(shipment).state == ShipmentState.APPROVED

    left = (timezone.now() - datetime.timedelta(days=1)).astimezone(BEIJING).replace(microsecond=0)
    response = post(client, url, {**body, "at": left.isoformat()})
    assert response.status_code == 200, response.json()
    assert fresh(shipment).dispatched_at == left


def test_a_bulk_dispatch_with_one_bad_time_dispatches_none_and_names_the_shipment(api_client):
    world = make_world(quantity=2)
    first, second = world.ship("drop_ship", quantities=[1]), world.ship("drop_ship", quantities=[1])
    for shipment in (first, second):
        submit_shipment(shipment, actor=world.sales)
        approve_shipment(shipment, actor=world.approver)
    client, _user = api_client(user=world.sales)
    rows = [{"shipment": first.pk, "carrier": world.carrier.code, "tracking_number": "SF1"},
            {"shipment": second.pk, "carrier": world.carrier.code, "tracking_number": "SF2",
             "at": (timezone.now() - datetime.timedelta(days=1)).isoformat()}]  # before its approval

    response = post(client, "/api/v1/shipments/bulk/dispatch", {"dispatches": rows})

    assert response.status_code == 422, response.json()
    assert second.number in " ".join(response.json()["errors"]["at"])
    assert {fresh(first).state, fresh(second).state} == {ShipmentState.APPROVED}

    rows[1]["at"] = "2026-01-02T10:00:00"  # naive: the schema names the row's field
    response = post(client, "/api/v1/shipments/bulk/dispatch", {"dispatches": rows})
    assert response.status_code == 422 and "dispatches.1.at" in response.json()["errors"]


# ---- the status file -----------------------------------------------------------------------------------
def status_file(*rows):
    text = "\n".join(["shipment no.,status,at", *(",".join(row) for row in rows)])
    return SimpleUploadedFile("status.csv", text.encode("utf-8"), content_type="text/csv")


def test_a_status_file_row_with_a_bad_time_is_a_row_error_naming_the_column(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world(quantity=3)
    shipments = []
    for _unit in range(3):
        shipment = world.ship("drop_ship", quantities=[1])
        submit_shipment(shipment, actor=world.sales)
        approve_shipment(shipment, actor=world.approver)
        dispatch_shipment(shipment, actor=world.sales, carrier=world.carrier, tracking_number="SF1")
        shipments.append(backdate(shipment, dispatched_at=timezone.now() - datetime.timedelta(days=1)))
    good = timezone.localtime().replace(microsecond=0)

    batch = DeliveryStatusImporter().parse(status_file(
        (shipments[0].number, "delivered", good.isoformat()),
        (shipments[1].number, "delivered", "2026-01-02T10:00:00"),
        (shipments[2].number, "delivered", (timezone.now() + datetime.timedelta(days=1)).isoformat()),
    ), actor=world.sales)

    assert (batch.valid, batch.error_count) == (1, 2)
    assert batch.errors[0].startswith("Row 3, column time:") and "no timezone" in batch.errors[0]
    assert batch.errors[1].startswith("Row 4, column time:") and "in the future" in batch.errors[1]


def test_a_status_file_with_good_times_keeps_them(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    shipment = backdate(dispatched(world), dispatched_at=timezone.now() - datetime.timedelta(days=1))
    at = timezone.localtime().replace(microsecond=0)
    client.force_login(world.sales)

    response = client.post(reverse("shipments:status_import"),
                           {"file": status_file((shipment.number, "received", at.isoformat()))})
    assert response.status_code == 302
    client.post(response.url, {"confirm": "1"})

    assert fresh(shipment).state == ShipmentState.RECEIVED
    assert fresh(shipment).delivered_at == at and fresh(shipment).received_at == at

"""Cancelling a shipment tells whoever was already asked to act on it, in the same transaction: warehouse
staff for an approved or picking company dispatch (those holding its printed dispatch note told to
discard it), the supplier's contact for an approved drop-ship — whether it is cancelled on its page,
over the API, or by cancelling the order."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from notifications.models import Notification
from shipments.approval import approve_shipment, submit_shipment
from shipments.cancelling import cancel_order, cancel_shipment
from shipments.dispatch_notes import print_dispatch_note, print_dispatch_notes
from shipments.dispatching import start_picking
from shipments.entry import LineInput, create_shipment
from shipments.models import Shipment, ShipmentState
from tests.factories import UserFactory

from .factories import make_world

pytestmark = pytest.mark.django_db
S = ShipmentState


def fresh(shipment):
    return Shipment.objects.get(pk=shipment.pk)


def approved(world, kind="company_dispatch"):
    shipment = world.ship(kind)
    submit_shipment(shipment, actor=world.sales)
    return approve_shipment(fresh(shipment), actor=world.approver)


def told(event, **filters):
    return Notification.objects.filter(event=event, **filters)


# ---- service ----------------------------------------------------------------------------------------

def test_cancelling_an_approved_company_dispatch_tells_the_warehouse_staff():
    world = make_world()
    second = UserFactory(roles=("warehouse",))
    shipment = approved(world)

    cancel_shipment(fresh(shipment), actor=world.approver, reason="客户取消 customer withdrew")

    notes = told("shipment.cancelled").order_by("recipient_id")
    assert [n.recipient for n in notes] == [world.warehouse_user, second]
    note = notes[0]
    assert shipment.number in note.subject and "客户取消 customer withdrew" in note.body
    assert world.order.external_order_no in note.body and note.link == shipment.get_absolute_url()
    assert not told("shipment.cancelled", recipient=world.approver).exists()  # not told of one's own act


def test_whoever_printed_the_dispatch_note_is_told_to_discard_it():
    world = make_world(quantity=3)
    printer = UserFactory(roles=("warehouse",))
    batch_printer = UserFactory(roles=("warehouse",))
    shipment = approved(world)
    print_dispatch_note(fresh(shipment), actor=printer)  # on demand: starts picking, queues its job
    print_dispatch_notes(shipment_ids=[shipment.pk], actor=batch_printer)  # and a print run of it again

    cancel_shipment(fresh(shipment), actor=world.approver)

    holders = told("shipment.cancelled_printed")
    assert {n.recipient for n in holders} == {printer, batch_printer}
    assert all("discard" in n.body and shipment.number in n.subject for n in holders)
    # The rest of the warehouse gets the plain notice, nobody gets both.
    assert [n.recipient for n in told("shipment.cancelled")] == [world.warehouse_user]


def test_cancelling_an_approved_drop_ship_tells_the_suppliers_portal_users():
    world = make_world(stock=0)
    portal = UserFactory(roles=("supplier",))
    world.lines[0].product.default_supplier.portal_users.add(portal)
    shipment = approved(world, "drop_ship")

    cancel_shipment(fresh(shipment), actor=world.approver, reason="out of stock")

    note = told("shipment.supplier_cancelled").get()
    assert note.recipient == portal and shipment.number in note.subject and "out of stock" in note.body
    assert not told("shipment.cancelled").exists()  # a drop-ship never reached the warehouse


def test_without_a_portal_user_the_salesperson_is_asked_to_tell_the_supplier():
    world = make_world(stock=0)
    shipment = approved(world, "drop_ship")

    cancel_shipment(fresh(shipment), actor=world.approver)

    note = told("shipment.supplier_cancel_to_tell").get()
    assert note.recipient == world.sales and shipment.supplier.contact_email in note.body


@pytest.mark.parametrize("kind", ["company_dispatch", "drop_ship"])
def test_cancelling_before_approval_tells_nobody(kind):
    world = make_world()
    shipment = world.ship(kind)
    submit_shipment(shipment, actor=world.sales)
    before = Notification.objects.count()

    cancel_shipment(fresh(shipment), actor=world.sales)

    assert Notification.objects.count() == before


def test_a_refused_cancellation_tells_nobody():
    world = make_world()
    shipment = approved(world)
    with pytest.raises(PermissionDenied):  # sales may not cancel an approved shipment
        cancel_shipment(fresh(shipment), actor=world.sales)
    assert not told("shipment.cancelled").exists() and fresh(shipment).state == S.APPROVED


def test_cancelling_the_order_tells_those_asked_to_act_on_its_shipments():
    world = make_world(lines=2, stock=10)
    portal = UserFactory(roles=("supplier",))
    world.lines[1].product.default_supplier.portal_users.add(portal)
    company = world.ship(quantities=[2, 0])
    submit_shipment(company, actor=world.sales)
    approve_shipment(fresh(company), actor=world.approver)
    drop_ship = create_shipment(order=world.order, kind="drop_ship", actor=world.sales,
                                         supplier=world.lines[1].product.default_supplier,
                                         lines=[LineInput(world.lines[1].pk, 2)])
    submit_shipment(drop_ship, actor=world.sales)
    approve_shipment(fresh(drop_ship), actor=world.approver)

    cancel_order(world.order, actor=world.sales, reason="buyer cancelled")

    assert fresh(company).state == S.CANCELLED and fresh(drop_ship).state == S.CANCELLED
    warehouse_note = told("shipment.cancelled").get()
    assert warehouse_note.recipient == world.warehouse_user and "buyer cancelled" in warehouse_note.body
    assert told("shipment.supplier_cancelled", recipient=portal).get().subject.find(drop_ship.number) >= 0


# ---- API --------------------------------------------------------------------------------------------

def test_cancelling_over_the_api_tells_the_warehouse(api_client):
    world = make_world()
    shipment = approved(world)
    approver, _ = api_client(user=world.approver)

    response = approver.post(f"/api/v1/shipments/{shipment.pk}/cancel", {"reason": "duplicate"},
                             content_type="application/json")

    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    note = told("shipment.cancelled").get()
    assert note.recipient == world.warehouse_user and "duplicate" in note.body


# ---- pages ------------------------------------------------------------------------------------------

def test_the_warehouse_person_finds_the_cancellation_in_the_inbox(client):
    world = make_world()
    shipment = approved(world)
    start_picking(fresh(shipment), actor=world.warehouse_user)
    client.force_login(world.approver)
    response = client.post(reverse("shipments:shipment_action", args=[shipment.pk, "cancel"]),
                           {"reason": "wrong address"})
    assert response.status_code == 302 and fresh(shipment).state == S.CANCELLED

    client.force_login(world.warehouse_user)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert f"Shipment {shipment.number} cancelled: do not dispatch it" in inbox

"""Exchange and reship shipments are made only by their after-sales ticket (DESIGN.md, "Shipment"): the
shipment API and pages enter sale shipments only, the service refuses an exchange/reship shipment that
names no ticket, and the database keeps one live shipment per ticket — without shipments importing
aftersales (the ticket is a plain id on the shipment)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from shipments.approval import reject_shipment, reopen_shipment, submit_shipment
from shipments.entry import LineInput, create_shipment
from shipments.models import Shipment, ShipmentKind, ShipmentPurpose, ShipmentState

from .factories import make_world

pytestmark = pytest.mark.django_db
S = ShipmentState


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def bare_shipment(world, *, purpose, ticket_ref, state=S.DRAFT):
    """A row written straight to the table, past the services: what the database alone allows."""
    return Shipment.objects.create(order=world.order, kind=ShipmentKind.COMPANY_DISPATCH, warehouse=world.warehouse,
                                   purpose=purpose, ticket_ref=ticket_ref, state=state, entered_by=world.sales)


def test_the_service_makes_no_exchange_or_reship_shipment_that_names_no_ticket():
    world = make_world(quantity=2)
    for purpose in (ShipmentPurpose.RESHIP, ShipmentPurpose.EXCHANGE):
        with pytest.raises(ValidationError) as exc:
            create_shipment(order=world.order, kind="company_dispatch", warehouse=world.warehouse,
                                     actor=world.sales, purpose=purpose,
                                     lines=[LineInput(order_line=world.lines[0], quantity=100)])
        assert "after-sales ticket" in exc.value.message_dict["purpose"][0]
    with pytest.raises(ValidationError) as exc:  # and a sale shipment serves no ticket
        create_shipment(order=world.order, kind="company_dispatch", warehouse=world.warehouse,
                                 actor=world.sales, ticket_ref=7,
                                 lines=[LineInput(order_line=world.lines[0], quantity=1)])
    assert "purpose" in exc.value.message_dict
    assert not Shipment.objects.exists()


def test_the_database_keeps_one_live_shipment_per_ticket_and_none_on_a_sale():
    world = make_world(quantity=2)
    bare_shipment(world, purpose=ShipmentPurpose.RESHIP, ticket_ref=41, state=S.CANCELLED)
    bare_shipment(world, purpose=ShipmentPurpose.RESHIP, ticket_ref=41, state=S.CANCELLED)
    bare_shipment(world, purpose=ShipmentPurpose.RESHIP, ticket_ref=41, state=S.REJECTED)
    for state in (S.DRAFT, S.REJECTED, S.DISPATCHED):  # a rejected one counts until its replacement cancels it
        with pytest.raises(IntegrityError), transaction.atomic():
            bare_shipment(world, purpose=ShipmentPurpose.RESHIP, ticket_ref=41, state=state)
    with pytest.raises(IntegrityError), transaction.atomic():
        bare_shipment(world, purpose=ShipmentPurpose.SALE, ticket_ref=42)
    bare_shipment(world, purpose=ShipmentPurpose.EXCHANGE, ticket_ref=43)
    assert Shipment.objects.filter(ticket_ref=41).exclude(state=S.CANCELLED).count() == 1


def test_the_api_ships_no_reship_without_a_ticket(api_client):
    world = make_world(quantity=2)
    client, _user = api_client(user=world.sales)
    body = {"order": world.order.pk, "kind": "company_dispatch", "warehouse": world.warehouse.pk,
            "purpose": "reship", "lines": [{"order_line": world.lines[0].pk, "quantity": 100}]}
    response = post(client, "/api/v1/shipments", body)
    assert response.status_code in (400, 422), response.content
    assert not Shipment.objects.exists()

    body.update(purpose="exchange", lines=[{"order_line": world.lines[0].pk, "quantity": 1}])
    response = post(client, "/api/v1/shipments", body)  # refused, or at most a sale shipment (open quantity)
    assert response.status_code in (201, 400, 422), response.content
    assert not Shipment.objects.exclude(purpose=ShipmentPurpose.SALE).exists()
    assert "purpose" not in client.get("/api/v1/openapi.json").json()["components"]["schemas"]["ShipmentIn"][
        "properties"]


def test_the_shipment_form_enters_sale_shipments_only(client):
    world = make_world(quantity=2)
    client.force_login(world.sales)
    client.post(reverse("shipments:shipment_create"), {
        "order": world.order.pk, "kind": "company_dispatch", "warehouse": world.warehouse.pk, "purpose": "reship",
        f"qty_{world.lines[0].pk}": "1"})
    assert list(Shipment.objects.values_list("purpose", "ticket_ref")) == [(ShipmentPurpose.SALE, None)]


def test_a_rejected_sale_shipment_still_goes_back_to_draft():
    world = make_world(quantity=2)
    shipment = world.ship(quantities=[1])
    submit_shipment(shipment, actor=world.sales)
    reject_shipment(shipment, actor=world.approver, reason="wrong warehouse")
    assert reopen_shipment(shipment, actor=world.sales).state == S.DRAFT

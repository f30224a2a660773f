"""Close short from the order page: the button (with a reason and a confirmation) is offered to sales while
the order is partly shipped, says why not while nothing is dispatched, and the order's timeline shows it."""

import pytest
from django.urls import reverse

from orders.models import FulfilmentStatus, Order, OrderLine
from shipments.models import Shipment, ShipmentState
from tests.factories import UserFactory

from .factories import make_world
from .test_services import run_to

pytestmark = pytest.mark.django_db
S = ShipmentState


def partly_shipped():
    world = make_world(lines=2, quantity=3)
    run_to(world, world.ship(quantities=[3, 1]), S.DISPATCHED)
    return world


def close_url(order):
    return reverse("shipments:order_close_short", args=[order.pk])


def test_sales_closes_a_partly_shipped_order_short_from_its_page(client):
    world = partly_shipped()
    draft = world.ship(quantities=[0, 1])
    client.force_login(world.sales)
    page = client.get(world.order.get_absolute_url())
    assert page.context["may_close_short"] is True
    assert 'id="close-short-form"' in page.text and "data-confirm=" in page.text
    assert close_url(world.order) in page.text

    response = client.post(close_url(world.order), {"reason": "Out of stock for good"}, follow=True)

    assert response.redirect_chain[-1][0] == world.order.get_absolute_url()
    assert "closed short" in response.text
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.SHIPPED
    assert Shipment.objects.get(pk=draft.pk).state == S.CANCELLED
    page = client.get(world.order.get_absolute_url())
    assert page.context["may_close_short"] is False and 'id="close-short-form"' not in page.text
    assert 'data-transition="close_short"' in page.text and "Out of stock for good" in page.text
    assert [line.closed_short_quantity for line in page.context["lines"]] == [0, 2]
    assert [line.open_quantity for line in page.context["lines"]] == [0, 0]


def test_an_order_awaiting_shipment_says_why_it_cannot_be_closed_short(client):
    world = make_world(lines=1, quantity=3)
    client.force_login(world.sales)
    page = client.get(world.order.get_absolute_url())
    assert page.context["may_close_short"] is False
    assert 'id="close-short-withheld"' in page.text and "cancel it instead" in page.text

    response = client.post(close_url(world.order), {"reason": "Out of stock"}, follow=True)
    assert "cancel it instead" in response.text
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.AWAITING_SHIPMENT


def test_a_missing_reason_is_said_and_nothing_changes(client):
    world = partly_shipped()
    client.force_login(world.sales)
    response = client.post(close_url(world.order), {"reason": "  "}, follow=True)
    assert "Close short:" in response.text
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.PARTIALLY_SHIPPED
    assert not OrderLine.objects.filter(order=world.order, closed_short_quantity__gt=0).exists()


@pytest.mark.parametrize("role", ["warehouse", "approver"])
def test_other_roles_see_no_button_and_are_refused(client, role):
    world = partly_shipped()
    client.force_login(UserFactory(roles=(role,)))
    page = client.get(world.order.get_absolute_url())
    assert page.context["may_close_short"] is False and 'id="close-short' not in page.text
    assert client.post(close_url(world.order), {"reason": "x"}).status_code == 403
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.PARTIALLY_SHIPPED


def test_the_order_list_filters_closed_short_orders_by_their_derived_status(client):
    world = partly_shipped()
    client.force_login(world.sales)
    client.post(close_url(world.order), {"reason": "Out of stock"})
    shipped = client.get(reverse("orders:order_list"), {"fulfilment_status": "shipped"})
    partly = client.get(reverse("orders:order_list"), {"fulfilment_status": "partially_shipped"})
    assert world.order.external_order_no in shipped.text
    assert world.order.external_order_no not in partly.text

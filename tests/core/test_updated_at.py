"""updated_at is kept by the database: every way a service writes a row (save with update_fields, a
set-based UPDATE, a transition's conditional UPDATE) moves it, so `updated_since` never misses a change."""

import datetime

import pytest
from django.utils import timezone

from catalog.models import Product
from shipments.approval import submit_shipment
from shipments.models import Shipment, ShipmentState
from tests.factories import ProductFactory
from tests.shipments.factories import make_world

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - datetime.timedelta(days=30)


def age(model, pk):
    model.objects.filter(pk=pk).update(updated_at=LONG_AGO)  # naming the column keeps the given value
    assert model.objects.get(pk=pk).updated_at == LONG_AGO


def test_a_set_based_update_and_a_partial_save_move_updated_at():
    product = ProductFactory()
    age(Product, product.pk)
    Product.objects.filter(pk=product.pk).update(name="renamed")
    assert Product.objects.get(pk=product.pk).updated_at > LONG_AGO
    age(Product, product.pk)
    product.list_price = product.list_price + 1
    product.save(update_fields=["list_price"])
    assert Product.objects.get(pk=product.pk).updated_at > LONG_AGO


def test_a_transition_s_conditional_update_moves_the_document():
    world = make_world()
    shipment = world.ship()
    age(Shipment, shipment.pk)
    before = timezone.now() - datetime.timedelta(seconds=5)
    submit_shipment(shipment, actor=world.sales)
    current = Shipment.objects.get(pk=shipment.pk)
    assert current.state == ShipmentState.SUBMITTED and current.updated_at >= before

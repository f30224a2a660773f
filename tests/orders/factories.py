"""Factories for orders and their lines."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from orders.models import Order, OrderLine
from tests.factories import ProductFactory, StoreFactory


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    store = factory.SubFactory(StoreFactory)
    external_order_no = factory.Sequence(lambda n: f"T{n:08d}")
    recipient_name = "张三"
    recipient_phone = "13800138000"
    recipient_address = "上海市浦东新区世纪大道 100 号"
    ordered_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 2
    unit_price = Decimal("25.00")

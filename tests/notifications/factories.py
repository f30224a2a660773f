import factory

from notifications.models import Notification
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory, roles=("sales",))
    subject = factory.Sequence(lambda n: f"新订单 New order {n}")
    body = "Order TM-1001 from 店铺 Store 1 needs a shipment."
    link = "/home/"
    event = "order.created"

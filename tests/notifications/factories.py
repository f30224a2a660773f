import factory

from notifications.messages import LITERAL, Message
from notifications.models import Notification
from tests.factories import UserFactory

# A message of the tests' own: its text is its parameters.
NOTICE = Message("tests.notice", "%(subject)s", lambda p: p.get("body", ""))


class NotificationFactory(factory.django.DjangoModelFactory):
    """A row holding plain text (the "literal" message); `subject=`/`body=` set that text."""

    class Meta:
        model = Notification

    class Params:
        subject = factory.Sequence(lambda n: f"新订单 New order {n}")
        body = "Order TM-1001 from 店铺 Store 1 needs a shipment."

    recipient = factory.SubFactory(UserFactory, roles=("sales",))
    message = LITERAL.key
    params = factory.LazyAttribute(lambda o: {"subject": o.subject, "body": o.body})
    link = "/home/"
    event = "order.created"

"""Factories for invoices (orders/invoices.py). Built straight in the database: tests of the services
go through orders.invoices instead."""

from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from orders.models import Invoice, InvoiceKind
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class VatInvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    order = factory.SubFactory(OrderFactory)
    kind = InvoiceKind.GENERAL_VAT
    number = factory.Sequence(lambda n: f"{24310000000000000000 + n}")
    issued_on = factory.LazyFunction(timezone.localdate)
    amount = Decimal("50.00")
    file = factory.LazyAttribute(lambda o: ContentFile(MINIMAL_PDF, name=f"{o.number}.pdf"))
    created_by = factory.SubFactory(UserFactory, roles=("finance",))

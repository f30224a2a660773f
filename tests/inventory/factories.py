"""Factories for stock documents. Reservation tests need "document lines" to reserve for; until the
shipments app exists, transfer lines stand in for them (the link is generic)."""

from decimal import Decimal

import factory

from inventory.models import GoodsReceipt, GoodsReceiptLine, Stocktake, StocktakeLine, Transfer, TransferLine
from tests.factories import ProductFactory, SupplierFactory, UserFactory, WarehouseFactory


class GoodsReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoodsReceipt

    supplier = factory.SubFactory(SupplierFactory)
    warehouse = factory.SubFactory(WarehouseFactory)
    created_by = factory.SubFactory(UserFactory, roles=("warehouse",))


class GoodsReceiptLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoodsReceiptLine

    receipt = factory.SubFactory(GoodsReceiptFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 10
    unit_cost = Decimal("12.50")


class StocktakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stocktake

    warehouse = factory.SubFactory(WarehouseFactory)
    reason = "月度盘点 monthly count"
    created_by = factory.SubFactory(UserFactory, roles=("warehouse",))


class StocktakeLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StocktakeLine

    stocktake = factory.SubFactory(StocktakeFactory)
    product = factory.SubFactory(ProductFactory)
    counted = 0


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transfer

    from_warehouse = factory.SubFactory(WarehouseFactory)
    to_warehouse = factory.SubFactory(WarehouseFactory)
    created_by = factory.SubFactory(UserFactory, roles=("warehouse",))


class TransferLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransferLine

    transfer = factory.SubFactory(TransferFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1


def document_lines(count, product):
    """`count` saved document lines to reserve stock for (stand-ins for shipment lines)."""
    transfer = TransferFactory(created_by=UserFactory())  # a user without roles: nobody extra to notify
    return [TransferLineFactory(transfer=transfer, product=product) for _ in range(count)]

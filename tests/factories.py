"""factory_boy factories for the master data and users; each app's tests add theirs beside it."""

from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from catalog.models import Carrier, Platform, Product, Store, Supplier, Warehouse


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("demo")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get(name=role))


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    name = factory.Sequence(lambda n: f"供应商 Supplier {n}")
    code = factory.Sequence(lambda n: f"sup-{n}")
    contact_email = factory.LazyAttribute(lambda s: f"{s.code}@supplier.example")


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    name = factory.Sequence(lambda n: f"店铺 Store {n}")
    platform = Platform.TMALL
    salesperson = factory.SubFactory(UserFactory, roles=("sales",))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"产品 Product {n}")
    default_supplier = factory.SubFactory(SupplierFactory)
    supplier_unit_cost = Decimal("10.00")
    list_price = Decimal("25.00")


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"wh-{n}")
    name = factory.Sequence(lambda n: f"仓库 Warehouse {n}")


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier

    code = factory.Sequence(lambda n: f"car-{n}")
    name = factory.Sequence(lambda n: f"物流 Carrier {n}")
    tracking_url_pattern = "https://track.example/{tracking_number}"

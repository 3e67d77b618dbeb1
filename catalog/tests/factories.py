from decimal import Decimal

import factory

from catalog.models import Category, Product, ProductSynonym
from merchant.tests.factories import StoreFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    store = factory.SubFactory(StoreFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    spoken_name = factory.LazyAttribute(lambda c: c.name.lower())
    position = factory.Sequence(lambda n: n)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    store = factory.SubFactory(StoreFactory)
    category = factory.SubFactory(CategoryFactory, store=factory.SelfAttribute("..store"))
    name = factory.Sequence(lambda n: f"Product {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    spoken_description = "a sturdy thing"
    price = Decimal("10.00")
    currency = factory.LazyAttribute(lambda p: p.store.currency)
    stock = 100
    active = True


class SynonymFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductSynonym

    product = factory.SubFactory(ProductFactory)
    store = factory.LazyAttribute(lambda s: s.product.store)
    value = factory.Sequence(lambda n: f"thing {n}")

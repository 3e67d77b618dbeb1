from decimal import Decimal

import factory

from discounts.models import Discount, DiscountKind
from merchant.tests.factories import StoreFactory


class DiscountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discount

    store = factory.SubFactory(StoreFactory)
    code = factory.Sequence(lambda n: f"CODE{n}")
    title = "10% off"
    kind = DiscountKind.PERCENTAGE
    value = Decimal("10")

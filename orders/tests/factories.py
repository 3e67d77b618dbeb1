from decimal import Decimal

import factory

from merchant.tests.factories import StoreFactory
from orders.models import Customer, Order, OrderLine, OrderStatus


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    store = factory.SubFactory(StoreFactory)
    alexa_user_id = factory.Sequence(lambda n: f"amzn1.ask.account.TESTUSER{n:06d}")
    name = factory.Sequence(lambda n: f"Shopper {n}")
    email = factory.LazyAttribute(lambda c: f"{c.alexa_user_id[-10:].lower()}@example.com")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    store = factory.SubFactory(StoreFactory)
    customer = factory.SubFactory(CustomerFactory, store=factory.SelfAttribute("..store"))
    number = factory.Sequence(lambda n: str(900000 + n))
    status = OrderStatus.PLACED
    payment_mode = factory.LazyAttribute(lambda o: o.store.payment_mode)
    currency = factory.LazyAttribute(lambda o: o.store.currency)
    subtotal = Decimal("10.00")
    tax = Decimal("0.80")
    shipping = Decimal("0.00")
    total = Decimal("10.80")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    store = factory.LazyAttribute(lambda line: line.order.store)
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    name = "Thing"
    unit_price = Decimal("10.00")
    quantity = 1
    line_total = factory.LazyAttribute(lambda line: line.unit_price * line.quantity)

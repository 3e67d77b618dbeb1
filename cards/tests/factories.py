from decimal import Decimal
from typing import cast

import factory

from cards.models import SavedCard, StripeSettings
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from merchant.tests.factories import StoreFactory
from orders import services as orders
from orders.tests.factories import CustomerFactory


class StripeSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StripeSettings

    store = factory.SubFactory(StoreFactory)


class SavedCardFactory(factory.django.DjangoModelFactory):
    """A card row without Stripe behind it (for pages and selectors); tests that charge use
    ``cards.services.card_save_for_test`` against localstripe."""

    class Meta:
        model = SavedCard

    store = factory.SubFactory(StoreFactory)
    customer = factory.SubFactory(CustomerFactory, store=factory.SelfAttribute("..store"))
    stripe_payment_method_id = factory.Sequence(lambda n: f"pm_test{n:08d}")
    brand = "visa"
    last4 = "4242"
    exp_month = 12
    exp_year = 2030


def draft_order(customer, *, price: str = "10.00", quantity: int = 2, stock: int | None = 50):
    """The shopper's cart, priced by orders (8 % tax in the default store), with an email."""
    product = cast(Product, ProductFactory(store=customer.store, price=Decimal(price), stock=stock))
    order = orders.cart_start(customer=customer, locale="en-US", source="web")
    order = orders.cart_set_items(
        order=order, items=[orders.CartItem(product=product, quantity=quantity)]
    ).order
    return order

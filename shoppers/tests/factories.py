import uuid

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from catalog.tests.factories import ProductFactory
from merchant.tests.factories import StoreFactory
from orders.tests.factories import CustomerFactory
from shoppers.models import ShopperAccount, ShopperAddress

PASSWORD = "correct horse battery"
_HASHES: dict[tuple[str, ...], str] = {}


def password_hash() -> str:
    """The hash of PASSWORD, made once per hasher list (hashing is slow on purpose; some
    tests switch to a fast hasher, and a hash made by a hasher no longer listed would not
    check)."""
    hashers = tuple(settings.PASSWORD_HASHERS)
    if hashers not in _HASHES:
        _HASHES[hashers] = make_password(PASSWORD)
    return _HASHES[hashers]


class ShopperUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.LazyFunction(lambda: f"shopper-0-{uuid.uuid4().hex}")
    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    is_staff = False
    password = factory.LazyFunction(password_hash)


class ShopperAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShopperAccount

    store = factory.SubFactory(StoreFactory)
    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    name = factory.Sequence(lambda n: f"Shopper {n}")
    user = factory.SubFactory(
        ShopperUserFactory,
        email=factory.SelfAttribute("..email"),
        username=factory.LazyAttribute(
            lambda u: f"shopper-{u.factory_parent.store.pk}-{uuid.uuid4().hex}"
        ),
    )
    customer = factory.SubFactory(
        CustomerFactory,
        store=factory.SelfAttribute("..store"),
        alexa_user_id=factory.LazyFunction(lambda: f"web:{uuid.uuid4()}"),
        email=factory.SelfAttribute("..email"),
        name="",
    )


class ShopperAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShopperAddress

    account = factory.SubFactory(ShopperAccountFactory)
    store = factory.SelfAttribute("account.store")
    name = "Ada Lovelace"
    line1 = "12 Analytical Row"
    line2 = "Flat 3"
    city = "Seattle"
    region = "WA"
    postal_code = "98101"
    country = "US"
    phone = "+1 206 555 0100"
    is_default = True


__all__ = ["PASSWORD", "ProductFactory", "ShopperAccountFactory", "ShopperAddressFactory"]
